"""SIGTERM and SIGHUP stop ``mkdocs serve`` as Ctrl-C does (``tools.stop_signals``)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.conftest import ROOT, interruptible, mkdocs_serve
from tests.tools import lesson_fixture

# Run in a process of its own: pytest's own signal handlers stay as they are.
PROBE = """
import os, signal, threading, time
from tools import stop_signals

signal.signal(signal.SIGTERM, signal.SIG_DFL)  # as a terminal starts it, whoever runs the test

def kept(signum, frame):
    pass

signal.signal(signal.SIGHUP, kept)
replaced = stop_signals.install()
print(sorted(signal.Signals(s).name for s in replaced))
print(signal.getsignal(signal.SIGHUP) is kept)
try:
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(5)
except KeyboardInterrupt as error:
    print(error)
stop_signals.restore(replaced)
print(signal.getsignal(signal.SIGTERM) is signal.SIG_DFL)
found = []
thread = threading.Thread(target=lambda: found.append(stop_signals.install()))
thread.start()
thread.join()
print(found)
"""


def test_sigterm_raises_keyboard_interrupt_until_restored_and_other_handlers_stay():
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "['SIGTERM']",  # SIGHUP had a handler of its own
        "True",
        "stopped by SIGTERM",
        "True",
        "[{}]",  # another thread cannot set handlers: nothing is replaced
    ]


# Run by interruptible(): the signals the plugin takes, and Python's SIGINT handler.
INSTALLED = """
import signal
from tools import stop_signals

print(sorted(signal.Signals(s).name for s in stop_signals.install()))
print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)
"""


@pytest.mark.parametrize(
    "ignored",
    [
        (signal.SIGHUP,),
        (signal.SIGINT,),
        (signal.SIGTERM,),
        (signal.SIGINT, signal.SIGTERM, signal.SIGHUP),
    ],
    ids=["nohup", "background job", "SIGTERM ignored", "all three"],
)
def test_the_tests_start_mkdocs_as_a_terminal_does_whatever_signals_the_runner_ignores(
    tmp_path, ignored
):
    """A child inherits the signals its parent ignores: under ``nohup`` (SIGHUP) or as a
    background job (SIGINT), the serve and build tests' processes would keep them ignored,
    the plugin would rightly leave them so, and those tests would wait for an exit that
    never comes. ``interruptible`` starts them as a terminal does."""
    (tmp_path / "installed_signals.py").write_text(INSTALLED, encoding="utf-8")

    def ignore() -> None:
        for signum in ignored:
            signal.signal(signum, signal.SIG_IGN)

    result = subprocess.run(
        interruptible("installed_signals"),
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"},
        preexec_fn=ignore,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["['SIGHUP', 'SIGTERM']", "True"]


def left_in(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@pytest.mark.slow
@pytest.mark.kernel
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_stops_serve_and_removes_its_spare_kernels_files(tmp_path, signum):
    """``kill`` (SIGTERM) or a closed terminal (SIGHUP) stops ``mkdocs serve`` as Ctrl-C
    does: the spare kernels it keeps after each build are stopped and their scratch
    folders, record folders and connection files leave the temporary folder. Python's
    default ends the process at once and left all of them.

    The lesson first imports a package that takes two seconds to import, which the
    spares import as soon as they start: the signal comes while they are importing."""
    project = lesson_fixture.make(tmp_path / "project")
    packages = tmp_path / "packages"
    (packages / "slowdep").mkdir(parents=True)
    (packages / "slowdep" / "__init__.py").write_text("import time\n\ntime.sleep(2)\n")
    for lang in ("en", "ko"):
        script = project / "examples" / lang / "00_fixture.py"
        script.write_text(script.read_text().replace("x = 1\n", "import slowdep\n\nx = 1\n", 1))
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    log = tmp_path / "serve.log"
    env = {"TMPDIR": str(temporary), "PYTHONPATH": str(packages)}
    with mkdocs_serve(project, log, execute=True, env=env):
        deadline = time.monotonic() + 120
        while sum(name.startswith("nnguide-run-") for name in left_in(temporary)) < 2:
            assert time.monotonic() < deadline, (left_in(temporary), log.read_text()[-3000:])
            time.sleep(0.2)
        (server,) = [
            process
            for process in psutil.process_iter(["cwd", "cmdline"])
            if process.info["cwd"] == str(project) and "serve" in (process.info["cmdline"] or [])
        ]
        kernels = [child for child in server.children(recursive=True)]
        assert kernels, "the spare kernels run"
        os.kill(server.pid, signum)
        server.wait(timeout=60)
        _, alive = psutil.wait_procs(kernels, timeout=30)
        assert alive == [], "a spare kernel outlived serve"
        assert left_in(temporary) == [], log.read_text()[-3000:]
