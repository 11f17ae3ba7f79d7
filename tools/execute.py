"""Execute step: example scripts become executed notebooks, in parallel, with a cache.

Each ``examples/<lang>/<name>.py`` (a jupytext percent script) becomes an executed
notebook ``docs/<lang>/tutorials/<name>.ipynb`` (generated, not in git), which is both
the source of the tutorial page and the notebook readers download. A script is executed only when
something that can change its output changed. The cache key hashes:

* the script's code cells with comments and blank lines removed (prose edits in
  Markdown cells or comments never execute anything),
* every source file of the ``nnguide`` package,
* the Python version and the versions of the distributions the script imports
  (and of the kernel machinery that runs it).

When only prose changed, the cached outputs are put back under the new prose without
running a kernel. Scripts run in parallel, each in its own Jupyter kernel; a failing
script raises :class:`ExampleError` naming the script and the failing line.

Command line: ``python -m tools.execute [--jobs N] [--force] [--lang en ...]``.
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import copy
import datetime as dt
import hashlib
import importlib.metadata
import io
import json
import os
import re
import sys
import time
import tokenize
from dataclasses import dataclass
from pathlib import Path

from tools import config
from tools.files import write_atomic

KERNEL_NAME = "python3"
CELL_TIMEOUT_S = 600
METADATA_KEY = "nnguide"
# Always part of the key: what runs the notebook and renders its outputs.
KERNEL_DISTRIBUTIONS = ("ipykernel", "jupyter_client", "nbclient", "nbformat", "jupytext")


class ExampleError(RuntimeError):
    """An example script failed to execute."""


@dataclass(frozen=True)
class Example:
    """One example script in one language."""

    lang: str
    name: str
    script: Path
    notebook: Path
    label: str  # the script's path relative to the project, for messages


@dataclass(frozen=True)
class Result:
    """What happened to one example in :func:`build`."""

    example: Example
    executed: bool
    seconds: float


def discover(
    project: config.Project | None = None, languages: tuple[str, ...] | None = None
) -> list[Example]:
    """All example scripts, sorted by language then name."""
    project = project or config.load()
    found = []
    for lang in languages or project.codes:
        for script in sorted((project.examples_dir / lang).glob("[0-9][0-9]_*.py")):
            notebook = project.tutorials_dir(lang) / f"{script.stem}.ipynb"
            label = script.relative_to(project.root).as_posix()
            found.append(Example(lang, script.stem, script, notebook, label))
    return found


def read_script(script: Path):
    """Read a jupytext percent script as a notebook, with stable cell ids."""
    import jupytext

    notebook = jupytext.read(script, fmt="py:percent")
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index}"
    return notebook


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


def imported_distributions(code: str, providers=None) -> set[str]:
    """Names of the installed distributions that provide the modules ``code`` imports."""
    modules = set()
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules.add(node.module.split(".")[0])
    providers = providers or importlib.metadata.packages_distributions()
    return {dist for module in modules for dist in providers.get(module, [])}


def _package_digest(package_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(package_dir.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".typed", ".json", ".txt"}:
            digest.update(path.relative_to(package_dir).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_key(notebook, package_digest: str, providers=None) -> str:
    """The execution key of a notebook (see the module docstring)."""
    code = [code_without_comments(c.source) for c in notebook.cells if c.cell_type == "code"]
    distributions = set(KERNEL_DISTRIBUTIONS) | imported_distributions("\n".join(code), providers)
    versions = {}
    for dist in sorted(distributions):
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[dist] = None
    payload = {
        "code": code,
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


def _cell_line(example: Example, notebook, index: int) -> int | None:
    """1-based script line of the first line of cell ``index``'s body, if known."""
    lines = example.script.read_text(encoding="utf-8").splitlines()
    starts = [number + 1 for number, line in enumerate(lines, start=1) if line.startswith("# %%")]
    # jupytext drops an empty header: cells map to "# %%" markers one to one.
    position = index + len(starts) - len(notebook.cells)
    return starts[position] if 0 <= position < len(starts) else None


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _describe_failure(example: Example, notebook, error) -> str:
    """Name the script, the failing line and the exception."""
    ename = getattr(error, "ename", type(error).__name__)
    evalue = getattr(error, "evalue", str(error))
    cells = notebook.cells
    index = next(
        (
            i
            for i, cell in enumerate(cells)
            if cell.cell_type == "code"
            and any(out.get("output_type") == "error" for out in cell.get("outputs", []))
        ),
        None,
    )
    start = None if index is None else _cell_line(example, notebook, index)
    if start is not None:
        traceback = _ANSI.sub("", "\n".join(cells[index].outputs[-1].get("traceback", [])))
        line_in_cell = re.findall(r"^-*> ?(\d+)", traceback, flags=re.MULTILINE)
        if not line_in_cell:
            line_in_cell = re.findall(r"line (\d+)", traceback)
        line = start + (int(line_in_cell[0]) - 1 if line_in_cell else 0)
        source_line = example.script.read_text(encoding="utf-8").splitlines()[line - 1]
        return f"{example.label}:{line}: {ename}: {evalue}\n    {source_line.strip()}"
    return f"{example.label}: {ename}: {evalue}"


def execute(example: Example, key: str, threads: int | None = None):
    """Run one script as a notebook in a fresh kernel; return the executed notebook.

    ``threads`` caps the kernel's torch/OpenMP threads, so kernels running side by
    side share the cores instead of fighting over them (unless ``OMP_NUM_THREADS``
    is already set).
    """
    import nbclient
    from nbclient.exceptions import CellExecutionError

    notebook = read_script(example.script)
    notebook.metadata["kernelspec"] = {
        "name": KERNEL_NAME,
        "display_name": "Python 3",
        "language": "python",
    }
    env = dict(os.environ)
    env.pop("MPLBACKEND", None)  # the kernel's inline backend draws the figures
    env["PYTHONHASHSEED"] = "0"
    if threads is not None:
        env.setdefault("OMP_NUM_THREADS", str(threads))
    client = nbclient.NotebookClient(
        notebook,
        kernel_name=KERNEL_NAME,
        timeout=CELL_TIMEOUT_S,
        allow_errors=False,
        extra_arguments=["--IPKernelApp.log_level=ERROR", "--HistoryManager.enabled=False"],
        resources={"metadata": {"path": str(example.script.parent)}},
    )
    started = time.perf_counter()
    try:
        client.execute(env=env)
    except CellExecutionError as error:
        raise ExampleError(_describe_failure(example, notebook, error)) from None
    except Exception as error:  # kernel died, timeout, ...
        raise ExampleError(f"{example.label}: {type(error).__name__}: {error}") from None
    total = time.perf_counter() - started
    _reject_warnings(example, notebook)
    notebook.metadata[METADATA_KEY] = {
        "key": key,
        "run_seconds": round(_cells_seconds(notebook) or total, 2),
        "executed_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "script": example.label,
    }
    return notebook


_WARNING = re.compile(r"Warning|Error|Traceback")


def _reject_warnings(example: Example, notebook) -> None:
    """A warning written to stderr would be published in the page: fail instead."""
    for index, cell in enumerate(notebook.cells):
        for output in cell.get("outputs", []):
            if output.get("name") == "stderr" and _WARNING.search(output.get("text", "")):
                line = _cell_line(example, notebook, index) or "?"
                first = output["text"].strip().splitlines()[0]
                raise ExampleError(
                    f"{example.label}:{line}: the cell wrote a warning to stderr: {first}"
                )


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
        ExampleError: If any script fails; the message names every failing script
            with its line. Notebooks of the scripts that succeeded are still stored.
    """
    project = project or config.load()
    if examples is None:
        examples = discover(project)
        _remove_orphans(project, examples)
    state = _load_state(project)
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

    package_digest = _package_digest(project.package_dir)
    providers = importlib.metadata.packages_distributions()
    stale: list[tuple[Example, str]] = []
    for example in to_check:
        fresh = read_script(example.script)
        key = cache_key(fresh, package_digest, providers)
        cached = None if force else _cached(example)
        if cached is not None and cached.metadata.get(METADATA_KEY, {}).get("key") == key:
            merged = _with_new_prose(fresh, cached)
            merged.metadata[METADATA_KEY]["script"] = example.label
            _write_if_changed(example.notebook, merged)
            results.append(Result(example, executed=False, seconds=0.0))
            known[example.label] = _example_stamps(example)
        else:
            stale.append((example, key))

    failures = []
    if stale:
        workers = max(1, min(len(stale), jobs or os.cpu_count() or 1))
        log(f"Executing {len(stale)} example(s) with {workers} kernel(s) in parallel")
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
            threads = max(1, (os.cpu_count() or 1) // workers)
            futures = {pool.submit(_timed_execute, ex, key, threads): ex for ex, key in stale}
            for future in concurrent.futures.as_completed(futures):
                example = futures[future]
                try:
                    notebook, seconds = future.result()
                except ExampleError as error:
                    failures.append(str(error))
                    continue
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
# in ``.cache/execute/state.json``: the stamps (path, mtime, size) of the environment
# (the interpreter, every ``nnguide`` file and every installed-package folder) and, per
# example, of its script and its executed notebook. A prose edit re-checks one script.


def _state_file(project: config.Project) -> Path:
    return project.cache_dir / "execute" / "state.json"


def _load_state(project: config.Project) -> dict:
    try:
        state = json.loads(_state_file(project).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return state if isinstance(state, dict) and isinstance(state.get("examples"), dict) else {}


def _store_state(project: config.Project, state: dict) -> None:
    write_atomic(_state_file(project), json.dumps(state).encode("utf-8"))


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
    return _stamps([example.script, example.notebook])


def _environment_stamps(project: config.Project) -> list:
    installed = {Path(entry).resolve() for entry in sys.path if entry}
    paths = sorted(project.package_dir.rglob("*.py")) + sorted(installed - {project.root})
    return [sys.executable, sys.version, *_stamps(paths)]


def _remove_orphans(project: config.Project, examples: list[Example]) -> None:
    """Delete executed notebooks whose script was deleted or renamed."""
    wanted = {example.notebook for example in examples}
    for notebook in project.docs_dir.glob(f"*/{project.tutorials}/*.ipynb"):
        if notebook not in wanted:
            notebook.unlink()


def _timed_execute(example: Example, key: str, threads: int):
    started = time.perf_counter()
    notebook = execute(example, key, threads)
    return notebook, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=None, help="parallel kernels (default: cores)")
    parser.add_argument("--force", action="store_true", help="execute even when cached")
    project = config.load()
    parser.add_argument("--lang", action="append", choices=project.codes, help="only this language")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    examples = None if args.lang is None else discover(project, tuple(args.lang))
    try:
        results = build(examples, project=project, jobs=args.jobs, force=args.force)
    except ExampleError as error:
        print(error, file=sys.stderr)
        return 1
    executed = sum(r.executed for r in results)
    print(
        f"{executed} executed, {len(results) - executed} cached, "
        f"{time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
