"""Fixtures shared by the example, site and browser tests, and the test tiers' markers.

``make test-fast`` runs ``-m "not slow and not kernel"``: a test that builds a site,
drives a browser or builds the distributions is ``slow``; one that starts a Jupyter
kernel or runs a lesson script is ``kernel``. Collection fails for a test that uses a
site fixture without ``slow``, and a site build or script run fails in a test without
its marker, so the fast tier cannot grow a build by accident.

``make test`` runs the suite in one pytest-xdist worker per core (``-n auto``), with
the scheduler :func:`pytest_xdist_make_scheduler` makes: each test module is a unit of
work that one worker runs whole, so its module fixtures are made once, and modules
that share a costly session fixture of their own (the browser's crawl, the hosted
site, the distributions) are one unit. The whole site is built once for all workers
(:func:`built_site`): the unit that crawls it comes first, so that one worker builds
while the other runs the modules that need no site, and the other modules that use
the site come last.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock

from tools import config, lessons, ports

PROJECT = config.load()
ROOT = PROJECT.root
LANGUAGES = PROJECT.codes
DEFAULT_LANGUAGE = PROJECT.default.code
LESSONS = sorted(
    example.name for example in lessons.discover(PROJECT, languages=(DEFAULT_LANGUAGE,))
)


def lesson(lang: str, name: str) -> lessons.Lesson:
    """The lesson script ``examples/<lang>/<name>.py``, as the build reads it."""
    examples = lessons.discover(PROJECT, languages=(lang,))
    return lessons.read(next(example for example in examples if example.name == name))


# Fixtures that build the site or the distributions: a test using one is `slow`.
SLOW_FIXTURES = frozenset(
    {"site_project", "built_site", "executed_project", "hosted_site", "distributions"}
)

_running: pytest.Item | None = None


# Session fixtures that each worker makes for itself and that cost seconds to minutes:
# the modules that use one of them are one unit of work, so it is made once.
WORKER_FIXTURES = frozenset({"visits", "hosted_site", "distributions"})
# The fixtures of the site (the workers share its build: whichever needs it first builds it).
SITE_FIXTURES = SLOW_FIXTURES - {"distributions"}


def module_of(nodeid: str) -> str:
    """The path of the module of test ``nodeid``: the unit of work it belongs to starts there."""
    return nodeid.split("::")[0]


def work_units(items: list[pytest.Item]) -> dict[str, list[pytest.Item]]:
    """The test modules, joined where they share a fixture of WORKER_FIXTURES, in run order.

    Keyed by the unit's name (its first module's path). The order: the unit that crawls
    the site (it waits for the site's build, which it starts), then the units that need
    no site (those with kernels, builds or browsers before the quick ones), then the
    other units that use the site.
    """
    modules: dict[str, list[pytest.Item]] = {}
    for item in items:
        modules.setdefault(module_of(item.nodeid), []).append(item)
    unit_of = {module: module for module in modules}

    def find(module: str) -> str:
        while unit_of[module] != module:
            module = unit_of[module]
        return module

    sharing: dict[str, str] = {}
    for module, tests in modules.items():
        for name in sorted(WORKER_FIXTURES & {f for i in tests for f in i.fixturenames}):
            first = sharing.setdefault(name, module)
            unit_of[find(module)] = find(first)
    units: dict[str, list[pytest.Item]] = {}
    for module, tests in modules.items():
        units.setdefault(find(module), []).extend(tests)

    def rank(unit: list[pytest.Item]) -> int:
        fixtures = {name for item in unit for name in item.fixturenames}
        if "visits" in fixtures:
            return 0
        if SITE_FIXTURES & fixtures:
            return 3
        heavy = any(i.get_closest_marker("slow") or i.get_closest_marker("kernel") for i in unit)
        return 1 if heavy else 2

    return dict(sorted(units.items(), key=lambda entry: rank(entry[1])))


# The file where the workers write each module's unit of work, for the scheduler.
UNITS_FILE = "NNGUIDE_TEST_UNITS"


def build_variables(mkdocs_yml: str) -> list[str]:
    """The environment variables a build reads: ``mkdocs_yml``'s ``!ENV`` tags, and the
    plugin's and the executor's (``NNGUIDE_*``, but the tests' own controls)."""
    tagged = re.findall(r"!ENV\s*\[\s*(\w+)", mkdocs_yml)
    tests = {"NNGUIDE_SCREENSHOTS", "NNGUIDE_REGEN_GOLDEN", UNITS_FILE}
    ours = [name for name in os.environ if name.startswith("NNGUIDE_") and name not in tests]
    return sorted({*tagged, *ours})


MKDOCS_YML = ROOT / config.CONFIG_FILE
# What the runner's shell set for builds (an author's NNGUIDE_EXECUTE=0, a REPO_URL),
# taken out of the tests' environment: each test sets the variables it builds with.
_ignored: dict[str, str] = {}


def pytest_configure(config: pytest.Config) -> None:
    for name in build_variables(MKDOCS_YML.read_text(encoding="utf-8")):
        if name in os.environ:
            _ignored[name] = os.environ.pop(name)
    if getattr(config.option, "numprocesses", None) and "PYTEST_XDIST_WORKER" not in os.environ:
        # Set before the workers start: they inherit it.
        os.environ[UNITS_FILE] = str(Path(tempfile.mkdtemp(prefix="nnguide-units-")) / "units")


def pytest_report_header(config: pytest.Config) -> str | None:
    if not _ignored:
        return None
    named = ", ".join(f"{name}={value}" for name, value in sorted(_ignored.items()))
    return f"ignored (each test sets what it builds with): {named}"


def pytest_unconfigure(config: pytest.Config) -> None:
    if "PYTEST_XDIST_WORKER" not in os.environ and UNITS_FILE in os.environ:
        shutil.rmtree(Path(os.environ.pop(UNITS_FILE)).parent, ignore_errors=True)


# What a checkout holds besides what the tests may touch: the set-up's environments and
# the test tools' own caches (pytest's, Hypothesis's example database, byte code).
OUTSIDE_THE_CHECKOUT = frozenset(
    {".git", "node_modules", ".pytest_cache", ".hypothesis", "__pycache__"}
)


def checkout_files(root: Path) -> dict[str, tuple[int, int]]:
    """Every file of the checkout at ``root``: relative path -> (size, modification time).

    Leaves out the folders of OUTSIDE_THE_CHECKOUT and virtualenvs (``.venv*``).
    """
    found: dict[str, tuple[int, int]] = {}
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = [
            name
            for name in subfolders
            if name not in OUTSIDE_THE_CHECKOUT and not name.startswith(".venv")
        ]
        for name in names:
            path = os.path.join(folder, name)
            with contextlib.suppress(FileNotFoundError):
                status = os.lstat(path)
                found[os.path.relpath(path, root)] = (status.st_size, status.st_mtime_ns)
    return found


def checkout_changes(
    before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]
) -> list[str]:
    """The files written, removed or changed between two :func:`checkout_files`."""
    return sorted(
        [f"written: {path}" for path in after.keys() - before.keys()]
        + [f"removed: {path}" for path in before.keys() - after.keys()]
        + [
            f"changed: {path}"
            for path in before.keys() & after.keys()
            if before[path] != after[path]
        ]
    )


_checkout_before: dict[str, tuple[int, int]] | None = None


def pytest_sessionstart(session: pytest.Session) -> None:
    global _checkout_before
    if not hasattr(session.config, "workerinput"):  # once per run, not in each xdist worker
        _checkout_before = checkout_files(session.config.rootpath)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run where it changed the checkout (pytest's root folder): the tests work
    in temporary folders and copies."""
    if hasattr(session.config, "workerinput") or _checkout_before is None:
        return
    root = session.config.rootpath
    changes = checkout_changes(_checkout_before, checkout_files(root))
    if changes:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write("\n")  # after the progress line
            files = f"{len(changes)} file{'' if len(changes) == 1 else 's'}"
            reporter.write_sep("=", f"the test run changed {files} of the checkout", red=True)
            reporter.write_line(f"{root} (a test, or another process while the tests ran):")
            for change in changes[:20]:
                reporter.write_line(f"  {change}")
            if len(changes) > 20:
                reporter.write_line(f"  and {len(changes) - 20} more")
        if session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """pytest-xdist's scheduler of whole units of work (:func:`work_units`), in their order.

    Not ``--dist loadgroup`` with an ``xdist_group`` mark per unit: with pytest 9.2 that
    mode groups nothing (pytest-xdist#1386: it renames the tests through a field pytest
    no longer reads), and the tests are spread one by one.
    """
    from xdist.scheduler import LoadScopeScheduling

    class UnitScheduling(LoadScopeScheduling):
        units: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self.units is None:  # the workers wrote it as they collected, before this
                self.units = json.loads(Path(os.environ[UNITS_FILE]).read_text("utf-8"))
            return self.units.get(module_of(nodeid), module_of(nodeid))

    config.option.loadscopereorder = False  # the units' order is work_units'
    return UnitScheduling(config, log)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    units = work_units(items)
    items[:] = [item for unit in units.values() for item in unit]
    if "PYTEST_XDIST_WORKER" in os.environ and UNITS_FILE in os.environ:
        of = {module_of(item.nodeid): name for name, unit in units.items() for item in unit}
        path = Path(os.environ[UNITS_FILE])
        written = path.with_name(f"{path.name}-{os.environ['PYTEST_XDIST_WORKER']}")
        written.write_text(json.dumps(of), encoding="utf-8")
        written.replace(path)  # each worker writes the same: the last one stays
    unmarked = [
        item.nodeid
        for item in items
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))
        and item.get_closest_marker("slow") is None
    ]
    if unmarked:
        raise pytest.UsageError(
            "tests that build the site or the distributions must be marked slow: "
            + ", ".join(unmarked)
        )


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    global _running
    _running = item


def require_marker(name: str, what: str) -> None:
    """Fail unless the running test carries marker ``name`` (it does ``what``)."""
    if _running is not None and _running.get_closest_marker(name) is None:
        pytest.fail(f"{_running.nodeid} {what}: mark it @pytest.mark.{name}", pytrace=False)


def fake_distribution(
    folder: Path, name: str, version: str, *, module: str | None = None, source: str | None = None
) -> None:
    """Distribution ``name`` at ``version``, installed in ``folder`` (a ``sys.path`` entry).

    Its ``.dist-info`` (another version's is removed) names the top-level ``module``
    (default: ``name``); with ``source``, the module is a package of that ``__init__.py``.
    """
    module = module or name
    for old in folder.glob(f"{name}-*.dist-info"):
        shutil.rmtree(old)
    if source is not None:
        (folder / module).mkdir(parents=True, exist_ok=True)
        (folder / module / "__init__.py").write_text(source)
    info = folder / f"{name}-{version}.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    (info / "top_level.txt").write_text(f"{module}\n")
    (info / "RECORD").write_text(f"{module}/__init__.py,,\n")


def copy_project(target: Path, *, caches: bool = True, source: Path = ROOT) -> Path:
    """A copy of the working tree (or of ``source``) at ``target``: sources, caches...

    The executed notebooks and caches are copied, not a virtualenv, git data, a built
    site or the type checker's cache; ``caches=False`` leaves out ``.cache``
    (execution state, render and search caches) too.
    """
    left_out = [".venv*", ".git", "site", "artifacts", "__pycache__", "*.egg-info", "mypy"]
    shutil.copytree(
        source, target, ignore=shutil.ignore_patterns(*left_out, *([] if caches else [".cache"]))
    )
    return target


def small_project(target: Path, keep: tuple[str, ...] = (LESSONS[0],), **copy: Any) -> Path:
    """A copy of the working tree reduced to a small site: the lessons ``keep``.

    Every language keeps those lessons (scripts, executed notebooks), its glossary and
    build-status pages and a home page that links the lessons; the API pages and the
    other lessons go, and ``mkdocs.yml``'s ``nav`` lists what is left. A build of it
    runs every step of the whole site's build in a fraction of its time, for the tests
    that build a variant of the site (``copy``: :func:`copy_project`'s options).
    """
    project = copy_project(target, **copy)
    settings = config.load(project)
    for language in settings.languages:
        for script in (settings.examples_dir / language.code).glob("[0-9]*.py"):
            if script.stem not in keep:
                script.unlink()
                settings.tutorials_dir(language.code).joinpath(f"{script.stem}.ipynb").unlink(
                    missing_ok=True
                )
        docs = settings.docs_dir / language.code
        shutil.rmtree(docs / "api")
        links = "".join(f"- [{name}]({settings.tutorials}/{name}.ipynb)\n" for name in keep)
        (docs / "index.md").write_text(f"# {language.name}\n\n{links}", encoding="utf-8")
    mkdocs_yml = project / "mkdocs.yml"
    text = mkdocs_yml.read_text(encoding="utf-8")
    assert text.count("\nnav:\n") == 1, "mkdocs.yml: nav is its last setting"
    tutorials = "".join(f"      - {settings.tutorials}/{name}.ipynb\n" for name in keep)
    nav = (
        "\nnav:\n  - Home: index.md\n  - Tutorials:\n"
        + tutorials
        + "  - Glossary: glossary.md\n  - Build status: build-status.md\n"
    )
    mkdocs_yml.write_text(text[: text.index("\nnav:\n")] + nav, encoding="utf-8")
    return project


def interruptible(module: str, *args: str) -> list[str]:
    """The command ``python -m <module> <args>``, with the signals of a terminal's command.

    A process inherits the signals its parent ignores. A test run may be a background
    job of a shell without job control (SIGINT ignored) or run under ``nohup`` (SIGHUP
    ignored): Python then installs no KeyboardInterrupt handler, and the plugin rightly
    leaves an ignored SIGTERM or SIGHUP ignored. This command starts ``module`` as a
    terminal does, with Python's handler for SIGINT and the default for SIGTERM and SIGHUP.
    """
    run = (
        "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
        "signal.signal(signal.SIGTERM, signal.SIG_DFL); "
        "signal.signal(signal.SIGHUP, signal.SIG_DFL); "
        f"sys.argv[0] = {module!r}; "
        f"runpy.run_module({module!r}, run_name='__main__', alter_sys=True)"
    )
    return [sys.executable, "-c", run, *args]


@contextlib.contextmanager
def mkdocs_serve(
    project: Path,
    log: Path,
    *,
    sub_path: str = "",
    execute: bool = False,
    env: dict[str, str] | None = None,
) -> Iterator[str]:
    """``mkdocs serve`` of ``project`` as ``make serve`` runs it; yields its URL once it answers.

    It serves at ``/<sub_path>/`` (the dev server serves at its ``site_url``'s path). It
    runs in a process group of its own, stopped (SIGINT: it removes its temporary site)
    when the block ends, however it ends. Nothing is executed unless ``execute``
    (``NNGUIDE_EXECUTE=0``: ``project`` has its notebooks). ``log``: its output; ``env``:
    variables to set besides.
    """
    require_marker("slow", "builds a site")
    port = ports.free_port()
    url = f"http://127.0.0.1:{port}/{sub_path}/" if sub_path else f"http://127.0.0.1:{port}/"
    variables = {**mkdocs_env(), "NNGUIDE_STRICT": "false", "SITE_URL": url, **(env or {})}
    if not execute:
        variables["NNGUIDE_EXECUTE"] = "0"
    command = interruptible("mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}")
    with log.open("w", encoding="utf-8") as output:
        server = subprocess.Popen(
            [*command, "--livereload", "--dirty"],
            cwd=project,
            env=variables,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 300
            while True:
                assert server.poll() is None, f"mkdocs serve exited: {log.read_text()[-5000:]}"
                assert time.monotonic() < deadline, f"no answer at {url}: {log.read_text()[-5000:]}"
                try:
                    with urllib.request.urlopen(url, timeout=5) as response:
                        if response.status == 200:
                            break
                except (urllib.error.URLError, ConnectionError, http.client.HTTPException):
                    time.sleep(0.5)
            yield url
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGINT)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def mkdocs_env() -> dict[str, str]:
    env = dict(os.environ)
    env["NO_MKDOCS_2_WARNING"] = "1"
    return env


def run_mkdocs_build(
    project: Path, site_dir: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """``mkdocs build --strict`` of ``project`` into ``site_dir`` (``env``: extra variables)."""
    require_marker("slow", "builds a site")
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=project,
        env={**mkdocs_env(), **(env or {})},
        capture_output=True,
        text=True,
        timeout=900,
    )


@dataclass
class BuiltSite:
    root: Path
    log: str
    project: Path  # the copy of the working tree it was built from

    def page(self, lang: str, path: str) -> Path:
        """The HTML file of ``path`` (e.g. ``tutorials/01_x/``) in ``lang``."""
        return self.root / PROJECT.language(lang).root / path / "index.html"

    def notebook(self, lang: str, name: str) -> Path:
        """The executed notebook the build made of lesson ``name`` in ``lang``."""
        return config.load(self.project).tutorials_dir(lang) / f"{name}.ipynb"


def shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The temporary folder of the whole test run, that every pytest-xdist worker sees.

    A worker's own base folder is ``<run>/popen-gw<N>``; without workers, the run's.
    """
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def site_project(tmp_path_factory) -> Path:
    """The copy of the working tree that the session's site build runs in.

    The checkout is never built into: its caches and executed notebooks are copied (a
    warm start where it has them), and the build executes what they lack, once. The
    workers share it (the first copies it); nothing writes to it after the build.
    """
    shared = shared_folder(tmp_path_factory)
    project = shared / "project" / "nnguide"
    with FileLock(shared / "project.lock"):
        if not project.exists():
            copying = shared / "project" / "copying"  # a worker may have died copying
            shutil.rmtree(copying, ignore_errors=True)
            copy_project(copying).rename(project)
    return project


@pytest.fixture(scope="session")
def executed_project(site_project, built_site) -> Path:
    """``site_project`` once ``built_site`` is built: every example executed, caches warm.

    Copies of it (:func:`copy_project`'s ``source``) build without executing anything.
    """
    return site_project


@pytest.fixture(scope="session")
def built_site(site_project, tmp_path_factory) -> BuiltSite:
    """The whole site, built once per test run from a copy of the working tree.

    The first worker that needs it builds it; the others wait for that build and take
    its result (the log, or the failure).
    """
    shared = shared_folder(tmp_path_factory)
    site_dir, record = shared / "site", shared / "site.json"
    with FileLock(shared / "site.lock"):
        if not record.exists():
            result = run_mkdocs_build(site_project, site_dir)
            record.write_text(json.dumps([result.returncode, result.stderr]), encoding="utf-8")
        returncode, log = json.loads(record.read_text(encoding="utf-8"))
    assert returncode == 0, log[-5000:]
    return BuiltSite(site_dir, log, site_project)


# What the Pages workflow sets from the repository it runs in (.github/workflows/pages.yml).
HOSTED = {
    "SITE_URL": "https://nnguide.github.io/nnguide/",
    "REPO_URL": "https://github.com/nnguide/nnguide",
    "EDIT_URI": "edit/main/docs/",
}


@dataclass
class HostedSite(BuiltSite):
    url: str  # its site_url: where ``serve`` serves it


@pytest.fixture(scope="session")
def hosted_site(executed_project, tmp_path_factory) -> Iterator[HostedSite]:
    """The whole site as the Pages workflow builds it (site, repository and edit URLs).

    Its ``site_url`` is a free port of 127.0.0.1 where it is served over HTTP for the
    session. It builds a copy of ``executed_project``, so it executes nothing.
    """
    project = copy_project(
        tmp_path_factory.mktemp("hosted-project") / "nnguide", source=executed_project
    )
    site_dir = tmp_path_factory.mktemp("hosted")
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    result = run_mkdocs_build(project, site_dir, {**HOSTED, "SITE_URL": url})
    assert result.returncode == 0, result.stderr[-5000:]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield HostedSite(site_dir, result.stderr, project, url)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass
