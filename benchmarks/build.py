"""Site build benchmark: cold, warm and edit rebuilds, and page weight, in one run.

Works on a temporary copy of the project (the working tree is never touched) and
prints:

* the physical floor of a cold build: the sum of bare ``python examples/*/*.py`` run
  times, and the cold build (no executed notebooks, no render cache):
  cold / (floor + a build with execution off and no render cache);
* the warm build (nothing changed): warm / a build with execution off;
* a prose-only edit and a one-script code edit: scripts executed, rebuild time;
* tutorial page bytes / home page bytes, raw and gzip, and tutorial page bytes / a
  Markdown page of the same lesson (the executed notebook exported to Markdown by
  nbconvert, outputs included, built as an ordinary page of the same site).

Each build is ``mkdocs build --strict`` into a fresh folder, what ``make docs`` runs.
Goals: cold ratio <= 1.0, warm ratio <= 1.2, prose edit executes 0 scripts, code edit
executes exactly 1, page weight ratio <= 2.

Usage: ``python benchmarks/build.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LESSON = "01_building_networks"
NOT_COPIED = (".venv", ".git", "site", ".cache", "__pycache__", "artifacts")


def copy_project(target: Path) -> Path:
    project = target / "project"
    shutil.copytree(
        ROOT,
        project,
        ignore=shutil.ignore_patterns(*NOT_COPIED),
    )
    clear_executed(project)
    return project


def clear_executed(project: Path) -> None:
    for notebook in project.glob("docs/*/tutorials/*.ipynb"):
        notebook.unlink()


def clear_render_cache(project: Path) -> None:
    shutil.rmtree(project / ".cache" / "mkdocs-jupyter", ignore_errors=True)


def build(project: Path, *, execute: bool = True) -> tuple[float, int, Path]:
    """One strict build; returns (seconds, scripts executed, site folder)."""
    site = project / ".cache" / "bench-site"
    shutil.rmtree(site, ignore_errors=True)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", NNGUIDE_EXECUTE="1" if execute else "0")
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"build failed:\n{result.stderr[-3000:]}")
    executed = sum(int(n) for n in re.findall(r"Examples: (\d+) executed", result.stderr))
    return seconds, executed, site


def bare_runs(project: Path) -> tuple[float, dict[str, float]]:
    times = {}
    env = dict(os.environ, MPLBACKEND="Agg")
    for script in sorted(project.glob("examples/*/[0-9][0-9]_*.py")):
        started = time.perf_counter()
        subprocess.run([sys.executable, str(script)], env=env, check=True, capture_output=True)
        times[script.relative_to(project).as_posix()] = time.perf_counter() - started
    return sum(times.values()), times


def add_markdown_twin(project: Path) -> str:
    """Write the executed lesson as an ordinary Markdown page; return its URL path."""
    import nbformat
    from nbconvert import MarkdownExporter

    notebook = nbformat.read(project / "docs" / "en" / "tutorials" / f"{LESSON}.ipynb", 4)
    body, resources = MarkdownExporter().from_notebook_node(notebook)
    folder = project / "docs" / "en" / "markdown_twin"
    folder.mkdir()
    (folder / "index.md").write_text(body, encoding="utf-8")
    for name, data in resources.get("outputs", {}).items():
        (folder / name).write_bytes(data)
    return "markdown_twin"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="repeats of the cheap builds")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        project = copy_project(Path(tmp))
        floor, per_script = bare_runs(project)
        print(f"{'script (bare python)':<44} seconds")
        for name, seconds in per_script.items():
            print(f"  {name:<42} {seconds:6.2f}")
        print(f"  {'sum (floor)':<42} {floor:6.2f}")

        cold, cold_executed, _ = build(project)
        clear_render_cache(project)
        off_cold = build(project, execute=False)[0]
        build(project, execute=False)  # fill the render cache again
        off_warm = statistics.median(build(project, execute=False)[0] for _ in range(args.repeat))
        warm_runs = [build(project) for _ in range(args.repeat)]
        warm = statistics.median(r[0] for r in warm_runs)
        warm_executed = max(r[1] for r in warm_runs)

        script = project / "examples" / "en" / f"{LESSON}.py"
        first_markdown = script.read_text(encoding="utf-8").splitlines()[1]
        edit(script, first_markdown, first_markdown + " (edited)")
        prose_time, prose_executed, _ = build(project)
        twin = add_markdown_twin(project)
        edit(script, "\nimport torch\n", "\nimport torch\n\nprint('code edit')\n")
        code_time, code_executed, site = build(project)

        page = (site / "tutorials" / LESSON / "index.html").read_bytes()
        home = (site / "index.html").read_bytes()
        markdown = (site / twin / "index.html").read_bytes()

    print()
    print(f"cold build ({cold_executed} scripts executed)   {cold:7.2f} s")
    print(f"build, execution off, empty render cache   {off_cold:7.2f} s")
    print(f"build, execution off, warm render cache    {off_warm:7.2f} s")
    print(f"warm build ({warm_executed} scripts executed)    {warm:7.2f} s")
    print(f"prose-only edit: {prose_executed} executed            {prose_time:7.2f} s")
    print(f"one-script code edit: {code_executed} executed       {code_time:7.2f} s")
    print()
    print(f"cold ratio  cold / (floor + off)  = {cold / (floor + off_cold):.2f}   (goal <= 1.0)")
    print(f"warm ratio  warm / off            = {warm / off_warm:.2f}   (goal <= 1.2)")
    for label, other in (("home page", home), ("same lesson as Markdown", markdown)):
        raw = len(page) / len(other)
        zipped = len(gzip.compress(page)) / len(gzip.compress(other))
        print(
            f"page weight tutorial / {label}: {len(page):,} / {len(other):,} B = "
            f"{raw:.2f} raw, {zipped:.2f} gzip   (goal <= 2)"
        )


if __name__ == "__main__":
    main()
