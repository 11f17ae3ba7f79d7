"""Execute step: example scripts become executed notebooks, in parallel, with a cache.

Each ``examples/<lang>/<name>.py`` (a jupytext percent script) becomes an executed
notebook ``docs/<lang>/tutorials/<name>.ipynb`` (generated, not in git), which is both
the source of the tutorial page and the notebook readers download. The build and
``make examples`` (``python -m tools.execute``) run the same :func:`build`.

Before anything runs, every script is read as strict UTF-8 and the code of each
translation is compared with the default language's (:mod:`tools.checks.parity`).

A script is executed only when something that can change its output changed. The
cache key hashes:

* the script's code cells with comments and blank lines removed (prose edits in
  Markdown cells or comments never execute anything),
* every source file of the ``nnguide`` package,
* the code the kernel runs before and after the script (figure descriptions, the
  report of what ran where),
* the Python version and the versions of the distributions the kernel **actually
  imported** the last time the script ran (recorded in the notebook's metadata from
  the kernel's ``sys.modules``, so a package reached only through another one counts).

When only prose changed, the cached outputs are put back under the new prose without
running a kernel. Each script runs in its own kernel, started from the build's own
interpreter (not whatever ``python3`` kernelspec is found), in a scratch working
directory that is deleted afterwards (nothing lands in the repository; a relative
path to a data file fails), under a time limit per script (``extra.nnguide.timeout``
in ``mkdocs.yml``, or ``NNGUIDE_TIMEOUT`` seconds) and a memory limit
(``extra.nnguide.kernel_memory_limit``: ``RLIMIT_DATA`` of the kernel, which the
processes it starts inherit). Output on stderr — warnings, ``logging`` records,
anything — fails the script. Every failure is an :class:`ExampleError` that names the
script and the line (:mod:`tools.failure`, from the record the kernel's harness keeps).

Each kernel runs in a session (process group) of its own, which is killed as soon as
its script ends, whether it succeeded, failed or died: no process a script started
outlives it. Ctrl-C kills every running kernel's group and starts no other; every
notebook that finished is already stored and recorded, so the next run executes only
the rest. Outputs are bounded (:mod:`tools.outputs`) before a notebook is stored.

One build at a time executes (a lock in the cache folder); a second waits for it.

Command line: ``python -m tools.execute [--jobs N] [--force] [--lang en ...]
[--shard i/N | --shard gpu] [--record-times]``. A shard's scripts are dealt by the run
times committed in ``examples/run_times.json`` (``--record-times`` rewrites it from the
executed notebooks), which running a shard never changes: ``--shard 1/2`` then
``--shard 2/2`` in one checkout execute every script exactly once.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import copy
import datetime as dt
import functools
import hashlib
import importlib.metadata
import io
import json
import os
import queue
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
import tokenize
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from tools import config, files, lessons, outputs, stop_signals
from tools import failure as failure_report
from tools.checks import parity
from tools.files import write_atomic
from tools.lessons import METADATA_KEY, Example, LessonError, discover

# Scratch folders of running scripts start with this, in the system's temp folder.
SCRATCH_PREFIX = "nnguide-run-"
# Folders of the kernels' records (tools.failure), in the system's temp folder.
RECORD_PREFIX = "nnguide-record-"
_MARK = re.compile(r"\x00line (\d+)\x00")

# Run in the kernel before the script: every write to stderr is marked with the line
# of the cell that caused it, so a warning or a log record fails with its line.
_SETUP = r"""
def _nnguide_setup():
    import sys, traceback

    class MarkedStderr:
        def __init__(self, stream):
            self._stream = stream

        def write(self, text):
            line = 0
            for frame in reversed(traceback.extract_stack()[:-1]):
                if "ipykernel_" in frame.filename or frame.filename.startswith("<ipython"):
                    line = frame.lineno or 0
                    break
            return self._stream.write(f"\x00line {line}\x00{text}")

        def __getattr__(self, name):
            return getattr(self._stream, name)

    sys.stderr = MarkedStderr(sys.stderr)

    def describe(figure):
        # A figure's text form (the page's alt text): its titles, in the lesson's language.
        # As a MIME bundle: the inline backend resets the per-format printers of figures.
        titles = [figure.get_suptitle()] if figure.get_suptitle() else []
        if not titles:
            for axes in figure.get_axes():
                title = axes.get_title() or axes.get_title("left") or axes.get_title("right")
                if title and title not in titles:
                    titles.append(title)
        if len(titles) > 4:
            titles = [*titles[:3], "…"]
        text = "; ".join(" ".join(title.split()) for title in titles)
        return {"text/plain": text or repr(figure)}

    shell = get_ipython()  # noqa: F821 (the kernel's builtin)
    formatter = shell.display_formatter.mimebundle_formatter
    formatter.for_type_by_name("matplotlib.figure", "Figure", describe)
    _nnguide_record(shell)


def _nnguide_record(shell):
    # The memory limit (bytes), and the record tools.failure reads when the script fails.
    import faulthandler, functools, json, os, sys, threading, time

    limit = int(os.environ.pop("NNGUIDE_MEMORY_LIMIT", "0") or 0)
    if limit:
        try:
            import resource

            kind = getattr(resource, "RLIMIT_DATA", resource.RLIMIT_AS)
            hard = resource.getrlimit(kind)[1]
            if hard != resource.RLIM_INFINITY:
                limit = min(limit, hard)
            resource.setrlimit(kind, (limit, limit))
        except (ImportError, ValueError, OSError):
            pass
    path = os.environ.pop("NNGUIDE_RECORD", "")
    if not path:
        return
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)

    def emit(**event):
        event["pid"] = os.getpid()
        try:
            os.write(fd, (json.dumps(event) + "\n").encode())
        except (OSError, TypeError, ValueError):
            pass

    emit(kernel=os.getpid())
    cells = {}  # a cell's file -> its execution count

    def before(info):
        count = shell.execution_count
        try:
            name = shell.compile.get_code_name(info.raw_cell, info.raw_cell, count)
        except Exception:
            return
        cells[name] = count
        emit(file=name, cell=count)

    def where(frame):
        while frame is not None:
            count = cells.get(frame.f_code.co_filename)
            if count is not None:
                return [count, frame.f_lineno]
            frame = frame.f_back
        return None

    def after(result):
        error = result.error_before_exec or result.error_in_exec
        if error is None:
            return
        frames, tb = [], error.__traceback__
        while tb is not None:
            count = cells.get(tb.tb_frame.f_code.co_filename)
            if count is not None:
                frames.append([count, tb.tb_lineno])
            tb = tb.tb_next
        if isinstance(error, SyntaxError) and error.filename in cells and error.lineno:
            frames.append([cells[error.filename], error.lineno])
        kinds = [kind.__name__ for kind in type(error).__mro__]
        emit(error={"type": type(error).__name__, "kinds": kinds, "frames": frames})

    shell.events.register("pre_run_cell", before)
    shell.events.register("post_run_cell", after)

    def recorded(function, name, is_self):
        @functools.wraps(function)
        def call(*args, **kwargs):
            try:
                if is_self(*args):
                    shown = ", ".join(getattr(a, "name", None) or repr(a) for a in args)
                    emit(at=where(sys._getframe(1)), call=f"{name}({shown})")
            except Exception:
                pass
            return function(*args, **kwargs)

        return call

    always = lambda *args: True  # noqa: E731
    own = lambda target=None, *args: target in (0, os.getpid(), -os.getpgrp())  # noqa: E731
    group = lambda target=None, *args: target in (0, os.getpgrp())  # noqa: E731
    import signal

    os._exit = recorded(os._exit, "os._exit", always)
    os.abort = recorded(os.abort, "os.abort", always)
    os.kill = recorded(os.kill, "os.kill", own)
    os.killpg = recorded(os.killpg, "os.killpg", group)
    signal.raise_signal = recorded(signal.raise_signal, "signal.raise_signal", always)
    fault = open(path + ".fault", "w")  # noqa: SIM115 (open while the kernel lives)
    faulthandler.enable(file=fault, all_threads=True)
    shell._nnguide_fault = fault

    main = threading.main_thread().ident

    def sample():
        # The lesson line running now (the last one that started, when the kernel dies).
        last, warned = None, not limit
        while True:
            try:
                now = where(sys._current_frames().get(main))
                if now is not None and now != last:
                    emit(at=now)
                    last = now
                if not warned:
                    with open("/proc/self/statm") as statm:
                        data = int(statm.read().split()[5]) * os.sysconf("SC_PAGE_SIZE")
                    if data > 0.9 * limit:
                        emit(near_limit=data)
                        warned = True
            except Exception:
                warned = True
            time.sleep(0.02)

    threading.Thread(target=sample, name="nnguide-line", daemon=True).start()


_nnguide_setup()
del _nnguide_setup, _nnguide_record
"""

# Run in the kernel after the script: the top-level modules it imported (the build finds
# their distributions: imported_distributions), and where it ran (Python, PyTorch, the
# device it used, the kernel's peak memory).
_REPORT = r"""
def _nnguide_report():
    import json, platform, sys

    modules = sorted({module.partition(".")[0] for module in list(sys.modules)})
    try:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        peak *= 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB elsewhere
    except ImportError:  # Windows
        peak = None
    device, device_peak = "CPU", None
    torch = sys.modules.get("torch")
    if torch is not None:
        if torch.cuda.is_initialized():
            device = f"CUDA ({torch.cuda.get_device_name()})"
            device_peak = torch.cuda.max_memory_allocated()
        elif torch.backends.mps.is_available() and torch.mps.driver_allocated_memory() > 0:
            device = "MPS"
    print(json.dumps({
        "modules": modules,
        "python": platform.python_version(),
        "torch": getattr(torch, "__version__", None),
        "device": device,
        "peak_memory": peak,
        "device_peak_memory": device_peak,
    }))


_nnguide_report()
"""


# What is done to a script's outputs once it ran (_execute_once): merging what each cell
# printed into one output per stream, with nbconvert's CoalesceStreamsPreprocessor.
_OUTPUT_STEPS = "nbconvert.preprocessors.CoalesceStreamsPreprocessor"
# What the kernel runs around a script, and what is done to its outputs after, change its
# outputs too: they are part of the key.
_HARNESS = hashlib.sha256((_SETUP + _REPORT + _OUTPUT_STEPS).encode()).hexdigest()
# In an execution record: the modules a spare kernel of ``mkdocs serve`` imported before
# the script ran (start_spares). Only serve's rebuilds take such a notebook as up to date.
IMPORTED_AHEAD = "imported_ahead"
# Where a script ran, recorded with its notebook (shown on its page and the status page).
PROVENANCE = ("python", "torch", "device", "peak_memory", "device_peak_memory")


class ExampleError(LessonError):
    """An example script failed to execute (a :class:`~tools.lessons.LessonError`)."""


@dataclass(frozen=True)
class Result:
    """What happened to one example in :func:`build`."""

    example: Example
    executed: bool
    seconds: float


def code_without_comments(source: str) -> str:
    """Code of a cell with comments and blank lines removed; strings are kept."""
    return _code_without_comments(source)


@functools.lru_cache(maxsize=4096)  # `mkdocs serve` keys every script again at each edit
def _code_without_comments(source: str) -> str:
    try:
        tokens = [
            tok
            for tok in tokenize.generate_tokens(io.StringIO(source).readline)
            if tok.type != tokenize.COMMENT
        ]
        stripped = tokenize.untokenize(tokens)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        stripped = source
    return "\n".join(line.rstrip() for line in stripped.splitlines() if line.strip())


# (environment stamp, distribution) -> its version: looked up once per environment
_KNOWN_VERSIONS: dict[tuple[str, str], str | None] = {}


def installed_versions(names, environment: str | None = None) -> dict[str, str | None]:
    """The installed version of each distribution (None if it is not installed).

    ``environment``: a hash of the environment's stamps (the installed-package folders'
    times and sizes, see :func:`_environment_stamps`); the versions found under it are
    kept for the next look-up under it (``mkdocs serve`` checks a script at each edit).
    """
    versions: dict[str, str | None] = {}
    for name in sorted(names):
        if environment is not None and (environment, name) in _KNOWN_VERSIONS:
            versions[name] = _KNOWN_VERSIONS[environment, name]
            continue
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
        if environment is not None:
            _KNOWN_VERSIONS[environment, name] = versions[name]
    return versions


# environment stamp -> top-level module -> the distributions that provide it
_PROVIDERS: dict[str, dict[str, list[str]]] = {}


def imported_distributions(
    modules: list[str], environment: str | None = None
) -> dict[str, str | None]:
    """The installed distributions that provide top-level ``modules``, with their versions.

    A kernel reports the modules its script imported; the build's interpreter is the
    kernel's, so it finds their distributions (:func:`importlib.metadata.packages_distributions`,
    which reads every installed distribution's files: done once per ``environment``,
    a hash of its stamps, see :func:`environment_key`).
    """
    providers = _PROVIDERS.get(environment) if environment is not None else None
    if providers is None:
        providers = importlib.metadata.packages_distributions()
        if environment is not None:
            _PROVIDERS[environment] = providers
    names = {name for module in modules for name in providers.get(module, [])}
    return installed_versions(names, environment)


def preload(project: config.Project) -> None:
    """Find the environment's distributions now, as the first finished script would
    (:func:`imported_distributions`); ``mkdocs serve`` calls it while it waits for an edit."""
    imported_distributions([], environment_key(project))


def cache_key(notebook, package_digest: str, versions: dict[str, str | None]) -> str:
    """The execution key: code cells, harness, ``nnguide`` sources, Python, distributions."""
    code = [code_without_comments(c.source) for c in notebook.cells if c.cell_type == "code"]
    payload = {
        "code": code,
        "harness": _HARNESS,
        "nnguide": package_digest,
        "python": sys.version,
        "versions": versions,
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def _cached(example: Example):
    import nbformat

    if not example.notebook.is_file():
        return None
    try:
        return nbformat.read(example.notebook, as_version=4)
    except (OSError, ValueError):
        return None


def _is_fresh(fresh, cached, package_digest: str, environment: str | None = None) -> bool:
    """Whether ``cached`` was executed from the same code in the same environment."""
    record = cached.metadata.get(METADATA_KEY, {})
    recorded = record.get("distributions")
    if not isinstance(recorded, dict) or "key" not in record:
        return False
    versions = installed_versions(recorded, environment)
    return record["key"] == cache_key(fresh, package_digest, versions)


def notebook_digest(notebook) -> str:
    """SHA-256 of an executed notebook's content: its cells (type, source, outputs,
    execution count) and its execution record, less the digest it holds itself."""
    record = {k: v for k, v in notebook.metadata.get(METADATA_KEY, {}).items() if k != "digest"}
    cells = [
        [cell.cell_type, cell.source, cell.get("outputs", []), cell.get("execution_count")]
        for cell in notebook.cells
    ]
    payload = json.dumps([record, cells], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _seal(notebook) -> None:
    """Record the digest of ``notebook`` as written to disk (its ``digest``)."""
    import nbformat

    notebook.metadata[METADATA_KEY].pop("digest", None)
    written = nbformat.reads(nbformat.writes(notebook), as_version=4)
    notebook.metadata[METADATA_KEY]["digest"] = notebook_digest(written)


def stamp(project: config.Project, example: Example, notebook) -> None:
    """Record ``notebook`` as what executing ``example``'s code gave, as a run records it.

    Its execution key (code, ``nnguide``, output bounds) and digest are set, so the build
    uses it as it is: for notebooks made without a kernel (the tests' fixture lessons).
    """
    record = notebook.metadata.setdefault(METADATA_KEY, {})
    record.setdefault("distributions", {})
    record["script"] = example.label
    key_base = _key_base(project, files.package_digest(project.package_dir), example.lang)
    record["key"] = cache_key(notebook, key_base, record["distributions"])
    _seal(notebook)


def is_intact(notebook) -> bool:
    """Whether ``notebook``'s content is what execution wrote (no output edited since)."""
    return notebook.metadata.get(METADATA_KEY, {}).get("digest") == notebook_digest(notebook)


def check_notebooks(project: config.Project) -> tuple[list[str], list[str]]:
    """What is wrong with publishing the executed notebooks as they are (``NNGUIDE_EXECUTE=0``).

    Returns:
        ``(errors, warnings)``: a notebook that is missing, or whose content differs
        from what execution wrote, is an error; one executed from other code (or
        another ``nnguide``) than its script's is a warning. Each line names the files.
    """
    errors, warnings = [], []
    package_digest = files.package_digest(project.package_dir)
    state = _load_state(project, None)  # a corrupt state: one line in the build log
    known = state["examples"] if state.get("environment") == _environment_stamps(project) else {}
    for example in discover(project):
        if known.get(example.label) == _example_stamps(example):
            continue  # the same script and notebook passed this check in this environment
        notebook = _cached(example)
        shown = example.notebook.relative_to(project.root).as_posix()
        if notebook is None and example.notebook.is_file():
            errors.append(f"{shown}: not a readable notebook (truncated?)")
        elif notebook is None:
            errors.append(f"{example.label}: not executed yet ({shown} is missing)")
        elif "digest" not in notebook.metadata.get(METADATA_KEY, {}):
            errors.append(f"{shown}: executed by an older build (no digest of its content)")
        elif not is_intact(notebook):
            errors.append(f"{shown}: its content differs from what execution wrote (edited?)")
        elif _previewed(notebook):
            warnings.append(
                f"{example.label}: its notebook {shown} was run by mkdocs serve in a kernel "
                "that imported modules ahead; published as it is (NNGUIDE_EXECUTE=0)"
            )
        elif not _is_fresh(
            lessons.read(example).notebook,
            notebook,
            _key_base(project, package_digest, example.lang),
        ):
            warnings.append(
                f"{example.label}: its notebook {shown} is older than its code or nnguide; "
                "published as it is (NNGUIDE_EXECUTE=0)"
            )
    return errors, warnings


def _with_new_prose(fresh, cached):
    """``fresh`` (the current script) with the outputs of ``cached`` (same code)."""
    merged = copy.deepcopy(fresh)
    old_code = [c for c in cached.cells if c.cell_type == "code"]
    new_code = [c for c in merged.cells if c.cell_type == "code"]
    for new, old in zip(new_code, old_code, strict=True):
        new.outputs = old.outputs
        new.execution_count = old.execution_count
        if outputs.FULL_KEY in old.metadata:
            new.metadata[outputs.FULL_KEY] = old.metadata[outputs.FULL_KEY]
        if "execution" in old.metadata:
            new.metadata["execution"] = old.metadata["execution"]
    merged.metadata[METADATA_KEY] = dict(cached.metadata[METADATA_KEY])
    for key in ("kernelspec", "language_info"):
        if key in cached.metadata:
            merged.metadata[key] = cached.metadata[key]
    return merged


# Set by Ctrl-C (stop_kernels): no kernel starts any more and every running one is killed.
_STOP = threading.Event()
_KERNELS: set[_Kernel] = set()
_KERNELS_LOCK = threading.Lock()


class _Kernel:
    """One kernel's process group, known to :func:`stop_kernels` while it runs.

    ``temporary``: its scratch and record folders; with its manager's connection file
    (``manager``: made here, :func:`_kernel_manager`, it launches the kernel),
    they are removed by whoever ends the kernel: :func:`execute` when the script ends,
    :func:`stop_kernels` on Ctrl-C, when the process leaves at once
    (:func:`exit_interrupted`) and those threads never finish. It is known to
    :func:`stop_kernels` from the moment it is made, so a kernel still starting when
    Ctrl-C comes leaves no files either.
    """

    def __init__(self, *temporary: str) -> None:
        self.cells: list[int] = []  # indices of the cells started, in order
        self.process: Any = None  # the kernel's Popen
        self.pgid: int | None = None
        self.temporary = list(temporary)
        self.manager = _kernel_manager(self.started)
        with _KERNELS_LOCK:
            _KERNELS.add(self)

    def started(self, manager: Any) -> None:
        provisioner = getattr(manager, "provisioner", None)
        self.process = getattr(provisioner, "process", None)
        self.pgid = getattr(provisioner, "pgid", None)
        with _KERNELS_LOCK:
            _KERNELS.add(self)
        if _STOP.is_set():
            self.kill()

    def kill(self) -> None:
        """SIGKILL to the kernel's whole process group (it runs in a session of its own)."""
        try:
            if self.pgid and hasattr(os, "killpg"):
                os.killpg(self.pgid, signal.SIGKILL)
            elif self.process is not None:
                self.process.kill()
        except OSError:
            pass  # already gone

    def end(self) -> None:
        """Kill the group and reap the kernel's process."""
        self.kill()
        with _KERNELS_LOCK:
            _KERNELS.discard(self)
        if self.process is not None:
            with contextlib.suppress(Exception):
                self.process.wait(timeout=5)

    def remove_temporary(self) -> None:
        """Remove the kernel's temporary folders and connection file (it is dead)."""
        connection = getattr(self.manager, "connection_file", None)
        for path in [*self.temporary, *([connection] if connection else [])]:
            if os.path.isdir(path):
                shutil.rmtree(path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    os.unlink(path)

    def death(self) -> failure_report.Death:
        """How the kernel, which died, ended (its signal or exit code)."""
        if self.process is None:
            return failure_report.Death()
        try:
            return failure_report.Death.from_returncode(self.process.wait(timeout=2))
        except Exception:
            return failure_report.Death()


def stop_kernels() -> int:
    """Start no kernel any more and kill every running one with its process group.

    Returns the number of kernels killed; their temporary folders and connection files
    are removed. :func:`build` calls it on Ctrl-C; it also runs when the interpreter
    exits.
    """
    _STOP.set()
    with _KERNELS_LOCK:
        running = list(_KERNELS)
        _SPARES.clear()
    for kernel in running:
        kernel.kill()
        kernel.remove_temporary()
    return len(running)


atexit.register(stop_kernels)


def exit_interrupted(log: Any = None) -> NoReturn:
    """Leave the process at once after Ctrl-C stopped :func:`build` (exit status 130).

    Every kernel is dead and every finished result stored by then; what is left is
    the interpreter winding down: threads blocked on the dead kernels' sockets and
    their ZeroMQ contexts, which takes seconds. The command line and the MkDocs
    plugin call it; ``log`` (default: stderr) gets one line.
    """
    stop_kernels()
    text = "Interrupted: the scripts that finished are kept; run again for the rest"
    if log is None:
        print(text, file=sys.stderr)
    else:
        log(text)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(130)


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _kernel_manager(on_launch: Any = None):
    """A kernel manager that starts ipykernel with the build's own Python interpreter.

    ``on_launch(manager)`` is called as soon as the kernel's process exists (before
    it answers), so that Ctrl-C can kill a kernel that is still starting.
    """
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    class Specs(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str, *args, **kwargs) -> KernelSpec:
            return KernelSpec(
                argv=[sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
                display_name=f"Python {sys.version_info.major}.{sys.version_info.minor}",
                language="python",
                resource_dir="",
            )

    class Manager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
            await super()._async_launch_kernel(kernel_cmd, **kw)
            if on_launch is not None:
                on_launch(self)

    return Manager(kernel_name="python3", kernel_spec_manager=Specs())


KERNEL_ARGUMENTS = ["--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"]


def _kernel_env(threads: int | None, memory_limit: int | None) -> dict[str, str]:
    """A kernel's environment, but for its record's path (``NNGUIDE_RECORD``)."""
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # the kernel's inline backend draws the figures
    env["PYTHONHASHSEED"] = "0"
    if threads is not None:
        env.setdefault("OMP_NUM_THREADS", str(threads))
    if memory_limit:
        env["NNGUIDE_MEMORY_LIMIT"] = str(memory_limit)
    return env


def _kernel_folders() -> tuple[str, str]:
    """A new scratch folder (the kernel's working folder) and a folder for its record."""
    return tempfile.mkdtemp(prefix=SCRATCH_PREFIX), tempfile.mkdtemp(prefix=RECORD_PREFIX)


@dataclass
class _Spare:
    """A kernel started before its script is known, with what :func:`execute` needs.

    ``imports``: the modules it imported ahead (:func:`start_spares`), once ``ready``
    is set; ``import_seconds`` what that took; ``environment``: the build's
    :func:`environment_key` when it started them.
    """

    kernel: _Kernel
    scratch: str
    records: str
    env: dict[str, str]  # its environment, less NNGUIDE_RECORD
    environment: str = ""
    imports: tuple[str, ...] = ()
    import_seconds: float = 0.0
    ready: threading.Event = field(default_factory=threading.Event)
    failed: bool = False  # its imports failed or wrote: it is discarded

    def discard(self) -> None:
        self.kernel.end()
        _release(None, self.kernel.manager)
        self.kernel.remove_temporary()


_SPARES: list[_Spare] = []
# How long a script waits for a spare kernel still importing (then it starts its own).
_IMPORT_WAIT = 120


def spare_imports(project: config.Project) -> tuple[str, ...]:
    """The modules every script imports first (:meth:`tools.lessons.Lesson.leading_imports`),
    parents first: what a spare kernel imports before the edit."""
    found = [lessons.read(example).leading_imports() for example in discover(project)]
    common = frozenset.intersection(*found) if found else frozenset()
    return tuple(sorted(common, key=lambda name: (name.count("."), name)))


def start_spares(
    project: config.Project,
    count: int,
    jobs: int | None = None,
    imports: tuple[str, ...] | None = None,
) -> int:
    """Start kernels for the next ``count`` scripts :func:`build` executes in parallel.

    ``mkdocs serve`` starts one per language after each build: a code edit of a lesson
    then runs its scripts in kernels that are already up (a kernel takes about a
    second to start) and have already imported the modules every script starts by
    importing (``imports``, by default :func:`spare_imports`: ``torch`` and
    ``nnguide``, two of the three seconds a lesson takes). A spare is used only by a
    script whose first statements import all of them
    (:meth:`tools.lessons.Lesson.leading_imports`), so the script's run loads the same
    modules, with the same code, as in a fresh kernel:

    * the imports run in a background thread, in a cell outside the kernel's history
      (the script's cells keep their numbers), binding no name; a spare whose imports
      wrote anything, failed or did not finish is discarded, as its script would
      have shown that output;
    * a spare is used only while the build's :func:`environment_key` (the
      interpreter, ``nnguide``'s sources, the installed packages) is the one it
      imported under; otherwise it is discarded;
    * the run time recorded (``run_seconds``) counts the imports' time;
    * the notebook records the modules imported ahead (:data:`IMPORTED_AHEAD`): only
      serve's rebuilds take it as up to date (:func:`build`'s ``previews``).

    A spare whose kernel environment no longer matches the build's (its variables,
    its thread count) is discarded when looked for.

    Returns:
        The number of kernels started (those already waiting count against ``count``).
    """
    from jupyter_core.utils import run_sync

    threads = _threads(count, jobs)
    env = _kernel_env(threads, project.kernel_memory_limit)
    with _KERNELS_LOCK:
        waiting = sum(1 for spare in _SPARES if spare.env == env)
    environment = environment_key(project)
    started: list[_Spare] = []
    for _ in range(count - waiting):
        if _STOP.is_set():
            break
        scratch, records = _kernel_folders()
        kernel = _Kernel(scratch, records)
        spare = _Spare(kernel, scratch, records, env, environment)
        try:
            run_sync(kernel.manager.start_kernel)(
                env={**env, "NNGUIDE_RECORD": str(Path(records) / "record.jsonl")},
                cwd=scratch,
                extra_arguments=KERNEL_ARGUMENTS,
            )
        except Exception:
            spare.discard()
            break
        with _KERNELS_LOCK:
            _SPARES.append(spare)
        started.append(spare)
    if started:
        threading.Thread(
            target=_import_ahead,
            args=(project, started, imports),
            name="nnguide-spare-imports",
            daemon=True,
        ).start()
    return len(started)


def _import_ahead(
    project: config.Project, spares: list[_Spare], imports: tuple[str, ...] | None
) -> None:
    """Import ``imports`` (default :func:`spare_imports`) in the spares, side by side."""
    try:
        if imports is None:
            imports = spare_imports(project)
    except Exception:  # a script that does not read: plain spares; the build names it
        imports = ()
    others = [
        threading.Thread(target=_import_into, args=(spare, imports), daemon=True)
        for spare in spares[1:]
    ]
    for thread in others:
        thread.start()
    _import_into(spares[0], imports)


def _import_into(spare: _Spare, imports: tuple[str, ...]) -> None:
    """Import ``imports`` in ``spare``'s kernel; a spare whose imports fail is discarded."""
    try:
        if imports and not _STOP.is_set():
            spare.import_seconds = _run_quietly(spare.kernel.manager, imports)
            spare.imports = imports
    except Exception:
        spare.failed = True
        with _KERNELS_LOCK:
            if spare in _SPARES:
                _SPARES.remove(spare)
        spare.discard()
    finally:
        spare.ready.set()


def _run_quietly(manager: Any, imports: tuple[str, ...]) -> float:
    """Import ``imports`` in ``manager``'s kernel; the seconds it took.

    Raises:
        RuntimeError: If the import failed, or wrote or displayed anything.
    """
    from jupyter_client.blocking import BlockingKernelClient

    code = (
        "def _nnguide_import(names):\n"
        "    import importlib\n"
        "    for name in names:\n"
        "        importlib.import_module(name)\n"
        f"_nnguide_import({list(imports)!r})\n"
        "del _nnguide_import\n"
    )
    client = BlockingKernelClient()
    client.load_connection_info(manager.get_connection_info())
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        started = time.perf_counter()
        request = client.execute(code, store_history=False, allow_stdin=False)
        while True:
            reply = client.get_shell_msg(timeout=_IMPORT_WAIT)
            if reply["parent_header"].get("msg_id") == request:
                break
        seconds = time.perf_counter() - started
        if reply["content"].get("status") != "ok":
            raise RuntimeError(f"importing {imports} failed")
        while True:
            message = client.get_iopub_msg(timeout=10)
            if message["parent_header"].get("msg_id") != request:
                continue
            kind = message["msg_type"]
            if kind == "status" and message["content"].get("execution_state") == "idle":
                return seconds
            if kind not in ("status", "execute_input"):
                raise RuntimeError(f"importing {imports} wrote {kind}")
    finally:
        client.stop_channels()


def _take_spare(
    env: dict[str, str], environment: str | None = None, wanted: frozenset[str] = frozenset()
) -> _Spare | None:
    """A waiting kernel for a script, or None (then the script starts its own).

    It was started with ``env`` (others are discarded), and imported only modules in
    ``wanted`` (the script's :meth:`~tools.lessons.Lesson.leading_imports`) under the
    build's ``environment`` (one that imported under another is discarded). A spare
    still importing is waited for: the script's cells would wait in its queue anyway.
    """
    with _KERNELS_LOCK:
        stale = [spare for spare in _SPARES if spare.env != env]
        _SPARES[:] = [spare for spare in _SPARES if spare.env == env]
        found = _SPARES.pop(0) if _SPARES else None
    for spare in stale:
        spare.discard()
    if found is None:
        return None
    found.ready.wait(_IMPORT_WAIT)
    usable = found.ready.is_set() and not found.failed and found.kernel.manager.has_kernel
    if usable and found.imports and found.environment != environment:
        usable = False  # it imported code that has changed since
    if usable and not set(found.imports) <= wanted:
        with _KERNELS_LOCK:
            _SPARES.append(found)  # for a script that imports them all
        return None
    if not usable:
        found.discard()
        return None
    return found


def discard_spares() -> int:
    """Kill every waiting kernel; returns how many there were."""
    with _KERNELS_LOCK:
        spares, _SPARES[:] = list(_SPARES), []
    for spare in spares:
        spare.discard()
    return len(spares)


def _release(client: Any, manager: Any) -> None:
    """Close a client's channels and its manager's connection file; the kernel is dead."""
    from jupyter_core.utils import run_sync

    if client is not None and client.kc is not None:
        with contextlib.suppress(Exception):
            client.kc.stop_channels()
        client.kc = None
    with contextlib.suppress(Exception):
        run_sync(manager.cleanup_resources)()


def _workers(stale: int, jobs: int | None) -> int:
    """How many kernels run ``stale`` scripts: ``jobs``, by default one per core."""
    return max(1, min(stale, jobs or os.cpu_count() or 1))


def _threads(stale: int, jobs: int | None) -> int:
    """The torch/OpenMP threads of each kernel when ``stale`` scripts run in parallel."""
    return max(1, (os.cpu_count() or 1) // _workers(stale, jobs))


def _timeout(project: config.Project) -> int:
    value = os.environ.get("NNGUIDE_TIMEOUT")
    if value is None:
        return project.timeout
    try:
        seconds = int(value)
    except ValueError:
        seconds = 0
    if seconds <= 0:
        raise ExampleError(f"NNGUIDE_TIMEOUT must be a whole number of seconds > 0, got {value!r}")
    return seconds


class _DiedStarting(ExampleError):
    """The kernel died before the script's first cell started (:func:`execute` retries)."""


def execute(
    example: Example,
    limit: int,
    threads: int | None = None,
    memory_limit: int | None = None,
    environment: str | None = None,
):
    """Run one script as a notebook in a fresh kernel; return the executed notebook.

    A kernel that dies before the script's first cell starts is the script's failure
    only if a second kernel dies too: kernels that start side by side (other builds,
    other test processes) can both be handed a port that only one of them then binds,
    and the other exits with code 1 as it starts.

    ``threads`` caps the kernel's torch/OpenMP threads, so kernels running side by
    side share the cores instead of fighting over them (unless ``OMP_NUM_THREADS``
    is already set). ``limit`` is the time limit of the whole script, in seconds;
    ``memory_limit`` the memory (bytes) the kernel and each process it starts may
    allocate (``RLIMIT_DATA``). The kernel runs in a process group of its own, which
    is killed as soon as the script ends, whatever ended it: no process the script
    started outlives it. ``environment``: :func:`environment_key` of the build's
    environment, under which :func:`imported_distributions` keeps what it looks up.

    Raises:
        ExampleError: If the script fails; :func:`tools.failure.describe` says where.
    """
    try:
        return _execute_once(example, limit, threads, memory_limit, environment)
    except _DiedStarting:
        if _STOP.is_set():
            raise
    try:
        return _execute_once(example, limit, threads, memory_limit, environment)
    except _DiedStarting as error:
        raise ExampleError(str(error)) from None


def _execute_once(
    example: Example,
    limit: int,
    threads: int | None,
    memory_limit: int | None,
    environment: str | None,
):
    import nbclient
    import nbformat
    from nbclient.exceptions import CellExecutionError, DeadKernelError
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor

    if _STOP.is_set():
        raise ExampleError(f"{example.label}: not executed (the build was interrupted)")
    lesson = lessons.read(example)
    notebook = lesson.notebook
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    env = _kernel_env(threads, memory_limit)
    started = time.monotonic()
    deadline = started + limit
    spare = _take_spare(env, environment, lesson.leading_imports())
    imported_ahead = spare.import_seconds if spare is not None else 0.0
    if spare is None:  # a fresh kernel, started by nbclient
        scratch, records = _kernel_folders()
        kernel = _Kernel(scratch, records)
        env["NNGUIDE_RECORD"] = str(Path(records) / "record.jsonl")
    else:  # a fresh kernel started before the edit, waiting for this script
        kernel, scratch, records = spare.kernel, spare.scratch, spare.records
    manager = kernel.manager
    record_path = Path(records) / "record.jsonl"
    # The script's cells, between a setup cell and a report cell (both removed after).
    work = copy.copy(notebook)
    work.cells = [
        nbformat.v4.new_code_cell(_SETUP),
        *notebook.cells,
        nbformat.v4.new_code_cell(_REPORT),
    ]
    # Given its manager, nbclient leaves the kernel to us: its group is killed below.
    client = nbclient.NotebookClient(
        work,
        km=manager,
        timeout_func=lambda cell: max(1, int(deadline - time.monotonic() + 0.999)),
        interrupt_on_timeout=True,
        allow_errors=False,
        extra_arguments=KERNEL_ARGUMENTS,
        resources={"metadata": {"path": scratch}},
        on_cell_execute=lambda cell, cell_index: kernel.cells.append(cell_index),
    )

    def failure(reply: dict[str, Any] | None = None, **known: Any) -> str:
        lesson_cells = len(notebook.cells)
        started = tuple(index - 1 for index in kernel.cells if 1 <= index <= lesson_cells)
        prompts = {
            cell.execution_count: index - 1
            for index, cell in enumerate(work.cells)
            if 1 <= index <= lesson_cells and cell.get("execution_count")
        }
        error, error_cell = None, None
        for index, cell in enumerate(work.cells):
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            if errors:
                error, error_cell = errors[-1], index - 1
        if error is None:
            error = reply
        record = failure_report.Record.parse(
            _read_text(record_path), _read_text(Path(f"{record_path}.fault"))
        )
        return failure_report.describe(
            lesson,
            failure_report.Failure(
                error=error,
                error_cell=error_cell if error_cell is not None and error_cell >= 0 else None,
                record=record,
                started=started,
                prompts=prompts,
                timeout=limit,
                memory_limit=memory_limit,
                **known,
            ),
        )

    def died(message: str) -> ExampleError:
        script_started = any(1 <= index <= len(notebook.cells) for index in kernel.cells)
        return ExampleError(message) if script_started else _DiedStarting(message)

    try:
        client.execute(env=env)
    except CellExecutionError as error:
        timed_out = time.monotonic() >= deadline - 0.5
        # The reply's error, for a cell whose error output did not arrive.
        reply = {"ename": error.ename, "evalue": error.evalue, "traceback": [error.traceback]}
        raise ExampleError(failure(timed_out=timed_out, reply=reply)) from None
    except DeadKernelError:
        if _STOP.is_set():
            raise ExampleError(f"{example.label}: stopped (the build was interrupted)") from None
        raise died(failure(death=kernel.death())) from None
    except Exception as error:  # the kernel did not start, a timeout it did not answer ...
        if _STOP.is_set():
            raise ExampleError(f"{example.label}: stopped (the build was interrupted)") from None
        if kernel.process is not None and kernel.process.poll() is not None:
            # Died before it answered (nbclient: "Kernel died before replying ..."): how.
            raise died(failure(death=kernel.death())) from None
        if time.monotonic() >= deadline:
            raise ExampleError(
                f"{example.label}: did not finish within {limit} s and did not stop when "
                "interrupted"
            ) from None
        raise ExampleError(f"{example.label}: {type(error).__name__}: {error}") from None
    finally:
        # nbclient registers its own clean-up of the kernel to run at exit, and leaves it
        # registered when the kernel dies before it answers; once its manager is gone,
        # that clean-up fails (an AssertionError at exit). This kernel is ours to end.
        atexit.unregister(client._cleanup_kernel)
        kernel.end()
        _release(client, manager)
        kernel.remove_temporary()
    total = time.monotonic() - started
    report = work.cells[-1]
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.get("execution_count"):
            cell.execution_count -= 1  # the setup cell was the first
    _reject_stderr(lesson, notebook)
    # What a cell printed, as one output per stream, whenever the kernel flushed it: a
    # print after a pause (the kernel sends stdout every 0.2 s) is no block of its own,
    # and a line that "\r" rewrote shows as it ends, as in a terminal.
    CoalesceStreamsPreprocessor().preprocess(notebook, {})
    reported = json.loads("".join(o.get("text", "") for o in report.outputs) or "{}")
    notebook.metadata[METADATA_KEY] = {
        "key": None,  # set by build(), which knows the package digest
        "distributions": imported_distributions(reported.get("modules", []), environment),
        "run_seconds": round((_cells_seconds(notebook) or total) + imported_ahead, 2),
        "executed_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "script": example.label,
        **{name: reported.get(name) for name in PROVENANCE},
        **({IMPORTED_AHEAD: list(spare.imports)} if spare is not None and spare.imports else {}),
    }
    return notebook


def _reject_stderr(lesson: lessons.Lesson, notebook) -> None:
    """Anything on stderr (a warning, a log record) would be published: fail instead."""
    example, starts = lesson.example, lesson.starts
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.get("name") != "stderr":
                continue
            written = output.get("text", "")
            mark = _MARK.search(written)
            start = starts[index]
            line = (
                start + int(mark.group(1)) - 1 if mark and start and int(mark.group(1)) else start
            )
            shown = [part.strip() for part in _MARK.sub("\n", written).splitlines() if part.strip()]
            where = f"{example.label}:{line}" if line else example.label
            source = f"\n    {lesson.line(line)}" if line else ""
            raise ExampleError(f"{where}: wrote to stderr: {shown[0] if shown else ''}{source}")


def _cells_seconds(notebook) -> float | None:
    """Time from the first cell's start to the last cell's reply, from nbclient's records."""
    starts, ends = [], []
    for cell in notebook.cells:
        timing = cell.get("metadata", {}).get("execution", {})
        if "iopub.execute_input" in timing and "shell.execute_reply" in timing:
            starts.append(dt.datetime.fromisoformat(timing["iopub.execute_input"].rstrip("Z")))
            ends.append(dt.datetime.fromisoformat(timing["shell.execute_reply"].rstrip("Z")))
    if not starts:
        return None
    return (max(ends) - min(starts)).total_seconds()


def _write_if_changed(
    path: Path, notebook, store: Callable[[Path, bytes], None] = write_atomic
) -> bool:
    import nbformat

    text = nbformat.writes(notebook) + "\n"
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    store(path, text.encode("utf-8"))
    return True


def build(
    examples: list[Example] | None = None,
    *,
    project: config.Project | None = None,
    jobs: int | None = None,
    force: bool = False,
    log=print,
    store: Callable[[Path, bytes], None] = write_atomic,
    previews: bool = False,
) -> list[Result]:
    """Bring every executed notebook up to date; run stale scripts in parallel.

    ``previews`` (``mkdocs serve``): a notebook run in a spare kernel that imported
    modules ahead (:func:`start_spares`) is up to date. Otherwise it is executed again
    in a fresh kernel, so a built site never shows one.

    ``store`` writes a notebook that changed (:func:`tools.files.write_atomic`;
    ``mkdocs serve`` pauses its watch of ``docs/`` around it, :mod:`tools.serve_watch`).

    Raises:
        LessonError: If a script is not UTF-8 (naming its line).
        ExampleError: If a translation's code differs from the default language's, or
            a script fails; the message names every failing script with its line.
            Notebooks of the scripts that succeeded are stored.
    """
    from filelock import FileLock, Timeout

    project = project or config.load()
    limit = _timeout(project)
    lock = FileLock(project.cache_dir / "execute.lock")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        log(f"Another build is executing the examples ({lock.lock_file}); waiting for it")
        lock.acquire()
    try:
        return _build_locked(
            project,
            examples,
            jobs=jobs,
            force=force,
            log=log,
            limit=limit,
            store=store,
            previews=previews,
        )
    finally:
        lock.release()


def _build_locked(project, examples, *, jobs, force, log, limit, store, previews) -> list[Result]:
    if examples is None:
        examples = discover(project)
        _remove_orphans(project, examples)
    state = _load_state(project, log)
    environment = _environment_stamps(project)
    if force or state.get("environment") != environment:
        state = {"environment": environment, "examples": {}}
    environment_digest = _digest(environment)
    known = state["examples"]
    results: list[Result] = []
    to_check = []
    for example in examples:
        stamps = _example_stamps(example)
        checked = known.get(example.label)
        if checked == stamps or (previews and checked == _preview_stamps(stamps)):
            results.append(Result(example, executed=False, seconds=0.0))
        else:
            to_check.append(example)
    if not to_check:
        return results

    problems = parity.check(project, sorted({example.name for example in to_check}))
    if problems:
        raise ExampleError("Translations differ in code:\n" + "\n".join(problems))
    # What decides the outputs besides the code: the package, and how outputs are bounded.
    package_digest = files.package_digest(project.package_dir)
    stale: list[Example] = []
    for example in to_check:
        fresh = lessons.read(example).notebook
        cached = None if force else _cached(example)
        shown = example.notebook.relative_to(project.root).as_posix()
        if cached is None and not force and example.notebook.is_file():
            log(f"{shown}: not a readable notebook (truncated?); executing it again")
        if cached is not None and "digest" not in cached.metadata.get(METADATA_KEY, {}):
            log(f"{shown}: executed by an older build (no digest of its content); executing it")
            cached = None
        elif cached is not None and not is_intact(cached):
            log(f"{shown}: its content differs from what execution wrote; executing it again")
            cached = None
        elif cached is not None and not previews and _previewed(cached):
            log(f"{shown}: run by mkdocs serve in a kernel that imported ahead; executing it")
            cached = None
        key_base = _key_base(project, package_digest, example.lang)
        if cached is not None and _is_fresh(fresh, cached, key_base, environment_digest):
            merged = _with_new_prose(fresh, cached)
            merged.metadata[METADATA_KEY]["script"] = example.label
            _seal(merged)
            _write_if_changed(example.notebook, merged, store)
            results.append(Result(example, executed=False, seconds=0.0))
            _remember(known, example, merged)
        else:
            stale.append(example)

    failures: list[str] = []
    try:
        if stale:
            _run_stale(
                project,
                stale,
                jobs,
                limit,
                package_digest,
                environment_digest,
                known,
                results,
                failures,
                log,
                store,
            )
    finally:
        _store_state(project, state)  # every finished result is kept, Ctrl-C or not
    if failures:
        raise ExampleError("Example script failed:\n" + "\n".join(sorted(failures)))
    return results


def _run_stale(
    project, stale, jobs, limit, package_digest, environment, known, results, failures, log, store
) -> None:
    """Execute ``stale`` in parallel kernels; store each notebook as soon as it is done.

    The kernels run in daemon threads and the results come back through a queue, so
    Ctrl-C reaches this thread at once: it kills every kernel (:func:`stop_kernels`),
    starts no other, and the notebooks already stored stay (the caller records them).
    ``environment``: :func:`environment_key` of the build's environment.
    """
    workers = _workers(len(stale), jobs)
    log(f"Executing {len(stale)} example(s) with {workers} kernel(s) in parallel")
    threads = _threads(len(stale), jobs)
    waiting: queue.SimpleQueue[Example] = queue.SimpleQueue()
    for example in stale:
        waiting.put(example)
    done: queue.SimpleQueue[tuple[Example, Any, float, BaseException | None]] = queue.SimpleQueue()

    def work() -> None:
        while not _STOP.is_set():
            try:
                example = waiting.get_nowait()
            except queue.Empty:
                return
            try:
                notebook, seconds = _timed_execute(example, limit, threads, project, environment)
                done.put((example, notebook, seconds, None))
            except BaseException as error:
                done.put((example, None, 0.0, error))

    _STOP.clear()
    pool = [
        threading.Thread(target=work, name=f"nnguide-execute-{i}", daemon=True)
        for i in range(workers)
    ]
    for thread in pool:
        thread.start()
    try:
        for _ in stale:
            while True:
                try:
                    example, notebook, seconds, error = done.get(timeout=0.25)
                    break
                except queue.Empty:
                    if not any(thread.is_alive() for thread in pool) and done.empty():
                        raise RuntimeError("the execution threads ended early") from None
            if isinstance(error, ExampleError):
                failures.append(str(error))
                continue
            if error is not None:
                raise error
            record = notebook.metadata[METADATA_KEY]
            key_base = _key_base(project, package_digest, example.lang)
            record["key"] = cache_key(notebook, key_base, record["distributions"])
            _seal(notebook)
            _write_if_changed(example.notebook, notebook, store)
            _remember(known, example, notebook)
            log(f"Executed {example.label} in {seconds:.1f} s")
            results.append(Result(example, executed=True, seconds=seconds))
    except BaseException:
        # The worker threads are daemons: they end with their dead kernels, or with us.
        killed = stop_kernels()
        log(f"Stopped: {killed} running kernel(s) killed; {len(results)} result(s) kept")
        raise


# A check whose inputs did not change since it last passed has the same answer. Every
# build and every ``mkdocs serve`` reload starts with the check, so its state is kept
# in ``.cache/execute/state.json`` (sealed with its SHA-256, tools.files.write_cached):
# the stamps (path, mtime, size) of the environment (the interpreter, every ``nnguide``
# file and every installed-package folder) and, per example, the SHA-256 of its script
# and of its executed notebook. A prose edit re-checks one script; so does any change
# to a notebook, whose content must then match the digest execution recorded in it.


def _state_file(project: config.Project) -> Path:
    return project.cache_dir / "execute" / "state.json"


def _load_state(project: config.Project, log=print) -> dict:
    state = files.read_cached_dict(_state_file(project), log)
    return state if isinstance(state.get("examples"), dict) else {}


def _store_state(project: config.Project, state: dict) -> None:
    files.write_cached(_state_file(project), json.dumps(state).encode("utf-8"))


def _stamps(paths) -> list:
    stamps = []
    for path in paths:
        try:
            stat = path.stat()
        except OSError:
            stamps.append([str(path), None])
            continue
        stamps.append([str(path), stat.st_mtime_ns, stat.st_size])
    return stamps


def _previewed(notebook) -> bool:
    """Whether ``notebook`` ran in a spare kernel that imported ahead (:data:`IMPORTED_AHEAD`)."""
    return bool(notebook.metadata.get(METADATA_KEY, {}).get(IMPORTED_AHEAD))


def _remember(known: dict, example: Example, notebook) -> None:
    """Keep ``example``'s stamps as checked; a preview's are marked, so that only
    ``mkdocs serve``'s builds take them (another build checks it and executes it again)."""
    stamps = _example_stamps(example)
    known[example.label] = _preview_stamps(stamps) if _previewed(notebook) else stamps


def _preview_stamps(stamps: list) -> list:
    """A preview's stamps as the execution state keeps them: marked (:func:`_remember`)."""
    return [*stamps, IMPORTED_AHEAD]


def _example_stamps(example: Example) -> list:
    stamps: list[str | None] = []
    for path in (example.script, example.notebook):
        try:
            stamps.append(hashlib.sha256(path.read_bytes()).hexdigest())
        except OSError:
            stamps.append(None)
    return stamps


def _environment_stamps(project: config.Project) -> list:
    """What the execution state's checks depend on: the interpreter, ``nnguide``'s sources
    and the folders packages are imported from.

    The first entry of ``sys.path`` is the folder of the command that started Python:
    the checkout for ``python -m mkdocs``, the venv's ``bin`` for ``mkdocs`` (``make
    serve``). Neither holds installed packages, so neither is stamped, and the two
    commands share one state.
    """
    installed = {Path(entry).resolve() for entry in sys.path if entry}
    commands = {project.root, Path(sys.executable).parent.resolve()}
    paths = sorted(project.package_dir.rglob("*.py")) + sorted(installed - commands)
    return [sys.executable, sys.version, _HARNESS, *_stamps(paths)]


def environment_key(project: config.Project) -> str:
    """A hash of the environment's stamps (:func:`_environment_stamps`)."""
    return _digest(_environment_stamps(project))


def _digest(stamps: list) -> str:
    return hashlib.sha256(json.dumps(stamps).encode()).hexdigest()


def _remove_orphans(project: config.Project, examples: list[Example]) -> None:
    """Delete executed notebooks whose script was deleted or renamed."""
    wanted = {example.notebook for example in examples}
    for notebook in project.docs_dir.glob(f"*/{project.tutorials}/*.ipynb"):
        if notebook not in wanted:
            notebook.unlink()


def _timed_execute(
    example: Example, limit: int, threads: int, project: config.Project, environment: str
):
    started = time.perf_counter()
    notebook = execute(example, limit, threads, project.kernel_memory_limit, environment)
    outputs.bound(
        notebook, _output_limits(project), project.language(example.lang).labels.truncated
    )
    return notebook, time.perf_counter() - started


def _outputs_digest(project: config.Project, lang: str) -> str:
    """The output bounds and the truncation note of ``lang``, which change its stored outputs.

    Per language: adding a language (or rewording its note) executes only its scripts.
    """
    limits = _output_limits(project)
    note = project.language(lang).labels.truncated
    payload = [limits.output, limits.notebook, limits.download, note]
    return ":" + hashlib.sha256(json.dumps(payload).encode()).hexdigest()[:16]


def _key_base(project: config.Project, package_digest: str, lang: str) -> str:
    """What an execution key of a ``lang`` script holds besides its code and versions."""
    return package_digest + _outputs_digest(project, lang)


def _output_limits(project: config.Project) -> outputs.Limits:
    return outputs.Limits(
        output=project.output_limit,
        notebook=project.notebook_output_limit,
        download=project.download_output_limit,
    )


GPU_SHARD = "gpu"


def needs_gpu(example: Example) -> bool:
    """Whether the script asks for a GPU runner, in jupytext's header at its top::

    # ---
    # jupyter:
    #   nnguide_device: gpu
    # ---
    """
    return lessons.read(example).metadata.get("nnguide_device") == "gpu"


# The run times the shards are balanced by: committed with the scripts, and written only
# by ``--record-times``, so running a shard never changes how the scripts are split.
RUN_TIMES = "run_times.json"


def recorded_seconds(example: Example) -> float | None:
    """The script's run time recorded in its executed notebook, None if there is none."""
    try:
        record = json.loads(example.notebook.read_text(encoding="utf-8"))["metadata"]
        return float(record[METADATA_KEY]["run_seconds"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def run_times(project: config.Project) -> dict[str, float]:
    """The committed run times (``examples/run_times.json``): script label -> seconds.

    Raises:
        ValueError: If the file is not a JSON object of seconds; the message names it.
    """
    path = project.examples_dir / RUN_TIMES
    if not path.is_file():
        return {}
    label = path.relative_to(project.root).as_posix()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise ValueError(f"{label}: not JSON ({error})") from None
    if not isinstance(data, dict) or not all(
        isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
        for value in data.values()
    ):
        raise ValueError(f"{label}: must map each script to its run time in seconds >= 0")
    return {str(key): float(value) for key, value in data.items()}


def record_run_times(project: config.Project, examples: list[Example]) -> Path:
    """Write ``examples/run_times.json`` from the run times in the executed notebooks.

    Scripts without an executed notebook keep the time the file had for them.
    """
    times = run_times(project)
    for example in examples:
        seconds = recorded_seconds(example)
        if seconds is not None:
            times[example.label] = round(seconds, 1)
    path = project.examples_dir / RUN_TIMES
    write_atomic(path, (json.dumps(dict(sorted(times.items())), indent=2) + "\n").encode())
    return path


def split(examples: list[Example], count: int, seconds=lambda example: 1.0) -> list[list[Example]]:
    """Deal the scripts into ``count`` shards of about equal total run time.

    Longest first (``seconds`` of a script), each to the shard with the least time so
    far (the lowest number on a tie); the same times give the same split everywhere.
    """
    if count < 1:
        raise ValueError(f"the number of shards must be at least 1, got {count}")
    shards: list[list[Example]] = [[] for _ in range(count)]
    totals = [0.0] * count
    for example in sorted(examples, key=lambda ex: (-seconds(ex), ex.label)):
        target = min(range(count), key=lambda index: (totals[index], index))
        shards[target].append(example)
        totals[target] += seconds(example)
    return shards


def shard(project: config.Project, spec: str, log=print) -> list[Example] | None:
    """The scripts of shard ``spec`` ("i/N" or "gpu"); None if this runner cannot run it."""
    examples = discover(project)
    gpu = [example for example in examples if needs_gpu(example)]
    if spec == GPU_SHARD:
        import torch

        if not torch.cuda.is_available():
            names = ", ".join(example.label for example in gpu) or "none"
            log(f"Shard gpu: no GPU on this runner; skipped {len(gpu)} script(s): {names}")
            return None
        return gpu
    match = re.fullmatch(r"(\d+)/(\d+)", spec)
    if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
        raise ValueError(f"SHARD must be 'i/N' with 1 <= i <= N, or 'gpu'; got {spec!r}")
    cpu = [example for example in examples if example not in gpu]
    # Only committed state decides the split: the run times a shard records in its
    # notebooks would otherwise move scripts between shards that have yet to run.
    times = run_times(project)
    shards = split(cpu, int(match.group(2)), lambda example: times.get(example.label, 1.0))
    return shards[int(match.group(1)) - 1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=None, help="parallel kernels (default: cores)")
    parser.add_argument("--force", action="store_true", help="execute even when cached")
    project = config.load()
    parser.add_argument("--lang", action="append", choices=project.codes, help="only this language")
    parser.add_argument(
        "--shard",
        help="only shard i of N ('1/2'), split by examples/run_times.json; 'gpu': the GPU scripts",
    )
    parser.add_argument(
        "--record-times",
        action="store_true",
        help="then write examples/run_times.json from the executed notebooks",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    examples = None if args.lang is None else discover(project, tuple(args.lang))
    if args.shard:
        try:
            examples = shard(project, args.shard)
        except (ValueError, LessonError) as error:
            print(error, file=sys.stderr)
            return 2
        if examples is None:
            return 0
        print(f"Shard {args.shard}: " + ", ".join(example.label for example in examples))
    stop_signals.install()  # `kill` stops as Ctrl-C does: kernels and their files go
    try:
        results = build(examples, project=project, jobs=args.jobs, force=args.force)
    except LessonError as error:
        print(error, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        exit_interrupted()
    executed = sum(r.executed for r in results)
    if args.record_times:
        print(f"Run times written to {record_run_times(project, discover(project))}")
    print(
        f"{executed} executed, {len(results) - executed} cached, "
        f"{time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
