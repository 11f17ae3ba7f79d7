"""Site build benchmark: cold, warm, edits, ``mkdocs serve`` latency, page weight, one run.

Works on a temporary copy of the project (the working tree is never touched) and
prints:

* the physical floor of a cold build (the sum of bare ``python examples/*/*.py`` run
  times) and the cold build: cold / (floor + a build with execution off and no caches);
* the warm build (nothing changed) against the **plain reference**: the plain MkDocs +
  Material site (search on, nothing else) that ``../shared/bench/plain_site.py`` writes from
  the built site, one Markdown page per built page with its visible headings, text and
  code. Warm and plain builds alternate, ``--repeat`` times each; the ratio is of the
  medians (the best of each is printed too);
* a prose-only edit and a one-script code edit: scripts executed, rebuild time;
* ``mkdocs serve --dirty`` (``make serve``) latency: once serve is ready (its first build
  and the plugin's warm-up done), edit a file, poll the served page until the new text
  is there: a Markdown page, a Markdown cell of a script, a new comment, a comment edit,
  and a code edit of one lesson in both languages (against the script's bare run time),
  ``--rounds`` times each (the median is the figure);
* tutorial page bytes / the same lesson as a Markdown page, raw and gzip.

Each build is ``mkdocs build --strict`` into a fresh folder, what ``make docs`` runs.
Goals: warm / plain <= 2.0, serve prose edit <= 2 s, serve code edit <= its run time
+ 2 s, prose edit executes 0 scripts, a lesson's code edit executes exactly its 2 scripts.

Usage: ``python benchmarks/build.py [--repeat N] [--rounds N] [--warm-only | --serve-only]
[--reference PATH]`` (``--reference``: the script that writes the plain site; the team's
shared copy, next to the repository, by default; ``--rounds``: of the serve edits).
``--warm-only`` measures the warm build against the plain reference alone, on a copy of the
working tree with its executed notebooks and caches (no cold build, edits or ``serve``).
``--serve-only`` measures the ``mkdocs serve`` latencies alone, on such a warm copy (the
lesson's bare run times are measured first).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import http.client
import importlib.util
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from tools import config, ports

ROOT = config.ROOT
REFERENCE = ROOT.parent / "shared" / "bench" / "plain_site.py"
LESSON = "01_building_networks"
NOT_COPIED = (".venv*", ".git", "site", ".cache", "__pycache__", "artifacts", "*.egg-info")


def copy_project(target: Path, *, warm: bool = False) -> Path:
    """A copy of the working tree: cold (no caches or executed notebooks) unless ``warm``."""
    project = target / "project"
    left_out = [name for name in NOT_COPIED if not (warm and name == ".cache")]
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(*left_out, "mypy"))
    if not warm:
        for notebook in project.glob("docs/*/tutorials/*.ipynb"):
            notebook.unlink()
    return project


def env(**extra: str) -> dict[str, str]:
    return dict(os.environ, NO_MKDOCS_2_WARNING="1", **extra)


def build(project: Path, *, execute: bool = True, strict: bool = True) -> tuple[float, int, Path]:
    """One build; returns (seconds, scripts executed, site folder)."""
    site = project.parent / f"site-{project.name}"
    shutil.rmtree(site, ignore_errors=True)
    command = [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site)]
    if strict:
        command.append("--strict")
    started = time.perf_counter()
    result = subprocess.run(
        command,
        cwd=project,
        env=env(NNGUIDE_EXECUTE="1" if execute else "0"),
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"build of {project} failed:\n{result.stderr[-3000:]}")
    executed = sum(int(n) for n in re.findall(r"Examples: (\d+) executed", result.stderr))
    return seconds, executed, site


def bare_run(script: Path) -> float:
    """Seconds of ``python script`` (figures not drawn: ``MPLBACKEND=Agg``)."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, str(script)], env=env(MPLBACKEND="Agg"), check=True, capture_output=True
    )
    return time.perf_counter() - started


def bare_runs(project: Path) -> dict[str, float]:
    return {
        script.relative_to(project).as_posix(): bare_run(script)
        for script in sorted(project.glob("examples/*/[0-9][0-9]_*.py"))
    }


def notebook_markdown(notebook_path: Path, folder: Path, name: str) -> None:
    """Write the executed notebook as an ordinary Markdown page (outputs included)."""
    import nbformat
    from nbconvert import MarkdownExporter

    notebook = nbformat.read(notebook_path, as_version=4)
    body, resources = MarkdownExporter().from_notebook_node(notebook)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.md").write_text(body, encoding="utf-8")
    for file_name, data in resources.get("outputs", {}).items():
        (folder / file_name).write_bytes(data)


def article_html(page: Path) -> str:
    from lxml import html as lxml_html

    tree = lxml_html.fromstring(page.read_text(encoding="utf-8"))
    (article,) = tree.xpath("//article")
    return lxml_html.tostring(article, encoding="unicode")


MARKDOWN_TWIN_CONFIG = """site_name: reference
docs_dir: docs
theme:
  name: material
  font: false
plugins:
  - search
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - pymdownx.details
  - pymdownx.highlight
  - pymdownx.inlinehilite
  - pymdownx.superfences
  - toc:
      permalink: true
"""


def make_markdown_twin(project: Path, site: Path, target: Path) -> tuple[Path, int]:
    """A MkDocs + Material project of the same pages, each lesson as nbconvert's Markdown.

    Its tutorial page is what the page weight is measured against.
    """
    settings = config.load(project)
    docs = target / "docs"
    pages = 0
    for language in settings.languages:
        source = settings.docs_dir / language.code
        for markdown in sorted(source.rglob("*.md")):
            relative = markdown.relative_to(source)
            out = docs / language.code / relative
            out.parent.mkdir(parents=True, exist_ok=True)
            text = markdown.read_text(encoding="utf-8")
            if re.search(r"^::: ", text, re.MULTILINE):  # an API page: what mkdocstrings made
                built = site / language.root / relative.with_suffix("") / "index.html"
                if relative.name == "index.md":
                    built = site / language.root / relative.parent / "index.html"
                text = article_html(built)
            out.write_text(text, encoding="utf-8")
            pages += 1
        for notebook in sorted(settings.tutorials_dir(language.code).glob("*.ipynb")):
            folder = docs / language.code / settings.tutorials
            notebook_markdown(notebook, folder, notebook.stem)
            pages += 1
    (target / "mkdocs.yml").write_text(MARKDOWN_TWIN_CONFIG, encoding="utf-8")
    return target, pages


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):  # not up yet, or not mkdocs
        return ""


def wait_for(url: str, text: str, limit: float) -> float | None:
    """Seconds until ``url`` contains ``text`` (polled every 50 ms), None after ``limit``."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        if text in fetch(url):
            return time.perf_counter() - started
        time.sleep(0.05)
    return None


READY = "Ready for edits"  # the plugin's line when serve's warm-up is done


@contextlib.contextmanager
def serving(project: Path):
    """``mkdocs serve --dirty`` of ``project``, once its first build and warm-up are done.

    The edits start after the plugin's warm-up line (``READY``; at most 60 s after the
    first page is served), as an author's first edit comes after serve has started.
    """
    port = ports.free_port()
    address = f"127.0.0.1:{port}"
    log = project.parent / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", address, "--dirty"],
            cwd=project,
            env=env(NNGUIDE_STRICT="false"),  # as `make serve`: a dirty rebuild warns
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}/"
        if wait_for(url, "nnguide", 300) is None:
            sys.exit("mkdocs serve did not start")
        started = time.perf_counter()
        while READY not in log.read_text() and time.perf_counter() - started < 60:
            time.sleep(0.1)
        time.sleep(2)  # let the first build settle
        yield url
    finally:
        process.terminate()
        process.wait(30)


# MkDocs' watcher looks at the files every 0.5 s (its PollingObserver). After the fixed
# pauses below, every edit of a run would come at the same point of that cycle, and the
# run would measure one point of it: each measured edit waits a part of the cycle first
# (seeded, so two runs wait alike), as an author's edits come at any point of it.
WATCH_CYCLE = 0.5


def serve_latencies(project: Path, rounds: int = 3) -> dict[str, list[float | None]]:
    """Edit, then poll the served page until the edit shows; each edit ``rounds`` times."""
    results: dict[str, list[float | None]] = {}
    phases = random.Random(0)

    def record(label: str, value: float | None) -> None:
        results.setdefault(label, []).append(value)

    def any_phase() -> None:
        time.sleep(phases.uniform(0, WATCH_CYCLE))

    with serving(project) as url:
        page = f"{url}tutorials/{LESSON}/"
        home = project / "docs" / "en" / "index.md"
        script = project / "examples" / "en" / f"{LESSON}.py"
        for n in range(1, rounds + 1):
            text = home.read_text(encoding="utf-8")
            any_phase()
            home.write_text(text + f"\nServe latency probe one {n}.\n", encoding="utf-8")
            record("Markdown page", wait_for(url, f"Serve latency probe one {n}.", 60))
            time.sleep(1)

            line = script.read_text(encoding="utf-8").splitlines()[3]
            any_phase()
            edit(script, line, f"{line} Serve latency probe two {n}.")
            record("Markdown cell of a script", wait_for(page, f"probe two {n}.", 60))
            time.sleep(1)

            comment = f"serve latency probe: comment {n}"
            any_phase()
            edit(script, "\nimport torch\n", f"\nimport torch  # {comment}\n")
            record("new comment (converts the code)", wait_for(page, comment, 60))
            time.sleep(1)
            any_phase()
            edit(script, comment, f"{comment} edited")
            record("comment edit", wait_for(page, f"{comment} edited", 60))
            edit(script, f"  # {comment} edited\n", "\n")
            time.sleep(3)  # the rebuild of the removed comment settles

            any_phase()
            for lang in ("en", "ko"):  # code is the same in every language (the build checks)
                edit(
                    project / "examples" / lang / f"{LESSON}.py",
                    "\nimport torch\n",
                    f"\nimport torch\n\nprint('serve latency probe three {n}')\n",
                )
            record("code edit (one lesson)", wait_for(page, f"probe three {n}'", 300))
            time.sleep(10)  # the kernels for the next code edit start (spare_kernels)
    return results


def median(values: list[float | None]) -> float | None:
    """The median of ``values``; None (did not show) counts as the slowest."""
    ordered = sorted(values, key=lambda value: float("inf") if value is None else value)
    return ordered[len(ordered) // 2] if ordered else None


def seconds(value: float | None) -> str:
    return "did not show" if value is None else f"{value:6.2f} s"


def load_reference(path: Path) -> Any:
    """The plain-site writer at ``path`` (its ``main(site, out)``), as a module."""
    if not path.is_file():
        raise SystemExit(f"--reference {path}: no such file (the shared plain_site.py)")
    spec = importlib.util.spec_from_file_location("plain_site", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def warm_against_plain(
    project: Path, tmp: Path, repeat: int, reference_script: Path = REFERENCE
) -> dict[str, float]:
    """Warm builds of ``project`` and builds of its plain reference, alternating.

    The project is built once first (the warm start); the reference is written from
    that site by ``reference_script`` and built once untimed (imports, the OS's caches).
    """
    plain_site = load_reference(reference_script)
    _, _, site = build(project)
    reference = tmp / "plain"
    with contextlib.redirect_stdout(None):
        plain_site.main(site, reference)
    build(reference, strict=False)
    warm_times, plain_times, executed = [], [], 0
    for _ in range(repeat):
        seconds, count, _ = build(project)
        warm_times.append(seconds)
        executed = max(executed, count)
        plain_times.append(build(reference, strict=False)[0])
    warm, plain = statistics.median(warm_times), statistics.median(plain_times)
    return {
        "warm": warm,
        "plain": plain,
        "ratio": warm / plain,
        "best ratio": min(warm_times) / min(plain_times),
        "executed": executed,
        "pages": len(list((reference / "docs").glob("*.md"))),
    }


def print_ratio(figures: dict[str, float], repeat: int) -> None:
    print(f"warm build ({figures['executed']:.0f} scripts executed), median of {repeat}")
    print(f"  {figures['warm']:7.2f} s")
    print(f"plain reference ({figures['pages']:.0f} pages), median of {repeat}")
    print(f"  {figures['plain']:7.2f} s")
    print(
        f"warm ratio  warm / plain reference = {figures['ratio']:.2f}   (goal <= 2.0; "
        f"best / best {figures['best ratio']:.2f})"
    )


def print_latencies(
    latencies: dict[str, list[float | None]], lesson_run: float, *, summary: bool = True
) -> None:
    rounds = max(len(values) for values in latencies.values())
    print(f"mkdocs serve: edit -> the served page shows it (median of {rounds}; each round)")
    for label, values in latencies.items():
        each = ", ".join(seconds(value).strip() for value in values)
        print(f"  {label:<40} {seconds(median(values))}   ({each})")
    print(f"  ({LESSON} runs in {lesson_run:.2f} s as bare python, the slower language)")
    if summary:
        print_serve_goals(latencies, lesson_run)


def print_serve_goals(latencies: dict[str, list[float | None]], lesson_run: float) -> None:
    prose = median(latencies["Markdown cell of a script"])
    comment = median(latencies["comment edit"])
    print(
        f"serve Markdown-cell, comment edit = {seconds(prose)}, {seconds(comment)}   (goal <= 1 s)"
    )
    code = median(latencies["code edit (one lesson)"])
    extra = "did not show" if code is None else f"{code - lesson_run:.2f} s"
    print(f"serve code edit - bare run time    = {extra}   (goal <= 2 s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="repeats of the warm builds")
    parser.add_argument(
        "--warm-only", action="store_true", help="only the warm build against the reference"
    )
    parser.add_argument(
        "--reference", type=Path, default=REFERENCE, help="the plain-site writer (plain_site.py)"
    )
    parser.add_argument(
        "--serve-only", action="store_true", help="only the mkdocs serve latencies, warm copy"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds of the mkdocs serve edits (medians)"
    )
    args = parser.parse_args()
    if args.warm_only and args.serve_only:
        parser.error("--warm-only and --serve-only: give one of them")

    if args.serve_only:
        with tempfile.TemporaryDirectory() as tmp:
            project = copy_project(Path(tmp), warm=True)
            lesson_run = max(
                bare_run(project / "examples" / lang / f"{LESSON}.py") for lang in ("en", "ko")
            )
            latencies = serve_latencies(project, args.rounds)
        print_latencies(latencies, lesson_run)
        return

    if args.warm_only:
        with tempfile.TemporaryDirectory() as tmp:
            project = copy_project(Path(tmp), warm=True)
            figures = warm_against_plain(project, Path(tmp), args.repeat, args.reference)
            print_ratio(figures, args.repeat)
        return

    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp))
        per_script = bare_runs(project)
        floor = sum(per_script.values())
        print(f"{'script (bare python)':<44} seconds")
        for name, value in per_script.items():
            print(f"  {name:<42} {value:6.2f}")
        print(f"  {'sum (floor)':<42} {floor:6.2f}")

        cold, cold_executed, _ = build(project)
        shutil.rmtree(project / ".cache" / "mkdocs-jupyter")
        shutil.rmtree(project / ".cache" / "render")
        off_cold = build(project, execute=False)[0]
        ratio = warm_against_plain(project, Path(tmp), args.repeat, args.reference)
        site = build(project)[2]

        twin, _ = make_markdown_twin(project, site, Path(tmp) / "twin")
        build(twin, strict=False)
        twin_page = Path(tmp) / f"site-{twin.name}" / "en" / "tutorials" / LESSON / "index.html"
        markdown_page = twin_page.read_bytes()
        tutorial_page = (site / "tutorials" / LESSON / "index.html").read_bytes()

        script = project / "examples" / "en" / f"{LESSON}.py"
        first_markdown = script.read_text(encoding="utf-8").splitlines()[1]
        edit(script, first_markdown, first_markdown + " (edited)")
        prose_time, prose_executed, _ = build(project)
        for lang in ("en", "ko"):
            lesson = project / "examples" / lang / f"{LESSON}.py"
            edit(lesson, "\nimport torch\n", "\nimport torch\n\nprint('code edit')\n")
        code_time, code_executed, _ = build(project)

        latencies = serve_latencies(project, args.rounds)
    lesson_run = max(per_script[f"examples/{lang}/{LESSON}.py"] for lang in ("en", "ko"))

    print()
    print(f"cold build ({cold_executed} scripts executed)          {cold:7.2f} s")
    print(f"build, execution off, no render caches     {off_cold:7.2f} s")
    print(f"prose-only edit: {prose_executed} executed                 {prose_time:7.2f} s")
    print(f"one-lesson code edit (en, ko): {code_executed} executed   {code_time:7.2f} s")
    print()
    print_latencies(latencies, lesson_run, summary=False)
    print()
    print(f"cold ratio  cold / (floor + off)   = {cold / (floor + off_cold):.2f}   (goal <= 1.0)")
    print_ratio(ratio, args.repeat)
    print_serve_goals(latencies, lesson_run)
    raw = len(tutorial_page) / len(markdown_page)
    zipped = len(gzip.compress(tutorial_page)) / len(gzip.compress(markdown_page))
    print(
        f"page weight tutorial / same lesson as Markdown: {len(tutorial_page):,} / "
        f"{len(markdown_page):,} B = {raw:.2f} raw, {zipped:.2f} gzip   (goal <= 2)"
    )


if __name__ == "__main__":
    main()
