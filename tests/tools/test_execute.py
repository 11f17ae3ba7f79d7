"""The execution cache of tools/execute.py: right about what must run again."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, fake_distribution, require_marker

# Every test here runs tools.execute, which starts Jupyter kernels.
pytestmark = pytest.mark.kernel

FIRST = """# %% [markdown]
# # First
#
# Prose.

# %%
total = sum(range(5))
print("total", total)  # the sum
"""

SECOND = """# %% [markdown]
# # Second

# %%
values = [1, 2, 3]
print("values", values)
"""


SETTINGS = """site_name: test
extra:
  nnguide:
    timeout: 120
plugins:
  - i18n:
      languages:
{languages}"""
LANGUAGE = """        - locale: {code}
          default: {default}
          name: {code}
          extra:
            labels: {{download: d, script: s, notebook: n, runtime: "r {{seconds}}",
                      provenance: "p {{date}}", figure: "f {{number}}", executed: e, cached: c,
                      status_columns: [l, t, m, o, b, d], used_in: u,
                      colab: c, install: i, solution: so, archive: a}}
"""


def make_project(root: Path, languages: tuple[str, ...] = ("en",)) -> Path:
    """A copy of the project's tooling and package with two tiny examples per language."""
    for folder in ("tools", "nnguide"):
        shutil.copytree(ROOT / folder, root / folder, ignore=shutil.ignore_patterns("__pycache__"))
    entries = "".join(
        LANGUAGE.format(code=code, default=str(index == 0).lower())
        for index, code in enumerate(languages)
    )
    (root / "mkdocs.yml").write_text(SETTINGS.format(languages=entries))
    for lang in languages:
        (root / "examples" / lang).mkdir(parents=True)
        (root / "examples" / lang / "01_first.py").write_text(FIRST)
        (root / "examples" / lang / "02_second.py").write_text(SECOND)
    return root


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path)


def run(project: Path, **env: str) -> tuple[int, int, subprocess.CompletedProcess]:
    require_marker("kernel", "runs tools.execute")
    result = subprocess.run(
        [sys.executable, "-m", "tools.execute", "--jobs", "2"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
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
    expected = f"examples/en/01_first.py:{line}: ValueError: deliberate failure"
    assert expected in result.stderr, result.stderr  # (whole: pytest's diff cuts it short)
    # The script that succeeded in the same parallel run is stored.
    assert code_outputs(notebook(project, "02_second")) == ["values [1, 2, 3]\n"]


def test_a_kernel_that_dies_while_starting_is_named_once_without_a_traceback(project, tmp_path):
    """nbclient's "Kernel died before replying to kernel_info", and its clean-up at exit.

    The kernels (and only they: ``NNGUIDE_RECORD`` is set for a kernel) exit with code 3
    as their interpreter starts, through a ``sitecustomize`` module.
    """
    startup = tmp_path / "startup"
    startup.mkdir()
    (startup / "sitecustomize.py").write_text(
        "import os\nif os.environ.get('NNGUIDE_RECORD'):\n    os._exit(3)\n"
    )
    _, _, result = run(project, PYTHONPATH=str(startup))
    assert result.returncode == 1, result.stderr
    for name in ("01_first", "02_second"):
        expected = f"examples/en/{name}.py: the kernel died before the script's first cell ran"
        assert f"{expected} (exited with code 3)" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert not (project / "docs" / "en" / "tutorials" / "01_first.ipynb").exists()


def test_a_kernel_that_dies_while_starting_once_is_started_again(project, tmp_path):
    """Kernels started side by side can be handed the same port; the one that loses exits
    with code 1 as it starts. Here the first kernel to start exits so (``sitecustomize``,
    one marker file); its script runs in a second kernel, and both are stored."""
    startup = tmp_path / "startup"
    startup.mkdir()
    marker = tmp_path / "died"
    (startup / "sitecustomize.py").write_text(
        "import os\n"
        "if os.environ.get('NNGUIDE_RECORD'):\n"
        "    try:\n"
        f"        os.close(os.open({str(marker)!r}, os.O_CREAT | os.O_EXCL))\n"
        "    except FileExistsError:\n"
        "        pass\n"
        "    else:\n"
        "        os._exit(1)\n"
    )
    executed, _, result = run(project, PYTHONPATH=str(startup))
    assert result.returncode == 0, result.stderr
    assert marker.exists(), "a kernel died as it started"
    assert executed == 2
    assert code_outputs(notebook(project, "02_second")) == ["values [1, 2, 3]\n"]
    assert notebook(project, "01_first")["cells"]


def test_what_a_cell_prints_is_one_output_whenever_the_kernel_flushed_it(project):
    """A print after a pause is a message of its own from the kernel (it sends stdout
    every 0.2 s); the page shows one block per cell, as the script's terminal shows it."""
    script = (
        SECOND
        + "\n# %%\nimport time\n\nprint('before')\ntime.sleep(0.6)\nprint('after')\n"
        + "print('10%', end='\\r')\nprint('100%')\n"
    )
    (project / "examples" / "en" / "02_second.py").write_text(script)
    assert run(project)[:2] == (2, 0)
    cells = [c for c in notebook(project, "02_second")["cells"] if c["cell_type"] == "code"]
    assert ["".join(output["text"]) for output in cells[-1]["outputs"]] == ["before\nafter\n100%\n"]


def test_a_warning_on_stderr_fails_the_script_with_its_line(project):
    noisy = SECOND + '\n# %%\nimport warnings\n\nwarnings.warn("glyph missing")\n'
    (project / "examples" / "en" / "02_second.py").write_text(noisy)
    _, _, result = run(project)
    assert result.returncode == 1
    line = noisy.splitlines().index('warnings.warn("glyph missing")') + 1
    assert f"examples/en/02_second.py:{line}: wrote to stderr:" in result.stderr
    assert "UserWarning: glyph missing" in result.stderr


@pytest.mark.parametrize("call", ["logging.warning", "logging.error"])
def test_a_log_record_fails_the_script_with_its_line(project, call):
    noisy = SECOND + f'\n# %%\nimport logging\n\nx = 2\n{call}("disk almost full")\n'
    (project / "examples" / "en" / "02_second.py").write_text(noisy)
    _, _, result = run(project)
    assert result.returncode == 1
    line = noisy.splitlines().index(f'{call}("disk almost full")') + 1
    assert f"examples/en/02_second.py:{line}: wrote to stderr:" in result.stderr
    assert "disk almost full" in result.stderr
    assert not (project / "docs" / "en" / "tutorials" / "02_second.ipynb").exists()


def test_a_hang_stops_at_the_time_limit_naming_the_running_line(project):
    hanging = FIRST + "\n# %%\nimport time\n\nfor _ in range(1000):\n    time.sleep(1)\n"
    (project / "examples" / "en" / "01_first.py").write_text(hanging)
    started = time.monotonic()
    _, _, result = run(project, NNGUIDE_TIMEOUT="15")
    assert time.monotonic() - started < 120
    assert result.returncode == 1
    line = hanging.splitlines().index("    time.sleep(1)") + 1
    assert f"examples/en/01_first.py:{line}: did not finish within 15 s" in result.stderr
    assert "zmq" not in result.stderr.lower() and "Traceback" not in result.stderr


def test_a_script_that_is_not_utf8_is_named_with_its_line(project):
    data = FIRST.encode().replace(b"Prose.", b"Pro\xe9se.")
    (project / "examples" / "en" / "01_first.py").write_bytes(data)
    _, _, result = run(project)
    assert result.returncode == 1
    line = FIRST.splitlines().index("# Prose.") + 1
    assert f"examples/en/01_first.py:{line}: not UTF-8 (byte 0xe9 at column 6)" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_byte_order_mark_is_named(project):
    (project / "examples" / "en" / "01_first.py").write_bytes(b"\xef\xbb\xbf" + FIRST.encode())
    _, _, result = run(project)
    assert result.returncode == 1
    assert "examples/en/01_first.py:1: starts with a byte order mark" in result.stderr
    assert "Traceback" not in result.stderr


def test_scripts_run_in_a_scratch_folder_and_leave_the_tree_clean(project):
    writer = SECOND + '\n# %%\nfrom pathlib import Path\n\nPath("result.txt").write_text("x")\n'
    (project / "examples" / "en" / "02_second.py").write_text(writer)
    (project / ".gitignore").write_text(".cache/\ndocs/*/tutorials/*.ipynb\n__pycache__/\n")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid"]
    subprocess.run([*git, "init", "-q"], cwd=project, check=True)
    subprocess.run([*git, "add", "-A"], cwd=project, check=True)
    subprocess.run([*git, "commit", "-qm", "start"], cwd=project, check=True)
    assert run(project)[0] == 2
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=project, capture_output=True, text=True
    )
    assert status.stdout == ""
    assert not list(project.rglob("result.txt"))


def test_a_relative_data_path_fails_with_the_reason(project):
    reader = SECOND + '\n# %%\nopen("digits.csv").read()\n'
    (project / "examples" / "en" / "02_second.py").write_text(reader)
    (project / "examples" / "en" / "digits.csv").write_text("1,2,3\n")
    _, _, result = run(project)
    assert result.returncode == 1
    assert "FileNotFoundError" in result.stderr
    assert "read data through a package" in result.stderr


def fakedep(folder: Path, version: str) -> None:
    """``fakedep`` at ``version``, imported only through the module ``via``."""
    fake_distribution(folder, "fakedep", version, source="VALUE = 1\n")
    (folder / "via.py").write_text("import fakedep\n")


def test_a_package_reached_only_indirectly_reruns_exactly_the_scripts_that_imported_it(
    project, tmp_path_factory
):
    site = tmp_path_factory.mktemp("site-packages")
    fakedep(site, "1.0")
    script = project / "examples" / "en" / "01_first.py"
    script.write_text(FIRST + "\n# %%\nimport via\n\nprint(via.fakedep.VALUE)\n")
    assert run(project, PYTHONPATH=str(site))[:2] == (2, 0)
    recorded = notebook(project, "01_first")["metadata"]["nnguide"]["distributions"]
    assert recorded["fakedep"] == "1.0"
    assert "fakedep" not in notebook(project, "02_second")["metadata"]["nnguide"]["distributions"]
    assert run(project, PYTHONPATH=str(site))[:2] == (0, 2)
    fakedep(site, "2.0")
    executed, cached, result = run(project, PYTHONPATH=str(site))
    assert (executed, cached) == (1, 1), result.stderr
    assert "Executed examples/en/01_first.py" in result.stdout
    assert notebook(project, "01_first")["metadata"]["nnguide"]["distributions"]["fakedep"] == "2.0"


def test_the_kernel_is_the_build_s_own_interpreter(project, tmp_path_factory):
    """A foreign ``python3`` kernelspec first on JUPYTER_PATH is not used."""
    jupyter = tmp_path_factory.mktemp("jupyter")
    spec = jupyter / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": ["/bin/false", "{connection_file}"],
                "language": "python",
                "display_name": "foreign",
            }
        )
    )
    script = project / "examples" / "en" / "01_first.py"
    script.write_text(FIRST + "\n# %%\nimport sys\n\nprint(sys.executable)\n")
    executed, _, result = run(project, JUPYTER_PATH=str(jupyter))
    assert executed == 2, result.stderr
    assert code_outputs(notebook(project, "01_first"))[-1].strip() == sys.executable


def test_make_examples_removes_notebooks_of_deleted_scripts(project):
    run(project)
    (project / "examples" / "en" / "02_second.py").unlink()
    assert run(project)[:2] == (0, 1)
    assert not (project / "docs" / "en" / "tutorials" / "02_second.ipynb").exists()


def test_translations_that_run_different_code_stop_before_anything_executes(tmp_path):
    """The parity check runs first (its cases, f-strings included: tests/tools/test_lessons.py)."""
    english, korean = 'print(f"min {x.argmin()}")', 'print(f"최소 {x.argmax()}")'
    project = make_project(tmp_path, ("en", "ko"))
    prefix = "# %%\nimport torch\n\nx = torch.tensor([3.0, 1.0])\nv = 1.5\n"
    (project / "examples" / "en" / "02_second.py").write_text(prefix + english + "\n")
    (project / "examples" / "ko" / "02_second.py").write_text(prefix + korean + "\n")
    executed, _, result = run(project)
    assert result.returncode == 1
    assert executed == -1, "nothing is executed when the code differs"
    assert (
        "examples/en/02_second.py:6 and examples/ko/02_second.py:6: the code differs"
        in result.stderr
    )
    assert english in result.stderr and korean in result.stderr
    assert not (project / "docs").exists()
