"""Sharded execution: `make examples SHARD=i/N` splits the scripts by committed run times."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from tests.conftest import PROJECT, ROOT, mkdocs_env, require_marker, small_project
from tests.tools.test_execute import make_project, run
from tools import execute, shards


def fake_examples(count: int) -> list[execute.Example]:
    return [
        execute.Example(
            "en", f"{i:02d}_x", Path(f"{i:02d}.py"), Path(f"{i:02d}.ipynb"), f"s{i:02d}"
        )
        for i in range(count)
    ]


def test_the_split_balances_recorded_times_and_is_deterministic():
    examples = fake_examples(6)
    times = {"s00": 9.0, "s01": 7.0, "s02": 6.0, "s03": 5.0, "s04": 4.0, "s05": 1.0}
    shards = execute.split(examples, 2, seconds=lambda ex: times[ex.label])
    labels = [[ex.label for ex in part] for part in shards]
    assert labels == [["s00", "s03", "s05"], ["s01", "s02", "s04"]]
    totals = [sum(times[label] for label in part) for part in labels]
    assert totals == [15.0, 17.0]
    again = execute.split(list(reversed(examples)), 2, seconds=lambda ex: times[ex.label])
    assert [[ex.label for ex in part] for part in again] == labels
    with pytest.raises(ValueError, match="at least 1, got 0"):
        execute.split(examples, 0)


def scripts_project(root: Path, times: dict[str, float] | None) -> object:
    """Six scripts in examples/en, and examples/run_times.json when ``times`` is given."""
    (root / "examples" / "en").mkdir(parents=True)
    for index in range(6):
        (root / "examples" / "en" / f"{index:02d}_x.py").write_text("# %%\nx = 1\n")
    if times is not None:
        (root / "examples" / "run_times.json").write_text(json.dumps(times))
    return replace(
        PROJECT,
        root=root,
        docs_dir=root / "docs",
        examples_dir=root / "examples",
        languages=(PROJECT.default,),
    )


def record_runs(project, seconds: dict[str, float]) -> None:
    """Executed notebooks with these run times, as a shard's run leaves them."""
    for example in execute.discover(project):
        example.notebook.parent.mkdir(parents=True, exist_ok=True)
        record = {"nnguide": {"run_seconds": seconds[example.label]}}
        example.notebook.write_text(json.dumps({"cells": [], "metadata": record}))


def test_running_a_shard_does_not_change_the_split(tmp_path):
    times = {f"examples/en/{i:02d}_x.py": t for i, t in enumerate([9, 7, 6, 5, 4, 1])}
    project = scripts_project(tmp_path, times)
    before = [[ex.label for ex in execute.shard(project, f"{i}/2")] for i in (1, 2)]
    assert before == [
        ["examples/en/00_x.py", "examples/en/03_x.py", "examples/en/05_x.py"],
        ["examples/en/01_x.py", "examples/en/02_x.py", "examples/en/04_x.py"],
    ]
    # Shard 1 ran on a loaded machine: its notebooks record other times.
    record_runs(project, {label: 100.0 - seconds for label, seconds in times.items()})
    after = [[ex.label for ex in execute.shard(project, f"{i}/2")] for i in (1, 2)]
    assert after == before


def test_without_recorded_times_every_script_counts_alike(tmp_path):
    project = scripts_project(tmp_path, None)
    labels = [[ex.name for ex in execute.shard(project, f"{i}/3")] for i in (1, 2, 3)]
    assert labels == [["00_x", "03_x"], ["01_x", "04_x"], ["02_x", "05_x"]]


def test_record_times_takes_the_notebooks_times_and_keeps_the_others(tmp_path):
    project = scripts_project(tmp_path, {"examples/en/09_gone.py": 3.0})
    record_runs(project, {f"examples/en/{i:02d}_x.py": i + 0.04 for i in range(6)})
    (tmp_path / "docs" / "en" / PROJECT.tutorials / "05_x.ipynb").unlink()
    path = execute.record_run_times(project, execute.discover(project))
    assert json.loads(path.read_text()) == {
        "examples/en/00_x.py": 0.0,
        "examples/en/01_x.py": 1.0,
        "examples/en/02_x.py": 2.0,
        "examples/en/03_x.py": 3.0,
        "examples/en/04_x.py": 4.0,
        "examples/en/09_gone.py": 3.0,
    }


@pytest.mark.parametrize("content", ["{not json", '{"examples/en/00_x.py": "fast"}', "[1]"])
def test_a_bad_run_times_file_is_named(tmp_path, content):
    project = scripts_project(tmp_path, None)
    (tmp_path / "examples" / "run_times.json").write_text(content)
    with pytest.raises(ValueError, match=r"^examples/run_times.json: "):
        execute.shard(project, "1/2")


def shard_run(project: Path, spec: str) -> subprocess.CompletedProcess:
    require_marker("kernel", "runs tools.execute")
    return subprocess.run(
        [sys.executable, "-m", "tools.execute", "--shard", spec],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.kernel
def test_shards_are_disjoint_and_cover_every_script_then_nothing_runs(tmp_path):
    project = make_project(tmp_path)
    first, second = shard_run(project, "1/2"), shard_run(project, "2/2")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    ran = [set(re.findall(r"Executed (\S+)", r.stdout)) for r in (first, second)]
    assert ran[0] and ran[1] and not ran[0] & ran[1]
    assert ran[0] | ran[1] == {"examples/en/01_first.py", "examples/en/02_second.py"}
    assert run(project)[:2] == (0, 2)


@pytest.mark.kernel
def test_a_gpu_script_has_a_shard_of_its_own_skipped_without_a_gpu(tmp_path):
    project = make_project(tmp_path)
    script = project / "examples" / "en" / "02_second.py"
    script.write_text("# ---\n# jupyter:\n#   nnguide_device: gpu\n# ---\n\n" + script.read_text())
    gpu = shard_run(project, "gpu")
    import torch

    if torch.cuda.is_available():
        assert "Executed examples/en/02_second.py" in gpu.stdout
    else:
        assert gpu.returncode == 0
        assert (
            "Shard gpu: no GPU on this runner; skipped 1 script(s): examples/en/02_second.py"
            in (gpu.stdout)
        )
    cpu = shard_run(project, "1/1")
    assert "Executed examples/en/01_first.py" in cpu.stdout
    assert "02_second" not in cpu.stdout
    bad = shard_run(project, "3/2")
    assert bad.returncode == 2 and "SHARD must be 'i/N'" in bad.stderr


def test_make_examples_passes_the_shard_on():
    dry = subprocess.run(
        ["make", "-n", "examples", "SHARD=1/2"], cwd=ROOT, capture_output=True, text=True
    )
    assert "-m tools.execute --shard 1/2" in dry.stdout


@pytest.mark.slow
@pytest.mark.kernel
def test_two_shards_then_the_docs_build_executes_nothing(tmp_path):
    """As in CI: each shard on a runner of its own, then the site from their notebooks.

    Each step runs the command its make target runs (`make examples SHARD=i/N`,
    `make docs`), so the test never sets up a virtualenv. The runners hold a small copy
    of the project: one lesson, so one script per language and shard.
    """
    env = mkdocs_env()
    runners = []
    for index in (1, 2):
        runner = small_project(tmp_path / f"runner{index}")
        subprocess.run(["make", "clean"], cwd=runner, check=True, env=env, capture_output=True)
        assert not list(runner.glob("docs/*/tutorials/*.ipynb"))
        runners.append(runner)
    executed = []
    for index, runner in enumerate(runners, start=1):
        result = subprocess.run(
            [sys.executable, "-m", "tools.execute", "--shard", f"{index}/2"],
            cwd=runner,
            env=env,
            capture_output=True,
            text=True,
            timeout=1200,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        executed.append(set(re.findall(r"Executed (\S+)", result.stdout)))
    site_runner = runners[0]
    every = {
        p.relative_to(site_runner).as_posix() for p in site_runner.glob("examples/*/[0-9]*.py")
    }
    assert executed[0] and executed[1] and not executed[0] & executed[1]
    assert executed[0] | executed[1] == every
    for notebook in runners[1].glob("docs/*/tutorials/*.ipynb"):  # download-artifact
        target = site_runner / notebook.relative_to(runners[1])
        target.parent.mkdir(parents=True, exist_ok=True)  # a fresh clone has no such folder
        shutil.copy(notebook, target)
    docs = subprocess.run(
        [sys.executable, "-m", "tools.publish"],
        cwd=site_runner,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert docs.returncode == 0, docs.stderr[-3000:]
    assert "Examples: 0 executed" in docs.stderr
    assert (site_runner / "site" / "index.html").is_file()


def test_consecutive_shards_in_one_checkout_execute_each_script_once(
    tmp_path, project_here, fake_kernel
):
    """Shard 1/2 then 2/2 in one checkout, with a script added that has no recorded time."""
    project = make_project(tmp_path)
    for index in range(3, 7):
        (project / "examples" / "en" / f"{index:02d}_more.py").write_text(f"# %%\nx = {index}\n")
    times = {
        f"examples/en/{i:02d}_more.py": t for i, t in zip(range(3, 7), [9, 7, 5, 3], strict=True)
    }
    (project / "examples" / "run_times.json").write_text(json.dumps(times))
    project_here(project)
    every = {p.relative_to(project).as_posix() for p in project.glob("examples/en/*.py")}
    assert len(every) == 6  # 01_first and 02_second have no recorded time
    for spec in ("1/2", "2/2"):
        assert execute.main(["--shard", spec]) == 0
    assert sorted(fake_kernel) == sorted(every)  # each exactly once
    for spec in ("1/2", "2/2"):
        assert execute.main(["--shard", spec]) == 0
    assert len(fake_kernel) == 6  # then nothing runs again


def shard_folder(root: Path, name: str, paths: dict[str, str]) -> None:
    for path, text in paths.items():
        (root / name / path).parent.mkdir(parents=True, exist_ok=True)
        (root / name / path).write_text(text)


def test_the_merge_copies_every_shard_s_notebooks(tmp_path):
    shard_folder(tmp_path / "in", "notebooks-1-of-2", {"en/tutorials/01_a.ipynb": "a"})
    shard_folder(tmp_path / "in", "notebooks-2-of-2", {"ko/tutorials/01_a.ipynb": "b"})
    assert shards.main(["merge", str(tmp_path / "in"), str(tmp_path / "docs")]) == 0
    assert (tmp_path / "docs" / "en" / "tutorials" / "01_a.ipynb").read_text() == "a"
    assert (tmp_path / "docs" / "ko" / "tutorials" / "01_a.ipynb").read_text() == "b"


def test_the_merge_fails_when_a_path_would_be_written_twice(tmp_path, capsys):
    shard_folder(tmp_path / "in", "notebooks-1-of-2", {"en/tutorials/01_a.ipynb": "a"})
    shard_folder(tmp_path / "in", "notebooks-2-of-2", {"en/tutorials/01_a.ipynb": "other"})
    shard_folder(tmp_path / "in", "notebooks-gpu", {"en/tutorials/02_b.ipynb": "c"})
    (tmp_path / "docs" / "en" / "tutorials").mkdir(parents=True)
    (tmp_path / "docs" / "en" / "tutorials" / "02_b.ipynb").write_text("old")
    assert shards.main(["merge", str(tmp_path / "in"), str(tmp_path / "docs")]) == 1
    assert capsys.readouterr().err.splitlines() == [
        "Shard results would overwrite each other:",
        "en/tutorials/01_a.ipynb: in more than one shard (notebooks-1-of-2, notebooks-2-of-2)",
        f"en/tutorials/02_b.ipynb: already in {tmp_path / 'docs'} (from shard notebooks-gpu)",
    ]
    assert not (tmp_path / "docs" / "en" / "tutorials" / "01_a.ipynb").exists()
    assert (tmp_path / "docs" / "en" / "tutorials" / "02_b.ipynb").read_text() == "old"


@pytest.mark.parametrize("made", ["nothing", "an empty folder", "empty shard folders"])
def test_the_merge_refuses_a_folder_without_notebooks_naming_it(tmp_path, capsys, made):
    """The artifacts downloaded elsewhere, or none: a merge of nothing would leave the
    site's build without a notebook, and say that it merged 0."""
    folder = tmp_path / "in"
    if made != "nothing":
        folder.mkdir()
    if made == "empty shard folders":
        (folder / "notebooks-1-of-2").mkdir()
        (folder / "notebooks-gpu" / "en").mkdir(parents=True)
    assert shards.main(["merge", str(folder), str(tmp_path / "docs")]) == 1
    reason = (
        "not a folder (one subfolder per shard)"
        if made == "nothing"
        else "no shard's notebook in its subfolders"
    )
    assert capsys.readouterr().err == f"folder {str(folder)!r}: {reason}\n"
    assert not (tmp_path / "docs").exists()


def test_a_shard_packs_only_its_own_scripts_notebooks(tmp_path, project_here, fake_kernel):
    project = make_project(tmp_path / "checkout")
    project_here(project)
    assert execute.main([]) == 0  # every notebook exists, as restored from a cache
    packed = []
    for index, spec in enumerate(("1/2", "2/2")):
        out = tmp_path / "artifacts" / f"notebooks-{index}"
        assert shards.main(["pack", spec, str(out)]) == 0
        packed.append(sorted(p.relative_to(out).as_posix() for p in out.rglob("*.ipynb")))
    assert packed == [["en/tutorials/01_first.ipynb"], ["en/tutorials/02_second.ipynb"]]
    merged = shards.merge(tmp_path / "artifacts", tmp_path / "docs")
    assert merged == ["en/tutorials/01_first.ipynb", "en/tutorials/02_second.ipynb"]


def test_pages_uploads_each_shard_s_own_notebooks_and_merges_them_checked():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text())
    execute_steps, build_steps = (workflow["jobs"][job]["steps"] for job in ("execute", "build"))
    pack = next(s for s in execute_steps if "tools.shards pack" in s.get("run", ""))
    upload = next(s for s in execute_steps if s.get("uses", "").startswith("actions/upload"))
    assert upload["with"]["path"] in pack["run"].split()
    download = next(s for s in build_steps if s.get("uses", "").startswith("actions/download"))
    assert "merge-multiple" not in download["with"]
    merge = next(s for s in build_steps if "tools.shards merge" in s.get("run", ""))
    assert merge["run"].split()[-2:] == [download["with"]["path"], "docs"]
