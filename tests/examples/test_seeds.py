"""The conclusions of the lessons that compare methods hold on other seeds.

A lesson that compares methods (optimizers, regularizers, architectures, batch sizes...)
defines its seed once, as a module-level line exactly ``SEED = 0``, and seeds everything
from ``SEED``; its ``assert`` statements check the conclusions it draws from the printed
values. The slow test below reruns each such lesson with that line replaced by
``SEED = 1``, ``2`` and ``3``: the script must still exit 0, so every assert holds on
every seed and no conclusion rests on one lucky draw.

Only the default language's scripts are rerun: the translations have the same code (the
parity check, ``tools.checks.parity``, compares the syntax trees of every code cell), so
their asserts are the same asserts, and rerunning them would only double the time. The
reruns are not part of the site build. A lesson's seeds run one after the other in one
Python process, each as ``__main__`` in a fresh namespace and a folder of its own: the
imports (torch, nnguide, matplotlib: 2-3 s), the compiler stack that torch loads with the
first optimizer (about 2 s) and the digits data (1-2 s) are loaded once per lesson, not
once per seed. Two lessons run at a time (two processes fit the two cores of a modest
machine).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import DEFAULT_LANGUAGE, LESSONS, PROJECT, ROOT, require_marker

SEED_LINE = "SEED = 0"
OTHER_SEEDS = (1, 2, 3)
# The lessons whose conclusions compare methods: each must define its seed, so that none
# drops out of the reruns silently.
COMPARISONS = ("02", "04", "07", "08")
WORKERS = 2
SCRIPTS = PROJECT.examples_dir / DEFAULT_LANGUAGE


def seed_lines(source: str) -> int:
    """How many lines of ``source`` are exactly ``SEED = 0``."""
    return sum(1 for line in source.splitlines() if line == SEED_LINE)


def with_seed(source: str, seed: int) -> str:
    """``source`` with its ``SEED = 0`` line replaced by ``SEED = <seed>``.

    Raises:
        ValueError: If ``source`` has no such line, or more than one.
    """
    count = seed_lines(source)
    if count != 1:
        raise ValueError(f"source: expected one line {SEED_LINE!r}, found {count}")
    lines = source.splitlines(keepends=True)
    return "".join(
        f"SEED = {seed}\n" if line.rstrip("\r\n") == SEED_LINE else line for line in lines
    )


def seeded_lessons() -> list[str]:
    """The default-language lessons that define ``SEED = 0``, by name."""
    return [
        name
        for name in LESSONS
        if seed_lines((SCRIPTS / f"{name}.py").read_text(encoding="utf-8")) > 0
    ]


@dataclass(frozen=True)
class Rerun:
    lesson: str
    seed: int
    returncode: int
    stderr: str


# Runs each (script, folder) pair of its arguments as a reader's `python script` would run
# it from that folder; prints one JSON line per script: its exit status and traceback.
DRIVER = """
import json, os, runpy, sys, traceback
import matplotlib.pyplot as plt
for script, folder in zip(sys.argv[1::2], sys.argv[2::2]):
    os.chdir(folder)
    sys.argv = [script]
    status, error = 0, ""
    try:
        runpy.run_path(script, run_name="__main__")
    except SystemExit as stop:
        status = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        error = "" if status == 0 else f"SystemExit: {stop.code}"
    except BaseException:
        status, error = 1, traceback.format_exc()
    plt.close("all")
    print(json.dumps({"script": script, "status": status, "error": error}), flush=True)
"""


def rerun(lesson: str, seeds: list[int], workdir: Path) -> list[Rerun]:
    """Run a lesson with ``SEED = <seed>`` for each of ``seeds``, in one process.

    Each seed's script runs from a folder of its own under ``workdir``, as ``__main__``
    in a fresh namespace, as a reader would run it; the process's imports are shared.
    """
    source = (SCRIPTS / f"{lesson}.py").read_text(encoding="utf-8")
    arguments = []
    for seed in seeds:
        script = workdir / f"{lesson}_seed{seed}.py"
        script.write_text(with_seed(source, seed), encoding="utf-8")
        run_dir = workdir / f"{lesson}_seed{seed}"
        run_dir.mkdir()
        arguments += [str(script), str(run_dir)]
    env = dict(os.environ, MPLBACKEND="Agg")
    env.setdefault("OMP_NUM_THREADS", "1")
    # This checkout's nnguide, whatever the venv has installed.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    try:
        result = subprocess.run(
            [sys.executable, "-c", DRIVER, *arguments],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=PROJECT.timeout * len(seeds),
        )
    except subprocess.TimeoutExpired as error:
        return [Rerun(lesson, seed, -1, f"timed out after {error.timeout} s") for seed in seeds]
    reports = [
        json.loads(line) for line in result.stdout.splitlines() if line.startswith('{"script"')
    ]
    by_script = {report["script"]: report for report in reports}
    runs = []
    for seed, script in zip(seeds, arguments[::2], strict=True):
        report = by_script.get(script)
        if report is None:  # the process died before this seed's run ended
            runs.append(Rerun(lesson, seed, result.returncode or 1, result.stderr))
        else:
            runs.append(Rerun(lesson, seed, report["status"], report["error"] or result.stderr))
    return runs


RERUNS = [(lesson, seed) for lesson in seeded_lessons() for seed in OTHER_SEEDS]


@pytest.fixture(scope="module")
def reruns(request, tmp_path_factory) -> dict[tuple[str, int], Rerun]:
    """The selected reruns (all, unless ``-k`` picks some), ``WORKERS`` lessons at a time."""
    selected: dict[str, list[int]] = {}
    for item in request.session.items:
        if getattr(item, "originalname", "") == "test_lesson_conclusions_hold_on_another_seed":
            selected.setdefault(item.callspec.params["lesson"], []).append(
                item.callspec.params["seed"]
            )
    require_marker("kernel", "runs the lessons")
    workdir = tmp_path_factory.mktemp("seeds")
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        done = pool.map(lambda lesson: rerun(lesson, selected[lesson], workdir), selected)
        return {(run.lesson, run.seed): run for runs in done for run in runs}


@pytest.mark.slow
@pytest.mark.kernel
@pytest.mark.parametrize(
    ("lesson", "seed"), RERUNS, ids=[f"{lesson}-seed{seed}" for lesson, seed in RERUNS]
)
def test_lesson_conclusions_hold_on_another_seed(reruns, lesson, seed):
    run = reruns[(lesson, seed)]
    assert run.returncode == 0, (
        f"{lesson} with SEED = {seed} failed (exit {run.returncode}); its asserts do not "
        f"hold on this seed:\n{run.stderr[-3000:]}"
    )


@pytest.mark.parametrize("prefix", COMPARISONS)
def test_comparison_lessons_define_their_seed_once(prefix):
    [name] = [name for name in LESSONS if name.startswith(f"{prefix}_")]
    source = (SCRIPTS / f"{name}.py").read_text(encoding="utf-8")
    assert seed_lines(source) == 1, (
        f"{name} must define its seed in exactly one line {SEED_LINE!r}, so that the "
        "seed reruns can change it"
    )


def test_a_seeded_lesson_defines_its_seed_once():
    for name in seeded_lessons():
        source = (SCRIPTS / f"{name}.py").read_text(encoding="utf-8")
        assert seed_lines(source) == 1, name


def test_with_seed_replaces_only_the_exact_line():
    source = "SEED = 0\nx = 1  # SEED = 0\n    SEED = 0\nSEED = 00\n"
    assert with_seed(source, 3) == "SEED = 3\nx = 1  # SEED = 0\n    SEED = 0\nSEED = 00\n"
    with pytest.raises(ValueError, match="expected one line 'SEED = 0', found 0"):
        with_seed("SEED=0\n", 1)
    with pytest.raises(ValueError, match="found 2"):
        with_seed("SEED = 0\nSEED = 0\n", 1)


def lesson_at(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str) -> Path:
    """Make ``source`` the lesson ``09_x`` that :func:`rerun` reads; the folder to run in."""
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / "09_x.py").write_text(source, encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "SCRIPTS", scripts)
    work = tmp_path / "work"
    work.mkdir()
    return work


def test_a_failing_assert_fails_the_rerun_with_its_message(tmp_path, monkeypatch):
    work = lesson_at(
        tmp_path,
        monkeypatch,
        "from pathlib import Path\nSEED = 0\nassert SEED != 2, f'conclusion flips on seed {SEED}'\n"
        "Path('seed.txt').write_text(str(SEED))\n",
    )
    passed, failed, after = rerun("09_x", [1, 2, 3], work)
    assert (passed.seed, passed.returncode) == (1, 0)
    assert (failed.seed, failed.returncode) == (2, 1)
    assert "AssertionError: conclusion flips on seed 2" in failed.stderr
    assert (after.seed, after.returncode) == (3, 0), "a failed seed stops no other seed"
    assert (work / "09_x_seed3" / "seed.txt").read_text() == "3", "run from its own folder"


def test_a_rerun_that_ends_the_process_fails_its_seed_and_the_seeds_after_it(tmp_path, monkeypatch):
    work = lesson_at(tmp_path, monkeypatch, "import os\nSEED = 0\nif SEED == 2:\n    os._exit(7)\n")
    runs = rerun("09_x", [1, 2, 3], work)
    assert [(run.seed, run.returncode) for run in runs] == [(1, 0), (2, 7), (3, 7)]
