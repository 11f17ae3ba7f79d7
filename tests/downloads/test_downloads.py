"""Every download of the site works where a reader takes it.

The site is built with a ``site_url`` and a GitHub ``repo_url`` (as the Pages workflow
builds it) and served over HTTP. Every ``.py`` and ``.ipynb`` the tutorial pages link,
and each language's zip from its home page, is downloaded and checked. Each lesson
then runs in a fresh virtualenv that has only the nnguide wheel built from this tree
and what it requires with its plot and data extras (nbclient and ipykernel for the
notebooks), from a temp folder of its own: its script, as plain python; and notebooks
of every language run through nbclient in that virtualenv's kernel (:func:`chosen`).
Then nnguide is uninstalled and a notebook's first cell must install it again.

No network: the wheel is installed with ``--no-index``, and what it requires comes
from this environment (the installed distributions its metadata names, and theirs,
linked into a folder the virtualenv puts on its path), so the check that the wheel's
requirements hold and bring no build or test tool is made on its metadata.
"""

from __future__ import annotations

import concurrent.futures
import email
import importlib.metadata
import io
import json
import os
import re
import subprocess
import sys
import sysconfig
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from urllib.request import urlopen

import nbformat
import pytest
from lxml import html as lxml_html
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import LANGUAGES, LESSONS, PROJECT
from tools import downloads

pytestmark = pytest.mark.slow

JOBS = 2  # scripts and notebooks run side by side, one thread each


def fetch(url: str) -> bytes:
    with urlopen(url, timeout=30) as response:
        assert response.status == 200, url
        return response.read()


@dataclass
class Download:
    lang: str
    name: str
    url: str
    data: bytes

    @property
    def filename(self) -> str:
        return urlsplit(self.url).path.rsplit("/", 1)[-1]


@dataclass
class Downloaded:
    files: list[Download] = field(default_factory=list)  # from the tutorial pages
    colab: dict[tuple[str, str], str | None] = field(default_factory=dict)
    zips: dict[str, bytes] = field(default_factory=dict)  # language -> its zip


@pytest.fixture(scope="module")
def downloaded(hosted_site) -> Downloaded:
    """Every ``.py``/``.ipynb`` a tutorial page links, its Colab link, each home page's zip."""
    found = Downloaded()
    for lang in LANGUAGES:
        home = hosted_site.url + PROJECT.language(lang).root
        for name in LESSONS:
            page = urljoin(home, f"{PROJECT.tutorials}/{name}/")
            tree = lxml_html.fromstring(fetch(page))
            for href in tree.xpath('//p[@class="nb-downloads"]/a[@download]/@href'):
                if href.endswith((".py", ".ipynb")):
                    url = urljoin(page, href)
                    found.files.append(Download(lang, name, url, fetch(url)))
            colab = tree.xpath('//p[@class="nb-downloads"]/a[@class="nb-colab"]/@href')
            found.colab[lang, name] = colab[0] if len(colab) == 1 else None
        links = lxml_html.fromstring(fetch(home)).xpath('//a[contains(@href, ".zip")]/@href')
        assert len(links) == 1, f"{lang} home page: zip links {links}"
        found.zips[lang] = fetch(urljoin(home, links[0]))
    return found


def test_every_tutorial_page_offers_its_script_and_portable_notebook(downloaded):
    got = sorted((d.lang, d.filename) for d in downloaded.files)
    expected = sorted(
        (lang, f"{name}{suffix}")
        for lang in LANGUAGES
        for name in LESSONS
        for suffix in (".py", ".ipynb")
    )
    assert got == expected
    for download in downloaded.files:
        if download.filename.endswith(".py"):
            script = PROJECT.examples_dir / download.lang / download.filename
            assert download.data == script.read_bytes()
        else:  # a valid notebook that shows the lesson's outputs
            notebook = nbformat.reads(download.data.decode("utf-8"), as_version=4)
            nbformat.validate(notebook)
            code = [cell for cell in notebook.cells if cell.cell_type == "code"]
            assert any(cell.get("outputs") for cell in code), download.url


def test_each_home_page_links_a_zip_of_its_language(downloaded):
    by_name = {(d.lang, d.filename): d.data for d in downloaded.files}
    for lang, data in downloaded.zips.items():
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = {name: archive.read(name) for name in archive.namelist()}
        top = f"nnguide-tutorials-{lang}/"
        assert sorted(members) == sorted(
            f"{top}{name}{suffix}" for name in LESSONS for suffix in (".py", ".ipynb")
        )
        for member, content in members.items():
            assert content == by_name[lang, member.removeprefix(top)], member


def markdown_links(notebook: dict) -> list[str]:
    return [
        target
        for cell in notebook["cells"]
        if cell["cell_type"] == "markdown"
        for target in re.findall(r"\]\(([^)\s]+)", "".join(cell["source"]))
    ]


def test_the_notebooks_are_portable(downloaded, hosted_site):
    links: set[str] = set()
    for download in downloaded.files:
        if not download.filename.endswith(".ipynb"):
            continue
        notebook = json.loads(download.data)
        where = f"{download.lang}/{download.filename}"
        assert set(notebook["metadata"]) == {"kernelspec", "language_info"}, where
        for cell in notebook["cells"]:
            assert not {"execution", "lines_to_next_cell"} & set(cell["metadata"]), where
            if cell["cell_type"] == "markdown":
                for line in "".join(cell["source"]).splitlines():
                    assert not re.match(r"#+ .*\{\s*#", line), f"{where}: {line}"
        code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
        install = "".join(code[0]["source"])
        assert code[0]["id"] == downloads.INSTALL_CELL_ID, where
        assert 'if importlib.util.find_spec("nnguide") is None:' in install
        assert f'"nnguide[plot,data]=={downloads.package_version(PROJECT)}"' in install
        note = PROJECT.language(download.lang).labels.install.splitlines()[0]
        assert install.startswith(f"# {note}\n"), where
        assert any(cell.get("outputs") for cell in code[1:]), f"{where}: outputs kept"
        for target in markdown_links(notebook):
            assert urlsplit(target).scheme or target.startswith("#"), f"{where}: {target}"
            if target.startswith(hosted_site.url):
                links.add(target)
    assert links, "the lessons link each other"
    for link in sorted(links):
        fetch(link)  # every link between lessons resolves on the site


def test_colab_opens_each_notebook_from_the_notebooks_branch(downloaded, hosted_site, tmp_path):
    """The links name the paths that ``tools.downloads export`` lays out for the branch."""
    exported = tmp_path / "branch"
    paths = downloads.export(hosted_site.root, exported)
    notebooks = {d.url.removeprefix(hosted_site.url): d for d in downloaded.files}
    notebooks = {path: d for path, d in notebooks.items() if path.endswith(".ipynb")}
    assert sorted(paths) == sorted(notebooks)
    prefix = (
        f"https://colab.research.google.com/github/nnguide/nnguide/blob/{PROJECT.notebooks_branch}/"
    )
    for path, download in notebooks.items():
        assert downloaded.colab[download.lang, download.name] == prefix + path
        assert (exported / path).read_bytes() == download.data
    label = PROJECT.language(LANGUAGES[-1]).labels.colab
    page = hosted_site.root / PROJECT.language(LANGUAGES[-1]).root / "tutorials" / LESSONS[0]
    assert f'class="nb-colab">{label}</a>' in (page / "index.html").read_text("utf-8")


def test_no_colab_link_without_a_github_repository(built_site):
    for lang in LANGUAGES:
        for name in LESSONS:
            page = built_site.page(lang, f"tutorials/{name}/").read_text(encoding="utf-8")
            assert "nb-downloads" in page and "nb-colab" not in page


# Run by the fresh virtualenv's python: execute one notebook in that virtualenv's
# kernel, then report which python and which nnguide the kernel used.
RUNNER = r"""
import json, sys
import nbclient, nbformat
from nbclient.exceptions import CellExecutionError

path, workdir = sys.argv[1:3]
notebook = nbformat.read(path, as_version=4)
notebook.cells.append(nbformat.v4.new_code_cell(
    "import json as _json, sys as _sys, nnguide as _nnguide\n"
    "print(_json.dumps({'python': _sys.executable, 'nnguide': _nnguide.__file__}))"
))
client = nbclient.NotebookClient(
    notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": workdir}}
)
try:
    client.execute()
except CellExecutionError as error:
    sys.exit(str(error)[-4000:])
first = next(cell for cell in notebook.cells if cell.cell_type == "code")
used = json.loads(notebook.cells[-1].outputs[0]["text"])
print(json.dumps({"first": first.get("id"), "first_outputs": first.outputs, **used}))
"""


@dataclass
class Venv:
    root: Path
    env: dict[str, str]
    runner: Path

    @property
    def python(self) -> str:
        return str(self.root / "bin" / "python")


def requirement_closure(requirements: list[str], extras: set[str]) -> dict[str, str]:
    """The installed distributions ``requirements`` need, and theirs: name -> version.

    Each requirement's marker is evaluated with ``extras`` (at the top) or the extras
    it names; an uninstalled one, or an installed version outside its specifier, fails.
    """
    found: dict[str, str] = {}
    seen: set[tuple[str, frozenset[str]]] = set()
    pending = [(text, extras) for text in requirements]
    while pending:
        text, wanted = pending.pop()
        requirement = Requirement(text)
        marker = requirement.marker
        if marker is not None and not any(
            marker.evaluate({"extra": extra}) for extra in (wanted or {""})
        ):
            continue
        name = canonicalize_name(requirement.name)
        try:
            version = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pytest.fail(f"{text}: not installed in the tests' environment")
        assert requirement.specifier.contains(version, prereleases=True), (text, version)
        found[name] = version
        if (name, frozenset(requirement.extras)) in seen:
            continue
        seen.add((name, frozenset(requirement.extras)))
        for sub in importlib.metadata.requires(name) or []:
            pending.append((sub, set(requirement.extras)))
    return found


def link_distributions(names: set[str], folder: Path) -> None:
    """Link the files of the installed distributions ``names`` into ``folder``."""
    folder.mkdir()
    for name in sorted(names):
        distribution = importlib.metadata.distribution(name)
        site = Path(distribution.locate_file(""))
        assert distribution.files, f"{name}: no RECORD to find its files by"
        tops = {path.parts[0] for path in distribution.files if path.parts[0] != ".."}
        for top in tops - {"__pycache__"}:
            if (site / top).exists() and not (folder / top).exists():
                (folder / top).symlink_to(site / top)


def wheel_requirements(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        [name] = [n for n in archive.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = email.message_from_bytes(archive.read(name))
    return metadata.get_all("Requires-Dist") or []


def reader_env(tmp: Path) -> dict[str, str]:
    """The environment of a reader's shell: no PYTHONPATH to this tree, own config dirs."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTHON", "VIRTUAL_ENV", "MPLBACKEND", "JUPYTER", "IPYTHON"))
    }
    for name in ("JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "IPYTHONDIR", "MPLCONFIGDIR"):
        env[name] = str(tmp / name.lower())
    env["OMP_NUM_THREADS"] = "1"
    return env


def test_the_wheel_requires_no_build_or_test_tool(distributions):
    needed = requirement_closure(wheel_requirements(distributions.wheel), {"plot", "data"})
    assert {"torch", "matplotlib", "koreanize-matplotlib", "scikit-learn"} <= set(needed)
    assert not set(needed) & {"mkdocs", "pytest", "jupytext", "nnguide-docs", "build"}


@pytest.fixture(scope="module")
def venv(tmp_path_factory, distributions) -> Venv:
    tmp = tmp_path_factory.mktemp("reader")
    root = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(root)], check=True, timeout=300)
    env = reader_env(tmp)
    env["PATH"] = f"{root / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    # What the wheel requires (and the notebook runner), from this environment: a folder
    # of links on the virtualenv's path. pip never removes a distribution from outside
    # the virtualenv, so nothing here can change the tests' environment.
    requirements = [*wheel_requirements(distributions.wheel), "nbclient", "ipykernel"]
    needed = requirement_closure(requirements, {"plot", "data"})
    link_distributions(set(needed), tmp / "requirements")
    python = str(root / "bin" / "python")
    purelib = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(purelib) / "reader_requirements.pth").write_text(f"{tmp / 'requirements'}\n")
    assert sysconfig.get_path("purelib") != purelib
    # No byte-compiling of every installed module: the runs compile what they import.
    pip = [python, "-m", "pip", "install", "--quiet", "--no-compile", "--no-index"]
    wheel = f"{distributions.wheel}[plot,data]"
    for command in (
        # The virtualenv's own setuptools (ensurepip's, older) would hide the linked one.
        [python, "-m", "pip", "uninstall", "--quiet", "--yes", "setuptools"],
        # The requirements are met by the links: pip installs the wheel alone.
        [*pip, wheel, "nbclient", "ipykernel"],
        # Build matplotlib's font cache once, not in every run.
        [python, "-c", "import matplotlib.pyplot, koreanize_matplotlib"],
    ):
        result = subprocess.run(
            command, cwd=tmp, env=env, capture_output=True, text=True, timeout=900
        )
        assert result.returncode == 0, f"{command}\n{result.stdout[-2000:]}{result.stderr[-3000:]}"
    listed = subprocess.run(
        [python, "-m", "pip", "list", "--format=json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    names = {canonicalize_name(entry["name"]) for entry in json.loads(listed.stdout)}
    assert {"nnguide", *needed} <= names
    assert not names & {"mkdocs", "pytest", "jupytext", "nnguide-docs"}
    runner = tmp / "run_notebook.py"
    runner.write_text(RUNNER, encoding="utf-8")
    return Venv(root, env, runner)


@dataclass
class Run:
    what: str
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    left: list[str]  # files the run left in its folder


def run_download(venv: Venv, download: Download, folder: Path, env: dict[str, str]) -> Run:
    """Run one downloaded file from a folder of its own, as a reader would."""
    folder.mkdir(parents=True)
    path = folder / download.filename
    path.write_bytes(download.data)
    if download.filename.endswith(".py"):
        command = [venv.python, path.name]
        env = {**env, "MPLBACKEND": "Agg"}
    else:
        command = [venv.python, str(venv.runner), path.name, str(folder)]
    started = time.monotonic()
    result = subprocess.run(
        command, cwd=folder, env=env, capture_output=True, text=True, timeout=900
    )
    return Run(
        f"{download.lang}/{download.filename}",
        result.returncode,
        result.stdout,
        result.stderr,
        time.monotonic() - started,
        sorted(p.name for p in folder.iterdir() if p.name != download.filename),
    )


def kernel_report(run: Run) -> dict:
    return json.loads(run.stdout.strip().splitlines()[-1])


def chosen(files: list[Download]) -> list[Download]:
    """The downloads that run: every lesson's script, and the first lesson's notebooks.

    The scripts' languages take turn from lesson to lesson, and the first lesson's
    notebook runs in every language but its script's, so every language has scripts and
    notebooks that run. Every language's script has the same code (the build's parity
    check, :mod:`tools.checks.parity`, fails otherwise), and the build has executed every
    lesson's notebook in a kernel, warnings failing it: a notebook differs from its
    script only in its first cell and metadata, the same for every lesson, so one
    lesson's notebooks check them. A second run of the same code would add only time.
    """
    by_key = {(d.lang, d.name, d.filename.rpartition(".")[2]): d for d in files}
    picked = [
        by_key[LANGUAGES[index % len(LANGUAGES)], name, "py"] for index, name in enumerate(LESSONS)
    ]
    picked += [by_key[lang, LESSONS[0], "ipynb"] for lang in LANGUAGES if lang != LANGUAGES[0]]
    picked += [by_key[LANGUAGES[0], LESSONS[1], "ipynb"]]
    return picked


def test_every_lesson_runs_as_a_script_and_each_language_has_scripts_and_notebooks():
    files = [
        Download(lang, name, f"http://x/{lang}/{name}{suffix}", b"")
        for lang in LANGUAGES
        for name in LESSONS
        for suffix in (".py", ".ipynb")
    ]
    picked = chosen(files)
    scripts = [(d.lang, d.name) for d in picked if d.filename.endswith(".py")]
    notebooks = [(d.lang, d.name) for d in picked if d.filename.endswith(".ipynb")]
    assert sorted(name for _, name in scripts) == LESSONS
    assert {lang for lang, _ in scripts} == {lang for lang, _ in notebooks} == set(LANGUAGES)
    assert len(notebooks) == len(LANGUAGES)
    assert not set(scripts) & set(notebooks), "a lesson's two runs are in two languages"


@pytest.mark.kernel
def test_every_lesson_runs_from_its_downloads_in_a_fresh_virtualenv(venv, downloaded, tmp_path):
    """Each lesson's script runs as plain python from a folder of its own, and a notebook
    of each language in a kernel (:func:`chosen`).

    The scripts are the files in ``examples/`` byte for byte (checked above), so this is
    also the test that every example runs on its own, from another directory.
    """
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as pool:
        runs = list(
            pool.map(
                lambda item: run_download(venv, item[1], tmp_path / str(item[0]), venv.env),
                enumerate(chosen(downloaded.files)),
            )
        )
    elapsed = time.monotonic() - started
    failures = [
        f"{run.what}: exit {run.returncode}\n{run.stderr[-2000:]}"
        for run in runs
        if run.returncode != 0
    ]
    assert failures == [], "\n\n".join(failures)
    scripts = [run for run in runs if run.what.endswith(".py")]
    notebooks = [run for run in runs if run.what.endswith(".ipynb")]
    assert len(scripts) == len(LESSONS) and len(notebooks) == len(LANGUAGES)
    for run in scripts:
        assert run.stdout.strip(), f"{run.what} printed nothing for the reader to look at"
        assert "Glyph" not in run.stderr, f"{run.what}: a figure is missing glyphs (font?)"
        assert run.left == [], f"{run.what} left files in the working directory"
    site_packages = str(venv.root / "lib")
    for run in notebooks:
        report = kernel_report(run)
        assert report["python"].startswith(str(venv.root)), (run.what, report)
        assert report["nnguide"].startswith(site_packages), (run.what, report)
        assert report["first"] == downloads.INSTALL_CELL_ID
        assert report["first_outputs"] == [], "nnguide is installed: the cell does nothing"
    slowest = sorted(runs, key=lambda run: -run.seconds)[:3]
    print(
        f"\n{len(scripts)} scripts and {len(notebooks)} notebooks ran in {elapsed:.0f} s "
        f"({JOBS} at a time; {sum(run.seconds for run in runs):.0f} s of runs; slowest: "
        + ", ".join(f"{run.what} {run.seconds:.0f} s" for run in slowest)
        + ")"
    )


@pytest.mark.kernel
def test_the_first_cell_installs_nnguide_where_it_is_missing(
    venv, downloaded, distributions, tmp_path
):
    python = venv.python
    missing = [
        python,
        "-c",
        "import importlib.util, sys; sys.exit(importlib.util.find_spec('nnguide') is not None)",
    ]
    subprocess.run(
        [python, "-m", "pip", "uninstall", "--yes", "--quiet", "nnguide"],
        env=venv.env,
        check=True,
        timeout=300,
    )
    subprocess.run(missing, cwd=tmp_path, env=venv.env, check=True, timeout=60)
    # pip finds nnguide in the folder of the wheel built from this tree, and nowhere else.
    env = {**venv.env, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(distributions.folder)}
    download = next(
        d
        for d in downloaded.files
        if d.filename == f"{LESSONS[0]}.ipynb" and d.lang == LANGUAGES[-1]
    )
    run = run_download(venv, download, tmp_path / "run", env)
    assert run.returncode == 0, run.stderr[-3000:]
    assert kernel_report(run)["nnguide"].startswith(str(venv.root / "lib"))
    shown = subprocess.run(
        [python, "-m", "pip", "show", "nnguide"],
        env=venv.env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"Version: {downloads.package_version(PROJECT)}" in shown.stdout
