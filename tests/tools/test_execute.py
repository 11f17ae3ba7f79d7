"""The execution cache of tools/execute.py: right about what must run again."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

FIRST = """# %% [markdown]
# # First
#
# Prose.

# %%
import nnguide

total = sum(range(5))
print("total", total)  # the sum
"""

SECOND = """# %% [markdown]
# # Second

# %%
values = [1, 2, 3]
print("values", values)
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's tooling and package with two tiny examples."""
    for folder in ("tools", "nnguide"):
        shutil.copytree(
            ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    for lang in ("en", "ko"):
        (tmp_path / "examples" / lang).mkdir(parents=True)
    (tmp_path / "examples" / "en" / "01_first.py").write_text(FIRST)
    (tmp_path / "examples" / "en" / "02_second.py").write_text(SECOND)
    return tmp_path


def run(project: Path) -> tuple[int, int, subprocess.CompletedProcess]:
    result = subprocess.run(
        [sys.executable, "-m", "tools.execute", "--jobs", "2"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
    )
    match = re.search(r"(\d+) executed, (\d+) cached", result.stdout)
    if match is None:
        return -1, -1, result
    return int(match.group(1)), int(match.group(2)), result


def notebook(project: Path, name: str) -> dict:
    return json.loads((project / "docs" / "en" / "tutorials" / f"{name}.ipynb").read_text())


def code_outputs(nb: dict) -> list[str]:
    return [
        "".join(o.get("text", ""))
        for c in nb["cells"]
        if c["cell_type"] == "code"
        for o in c["outputs"]
    ]


def test_cold_run_executes_everything_then_nothing(project):
    assert run(project)[:2] == (2, 0)
    nb = notebook(project, "01_first")
    assert code_outputs(nb) == ["total 10\n"]
    assert nb["metadata"]["nnguide"]["run_seconds"] >= 0
    assert run(project)[:2] == (0, 2)


def test_prose_and_comment_edits_rerender_without_executing(project):
    run(project)
    script = project / "examples" / "en" / "01_first.py"
    script.write_text(
        FIRST.replace("# Prose.", "# Better prose.").replace("the sum", "five numbers")
    )
    assert run(project)[:2] == (0, 2)
    nb = notebook(project, "01_first")
    sources = ["".join(c["source"]) for c in nb["cells"]]
    assert "Better prose." in sources[0]
    assert "# five numbers" in sources[1]
    assert code_outputs(nb) == ["total 10\n"]


def test_code_edit_executes_exactly_that_script(project):
    run(project)
    script = project / "examples" / "en" / "02_second.py"
    script.write_text(SECOND.replace("[1, 2, 3]", "[4, 5]"))
    executed, cached, _ = run(project)
    assert (executed, cached) == (1, 1)
    assert code_outputs(notebook(project, "02_second")) == ["values [4, 5]\n"]


def test_a_change_in_nnguide_executes_the_examples_again(project):
    run(project)
    with (project / "nnguide" / "models.py").open("a") as handle:
        handle.write("\n# a change that could alter outputs\n")
    assert run(project)[:2] == (2, 0)


def test_a_failing_script_fails_with_its_name_and_line(project):
    broken = FIRST + '\n# %%\nx = 1\nraise ValueError("deliberate failure")\n'
    (project / "examples" / "en" / "01_first.py").write_text(broken)
    _, _, result = run(project)
    assert result.returncode == 1
    line = broken.splitlines().index('raise ValueError("deliberate failure")') + 1
    assert f"examples/en/01_first.py:{line}: ValueError: deliberate failure" in result.stderr
    # The script that succeeded in the same parallel run is stored.
    assert code_outputs(notebook(project, "02_second")) == ["values [1, 2, 3]\n"]


def test_a_warning_on_stderr_fails_the_script(project):
    noisy = SECOND + '\n# %%\nimport warnings\nwarnings.warn("glyph missing")\n'
    (project / "examples" / "en" / "02_second.py").write_text(noisy)
    _, _, result = run(project)
    assert result.returncode == 1
    assert "examples/en/02_second.py" in result.stderr
    assert "UserWarning: glyph missing" in result.stderr
