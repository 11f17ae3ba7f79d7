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
in ``mkdocs.yml``, or ``NNGUIDE_TIMEOUT`` seconds). Output on stderr — warnings,
``logging`` records, anything — fails the script. Every failure is an
:class:`ExampleError` that names the script and the line.

One build at a time executes (a lock in the cache folder); a second waits for it.

Command line: ``python -m tools.execute [--jobs N] [--force] [--lang en ...]
[--shard i/N | --shard gpu] [--record-times]``. A shard's scripts are dealt by the run
times committed in ``examples/run_times.json`` (``--record-times`` rewrites it from the
executed notebooks), which running a shard never changes: ``--shard 1/2`` then
``--shard 2/2`` in one checkout execute every script exactly once.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import copy
import datetime as dt
import hashlib
import importlib.metadata
import io
import json
import os
import re
import shutil
import sys
import tempfile
import time
import tokenize
from dataclasses import dataclass
from pathlib import Path

from tools import config, files, lessons
from tools.checks import parity
from tools.files import write_atomic
from tools.lessons import METADATA_KEY, Example, LessonError, discover

# Scratch folders of running scripts start with this, in the system's temp folder.
SCRATCH_PREFIX = "nnguide-run-"
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


_nnguide_setup()
del _nnguide_setup
"""

# Run in the kernel after the script: the distributions whose modules it imported, and
# where it ran (Python, PyTorch, the device it used, the kernel's peak memory).
_REPORT = r"""
def _nnguide_report():
    import importlib.metadata as metadata, json, platform, sys

    providers = metadata.packages_distributions()
    names = set()
    for module in list(sys.modules):
        names.update(providers.get(module.partition(".")[0], []))
    versions = {}
    for name in sorted(names):
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
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
        "distributions": versions,
        "python": platform.python_version(),
        "torch": getattr(torch, "__version__", None),
        "device": device,
        "peak_memory": peak,
        "device_peak_memory": device_peak,
    }))


_nnguide_report()
"""


# What the kernel runs around a script changes its outputs too: it is part of the key.
_HARNESS = hashlib.sha256((_SETUP + _REPORT).encode()).hexdigest()
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


def installed_versions(names) -> dict[str, str | None]:
    """The installed version of each distribution (None if it is not installed)."""
    versions: dict[str, str | None] = {}
    for name in sorted(names):
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return versions


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


def _is_fresh(fresh, cached, package_digest: str) -> bool:
    """Whether ``cached`` was executed from the same code in the same environment."""
    record = cached.metadata.get(METADATA_KEY, {})
    recorded = record.get("distributions")
    if not isinstance(recorded, dict) or "key" not in record:
        return False
    return record["key"] == cache_key(fresh, package_digest, installed_versions(recorded))


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
        elif not _is_fresh(lessons.read(example).notebook, notebook, package_digest):
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
        if "execution" in old.metadata:
            new.metadata["execution"] = old.metadata["execution"]
    merged.metadata[METADATA_KEY] = dict(cached.metadata[METADATA_KEY])
    for key in ("kernelspec", "language_info"):
        if key in cached.metadata:
            merged.metadata[key] = cached.metadata[key]
    return merged


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _failure_line(text: str, start: int | None, traceback: str) -> int | None:
    if start is None:
        return None
    in_cell = re.findall(r"^-*> ?(\d+)", traceback, flags=re.MULTILINE)
    if not in_cell:
        in_cell = re.findall(r"line (\d+)", traceback)
    return start + (int(in_cell[-1]) - 1 if in_cell else 0)


def _describe_failure(lesson: lessons.Lesson, notebook, limit: int, timed_out: bool) -> str:
    """Name the script, the failing line and the exception (no kernel internals)."""
    example, text, starts = lesson.example, lesson.text, lesson.starts
    for index, cell in enumerate(notebook.cells):
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if cell.cell_type != "code" or not errors:
            continue
        error = errors[-1]
        traceback = _ANSI.sub("", "\n".join(error.get("traceback", [])))
        line = _failure_line(text, starts[index], traceback)
        where = f"{example.label}:{line}" if line else example.label
        source = text.splitlines()[line - 1].strip() if line else ""
        ename, evalue = error.get("ename", "Error"), error.get("evalue", "")
        if timed_out and ename == "KeyboardInterrupt":
            message = (
                f"{where}: did not finish within {limit} s (the time limit per script: "
                "extra.nnguide.timeout in mkdocs.yml, or NNGUIDE_TIMEOUT); this line was running"
            )
        else:
            message = f"{where}: {ename}: {evalue}"
            if ename in {"FileNotFoundError", "PermissionError"}:
                message += (
                    "\n    (scripts run in an empty scratch folder: read data through a "
                    "package such as nnguide.data, not a path)"
                )
        return f"{message}\n    {source}" if source else message
    return f"{example.label}: the kernel stopped without an error message"


def _kernel_manager():
    """A kernel manager that starts ipykernel with the build's own Python interpreter."""
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

    return AsyncKernelManager(kernel_name="python3", kernel_spec_manager=Specs())


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


def execute(example: Example, limit: int, threads: int | None = None):
    """Run one script as a notebook in a fresh kernel; return the executed notebook.

    ``threads`` caps the kernel's torch/OpenMP threads, so kernels running side by
    side share the cores instead of fighting over them (unless ``OMP_NUM_THREADS``
    is already set). ``limit`` is the time limit of the whole script, in seconds.
    """
    import nbclient
    import nbformat
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    lesson = lessons.read(example)
    notebook = lesson.notebook
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # the kernel's inline backend draws the figures
    env["PYTHONHASHSEED"] = "0"
    if threads is not None:
        env.setdefault("OMP_NUM_THREADS", str(threads))
    started = time.monotonic()
    deadline = started + limit
    scratch = tempfile.mkdtemp(prefix=SCRATCH_PREFIX)
    # The script's cells, between a setup cell and a report cell (both removed after).
    work = copy.copy(notebook)
    work.cells = [
        nbformat.v4.new_code_cell(_SETUP),
        *notebook.cells,
        nbformat.v4.new_code_cell(_REPORT),
    ]
    client = nbclient.NotebookClient(
        work,
        km=_kernel_manager(),
        timeout_func=lambda cell: max(1, int(deadline - time.monotonic() + 0.999)),
        interrupt_on_timeout=True,
        allow_errors=False,
        extra_arguments=["--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"],
        resources={"metadata": {"path": scratch}},
    )
    try:
        client.execute(env=env)
    except CellExecutionError:
        timed_out = time.monotonic() >= deadline - 0.5
        raise ExampleError(_describe_failure(lesson, notebook, limit, timed_out)) from None
    except DeadKernelError:
        raise ExampleError(f"{example.label}: the kernel died (out of memory?)") from None
    except Exception as error:  # the kernel did not start, a timeout it did not answer ...
        if time.monotonic() >= deadline:
            raise ExampleError(
                f"{example.label}: did not finish within {limit} s and did not stop when "
                "interrupted"
            ) from None
        raise ExampleError(f"{example.label}: {type(error).__name__}: {error}") from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    total = time.monotonic() - started
    report = work.cells[-1]
    for cell in notebook.cells:
        if cell.cell_type == "code" and cell.get("execution_count"):
            cell.execution_count -= 1  # the setup cell was the first
    _reject_stderr(lesson, notebook)
    reported = json.loads("".join(o.get("text", "") for o in report.outputs) or "{}")
    notebook.metadata[METADATA_KEY] = {
        "key": None,  # set by build(), which knows the package digest
        "distributions": reported.get("distributions", {}),
        "run_seconds": round(_cells_seconds(notebook) or total, 2),
        "executed_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "script": example.label,
        **{name: reported.get(name) for name in PROVENANCE},
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


def _write_if_changed(path: Path, notebook) -> bool:
    import nbformat

    text = nbformat.writes(notebook) + "\n"
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    write_atomic(path, text.encode("utf-8"))
    return True


def build(
    examples: list[Example] | None = None,
    *,
    project: config.Project | None = None,
    jobs: int | None = None,
    force: bool = False,
    log=print,
) -> list[Result]:
    """Bring every executed notebook up to date; run stale scripts in parallel.

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
        return _build_locked(project, examples, jobs=jobs, force=force, log=log, limit=limit)
    finally:
        lock.release()


def _build_locked(project, examples, *, jobs, force, log, limit) -> list[Result]:
    if examples is None:
        examples = discover(project)
        _remove_orphans(project, examples)
    state = _load_state(project, log)
    environment = _environment_stamps(project)
    if force or state.get("environment") != environment:
        state = {"environment": environment, "examples": {}}
    known = state["examples"]
    results: list[Result] = []
    to_check = []
    for example in examples:
        if known.get(example.label) == _example_stamps(example):
            results.append(Result(example, executed=False, seconds=0.0))
        else:
            to_check.append(example)
    if not to_check:
        return results

    problems = parity.check(project, sorted({example.name for example in to_check}))
    if problems:
        raise ExampleError("Translations differ in code:\n" + "\n".join(problems))
    package_digest = files.package_digest(project.package_dir)
    stale: list[Example] = []
    for example in to_check:
        fresh = lessons.read(example).notebook
        cached = None if force else _cached(example)
        shown = example.notebook.relative_to(project.root).as_posix()
        if cached is None and not force and example.notebook.is_file():
            log(f"{shown}: not a readable notebook (truncated?); executing it again")
        if cached is not None and not is_intact(cached):
            log(f"{shown}: its content differs from what execution wrote; executing it again")
            cached = None
        if cached is not None and _is_fresh(fresh, cached, package_digest):
            merged = _with_new_prose(fresh, cached)
            merged.metadata[METADATA_KEY]["script"] = example.label
            _seal(merged)
            _write_if_changed(example.notebook, merged)
            results.append(Result(example, executed=False, seconds=0.0))
            known[example.label] = _example_stamps(example)
        else:
            stale.append(example)

    failures = []
    if stale:
        workers = max(1, min(len(stale), jobs or os.cpu_count() or 1))
        log(f"Executing {len(stale)} example(s) with {workers} kernel(s) in parallel")
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
            threads = max(1, (os.cpu_count() or 1) // workers)
            futures = {pool.submit(_timed_execute, ex, limit, threads): ex for ex in stale}
            for future in concurrent.futures.as_completed(futures):
                example = futures[future]
                try:
                    notebook, seconds = future.result()
                except ExampleError as error:
                    failures.append(str(error))
                    continue
                record = notebook.metadata[METADATA_KEY]
                record["key"] = cache_key(notebook, package_digest, record["distributions"])
                _seal(notebook)
                _write_if_changed(example.notebook, notebook)
                known[example.label] = _example_stamps(example)
                log(f"Executed {example.label} in {seconds:.1f} s")
                results.append(Result(example, executed=True, seconds=seconds))
    _store_state(project, state)
    if failures:
        raise ExampleError("Example script failed:\n" + "\n".join(sorted(failures)))
    return results


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
    data = files.read_cached(_state_file(project), log)
    try:
        state = json.loads(data) if data is not None else {}
    except ValueError:
        return {}
    return state if isinstance(state, dict) and isinstance(state.get("examples"), dict) else {}


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


def _example_stamps(example: Example) -> list:
    stamps: list[str | None] = []
    for path in (example.script, example.notebook):
        try:
            stamps.append(hashlib.sha256(path.read_bytes()).hexdigest())
        except OSError:
            stamps.append(None)
    return stamps


def _environment_stamps(project: config.Project) -> list:
    installed = {Path(entry).resolve() for entry in sys.path if entry}
    paths = sorted(project.package_dir.rglob("*.py")) + sorted(installed - {project.root})
    return [sys.executable, sys.version, _HARNESS, *_stamps(paths)]


def _remove_orphans(project: config.Project, examples: list[Example]) -> None:
    """Delete executed notebooks whose script was deleted or renamed."""
    wanted = {example.notebook for example in examples}
    for notebook in project.docs_dir.glob(f"*/{project.tutorials}/*.ipynb"):
        if notebook not in wanted:
            notebook.unlink()


def _timed_execute(example: Example, limit: int, threads: int):
    started = time.perf_counter()
    notebook = execute(example, limit, threads)
    return notebook, time.perf_counter() - started


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
    try:
        results = build(examples, project=project, jobs=args.jobs, force=args.force)
    except LessonError as error:
        print(error, file=sys.stderr)
        return 1
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
