"""Scripts that fail in every way, in real kernels: the line named, nothing left running.

One build runs a script per failure mode in parallel (the messages' rules, case by
case and fuzzed, are tested without kernels in tests/tools/test_failure.py), and one
build is interrupted with Ctrl-C.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.conftest import ROOT, interruptible, require_marker
from tests.tools.test_execute import make_project

pytestmark = pytest.mark.kernel

HEAD = """# %% [markdown]
# # Failing

# %%
x = 0

# %%
"""
# Only the script that needs torch imports it (two seconds of each kernel's time).
SCRIPTS = {
    "00_shape": (
        "import torch\nfrom torch import nn\n\nlayer = nn.Linear(3, 2)\n"
        "x = torch.zeros(4, 5)\ny = layer(x)\nz = 1\nassert z == 2\n"
    ),
    "01_exit0": "import sys\n\nx = 1\nsys.exit(0)\nprint('never')\n",
    "02_exit1": "x = 1\nraise SystemExit(1)\n",
    "03_os_exit": (
        "import os\nimport subprocess\n\n"
        "child = subprocess.Popen(['sleep', '307'])\nx = 1\nos._exit(1)\n"
    ),
    "04_sigkill": "import os\nimport signal\n\nx = 1\nos.kill(os.getpid(), signal.SIGKILL)\n",
    "05_segfault": "import ctypes\n\nx = 1\nctypes.string_at(0)\n",
    "06_memory": "x = 1\nblob = bytearray(3 * 2**30)\nprint(len(blob))\n",
    "07_show": (
        "import matplotlib.pyplot as plt\n\nplt.plot([1, 2])\n"
        "plt.switch_backend('TkAgg')\nplt.show()\n"
    ),
    "08_syntax": "x = 1\ny = (1 +\n",
    "09_children": (
        "import subprocess\n\nchild = subprocess.Popen(['sleep', '308'])\nprint('started')\n"
    ),
    "10_print_50_mb": "print('x' * 50_000_000)\nprint('end')\n",
}
FAILING_LINES = {
    "00_shape": ("y = layer(x)", "RuntimeError: mat1 and mat2 shapes cannot be multiplied"),
    "01_exit0": ("sys.exit(0)", "SystemExit: 0 (the script exits here"),
    "02_exit1": ("raise SystemExit(1)", "SystemExit: 1"),
    "03_os_exit": (
        "os._exit(1)",
        "the kernel died (exited with code 1: os._exit(1) was called); this line was running",
    ),
    "04_sigkill": ("os.kill(os.getpid(), signal.SIGKILL)", "the kernel died (killed by SIGKILL"),
    "05_segfault": ("ctypes.string_at(0)", "the kernel died (killed by SIGSEGV (signal 11))"),
    "06_memory": ("blob = bytearray(3 * 2**30)", "MemoryError"),
    "07_show": ("plt.switch_backend('TkAgg')", "ImportError: Cannot load backend 'TkAgg'"),
    "08_syntax": ("y = (1 +", "SyntaxError:"),
}


def sleepers(seconds: str) -> list[psutil.Process]:
    found = []
    for process in psutil.process_iter(["cmdline"]):
        if process.info["cmdline"] == ["sleep", seconds]:
            found.append(process)
    return found


def execute(project: Path, **env: str) -> subprocess.CompletedProcess:
    require_marker("kernel", "runs tools.execute")
    return subprocess.run(
        [sys.executable, "-m", "tools.execute", "--jobs", "2"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "OMP_NUM_THREADS": "1", **env},
    )


@pytest.fixture(scope="module")
def failed_build(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    project = make_project(tmp_path_factory.mktemp("failing"))
    settings = project / "mkdocs.yml"
    settings.write_text(
        settings.read_text().replace("timeout: 120", "timeout: 120\n    kernel_memory_limit: 1GiB")
    )
    for script in (project / "examples" / "en").glob("*.py"):
        script.unlink()
    for name, body in SCRIPTS.items():
        (project / "examples" / "en" / f"{name}.py").write_text(HEAD + body)
    return project, execute(project)


@pytest.mark.parametrize("name", sorted(FAILING_LINES))
def test_a_failure_names_the_lesson_line_and_what_happened(failed_build, name):
    _, result = failed_build
    assert result.returncode == 1
    text, what = FAILING_LINES[name]
    line = (HEAD + SCRIPTS[name]).splitlines().index(text) + 1
    reported = [entry for entry in result.stderr.split("\nexamples/") if f"en/{name}.py" in entry]
    assert len(reported) == 1, result.stderr
    assert reported[0].startswith(f"en/{name}.py:{line}: {what}"), reported[0]
    assert f"\n    {text}" in reported[0]
    assert "\x1b" not in result.stderr


def test_the_memory_limit_is_named(failed_build):
    _, result = failed_build
    assert "the kernel memory limit, 1 GiB, was reached: extra.nnguide.kernel_memory_limit" in (
        result.stderr
    )


def test_no_process_a_script_started_outlives_its_script(failed_build):
    """Neither after a script that succeeded nor after one whose kernel died."""
    project, _ = failed_build
    assert (project / "docs" / "en" / "tutorials" / "09_children.ipynb").is_file()
    assert sleepers("307") == [] and sleepers("308") == []


def test_fifty_megabytes_of_print_make_a_small_page_with_a_note(failed_build):
    project, _ = failed_build
    page = project / "docs" / "en" / "tutorials" / "10_print_50_mb.ipynb"
    assert page.stat().st_size < 1_500_000
    outputs = [o for cell in json.loads(page.read_text())["cells"] for o in cell.get("outputs", [])]
    text = "".join("".join(o.get("text", "")) for o in outputs)
    assert "of output cut here, out of 47.7 MiB" in text
    assert text.rstrip().endswith("end")


# Ctrl-C, and what `kill` (a process manager, a CI runner) sends: the same stop.
STOPS = [signal.SIGINT, signal.SIGTERM]


@pytest.mark.parametrize("stop", STOPS, ids=lambda stop: stop.name)
def test_ctrl_c_stops_at_once_kills_every_kernel_and_keeps_what_finished(tmp_path, stop):
    require_marker("kernel", "runs tools.execute")
    project = make_project(tmp_path / "project")
    temporary = tmp_path / "tmp"  # the kernels' scratch folders and connection files
    temporary.mkdir()
    examples = project / "examples" / "en"
    for script in examples.glob("*.py"):
        script.unlink()
    fast = "# %%\nprint('fast')\n"
    slow = "# %%\nimport subprocess\nimport time\n\nsubprocess.Popen(['sleep', '309'])\n"
    slow += "time.sleep(300)\n"
    for index, body in enumerate([fast, fast, slow, slow]):
        (examples / f"0{index}_s.py").write_text(body)
    build = subprocess.Popen(
        interruptible("tools.execute", "--jobs", "2"),
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={
            **os.environ,
            "PYTHONUNBUFFERED": "1",
            "OMP_NUM_THREADS": "1",
            "TMPDIR": str(temporary),
        },
    )
    waited = time.monotonic()
    while len(sleepers("309")) < 2 and time.monotonic() - waited < 240:
        time.sleep(0.2)
    started = psutil.Process(build.pid).children(recursive=True)
    assert len(sleepers("309")) == 2, "both slow scripts are running"
    interrupted = time.monotonic()
    build.send_signal(stop)
    _, stderr = build.communicate(timeout=60)
    assert time.monotonic() - interrupted < 2.0
    assert build.returncode == 130
    assert "Interrupted" in stderr and "Traceback" not in stderr
    time.sleep(0.2)
    alive = [p for p in started if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    assert alive == [] and sleepers("309") == []
    assert sorted(path.name for path in temporary.iterdir()) == [], "left by the kernels"
    for index in (2, 3):
        (examples / f"0{index}_s.py").write_text(fast.replace("fast", "no longer slow"))
    rerun = execute(project)
    assert "2 executed, 2 cached" in rerun.stdout, rerun.stderr


@pytest.mark.parametrize("stop", STOPS, ids=lambda stop: stop.name)
def test_ctrl_c_stops_mkdocs_build_while_it_executes(tmp_path, stop):
    """The plugin runs the execute step first: Ctrl-C (or SIGTERM) there ends the build
    at once."""
    require_marker("kernel", "starts kernels")
    left_out = shutil.ignore_patterns(
        ".git", ".venv*", "site", ".cache", "node_modules", "__pycache__", "*.ipynb"
    )
    project = tmp_path / "project"
    shutil.copytree(ROOT, project, ignore=left_out)
    temporary = tmp_path / "tmp"  # the kernels' scratch folders and connection files
    temporary.mkdir()
    build = subprocess.Popen(
        interruptible("mkdocs", "build", "--site-dir", str(tmp_path / "site")),
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={
            **os.environ,
            "PYTHONPATH": str(project),
            "OMP_NUM_THREADS": "1",
            "TMPDIR": str(temporary),
        },
    )
    root = psutil.Process(build.pid)

    def kernels() -> list[psutil.Process]:
        found = []
        for process in root.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                if "ipykernel_launcher" in " ".join(process.cmdline()):
                    found.append(process)
        return found

    waited = time.monotonic()
    while len(kernels()) < 1 and time.monotonic() - waited < 240:
        time.sleep(0.2)
    started = kernels()
    assert started, "a kernel started"
    interrupted = time.monotonic()
    build.send_signal(stop)
    output, _ = build.communicate(timeout=60)
    assert time.monotonic() - interrupted < 2.0, output[-2000:]
    assert build.returncode == 130
    assert "Interrupted: the scripts that finished are kept" in output
    time.sleep(0.2)
    assert [p for p in started if p.is_running() and p.status() != psutil.STATUS_ZOMBIE] == []
    assert sorted(path.name for path in temporary.iterdir()) == [], "left by the kernels"
