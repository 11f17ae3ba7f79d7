"""What a failed lesson script is reported as: its file, its line, what went wrong.

The execute step (:mod:`tools.execute`) runs a script cell by cell in a kernel. When it
fails, :func:`describe` turns what is known into one message that names the innermost
frame **in the lesson script** (``examples/en/07_x.py:104``), the exception and the text
of that line — never a frame inside a library, never just the cell's first line:

* the kernel's own record (:data:`Record`, a JSON-lines file the kernel's harness
  appends to): which cell file is which execution count, the lesson frames of every
  exception (``SystemExit`` included, whose traceback IPython does not print), the line
  running when ``os._exit``/``os.kill``/``os.abort`` was called, a line sampled every
  few milliseconds (the last line that started, for a kernel that is killed), whether
  memory came near the limit, and ``faulthandler``'s dump of a fatal signal;
* the error output of the failing cell (its traceback text, ANSI colours and all),
  read when the record says nothing;
* how the kernel ended (:class:`Death`: the signal or exit code).

Execution counts become lesson lines through ``counts`` (count -> index of the cell in
the lesson's notebook) and the lesson's cell start lines. :func:`describe` never raises:
whatever the inputs, the message names the script.
"""

from __future__ import annotations

import json
import re
import signal
from dataclasses import dataclass, field
from typing import Any

from tools import lessons

# Any ANSI escape sequence (colours, cursor moves, OSC titles) and other control characters.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# A frame of a cell in an IPython traceback: "Cell In[3], line 4" (IPython >= 8),
# "Input In [3], in <cell line: 4>" (IPython 8.0-8.4), "<ipython-input-3-…>", line 4.
_CELL_FRAMES = (
    re.compile(r"Cell\s+In\s*\[(\d+)\]\s*,\s*line\s+(\d+)"),
    re.compile(r"Input\s+In\s*\[(\d+)\][^\n]*?line:?\s*(\d+)"),
    re.compile(r"<ipython-input-(\d+)-[0-9a-f]*>\"?,\s*line\s+(\d+)"),
)
# What a SyntaxError's message says of the kernel's cell file: " (3367680067.py, line 2)".
_CELL_FILE = re.compile(r" \((?:\d+\.py|<[^>]*>), line \d+\)$")
_FAULT_FRAME = re.compile(r'File "([^"]+)", line (\d+)')
# An allocation that failed: Python's MemoryError, PyTorch's and C++'s messages.
_ALLOCATION = re.compile(
    r"can't allocate memory|Cannot allocate memory|bad_alloc|out of memory|MemoryError", re.I
)
LIMIT_SETTING = "extra.nnguide.kernel_memory_limit in mkdocs.yml"
TIMEOUT_SETTING = "extra.nnguide.timeout in mkdocs.yml, or NNGUIDE_TIMEOUT"


def clean(text: Any, limit: int = 500) -> str:
    """``text`` as one printable line: no ANSI codes, no control characters, at most ``limit``.

    >>> clean("\\x1b[31mValueError\\x1b[39m: bad\\nvalue")
    'ValueError: bad value'
    """
    value = text if isinstance(text, str) else "" if text is None else str(text)
    value = _CONTROL.sub("", _ANSI.sub("", value).replace("\n", " ").replace("\t", " "))
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def format_size(size: int) -> str:
    """A number of bytes for people, binary units.

    >>> format_size(1536), format_size(4 * 2**30), format_size(12)
    ('1.5 KiB', '4 GiB', '12 B')
    """
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(value) < 1024 or unit == "TiB":
            text = f"{value:.1f}".removesuffix(".0") if unit != "B" else str(int(value))
            return f"{text} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


@dataclass
class Record:
    """What the kernel's harness recorded, parsed from its JSON-lines file (any junk skipped)."""

    kernel: int | None = None  # the kernel's process id; events of its children are ignored
    files: dict[str, int] = field(default_factory=dict)  # cell file -> execution count
    cells: list[int] = field(default_factory=list)  # the counts of the cells, as they started
    errors: list[dict[str, Any]] = field(default_factory=list)  # one per failed cell
    last: tuple[int, int] | None = None  # (count, line): the last line seen or exiting there
    exit_call: str | None = None  # "os._exit(1)", when the kernel was ended by such a call
    near_limit: bool = False  # memory came within 10 % of the kernel memory limit
    fault: str = ""  # faulthandler's dump

    @classmethod
    def parse(cls, text: str, fault: str = "") -> Record:
        """Read the record; lines that are not the events it expects are skipped."""
        record = cls(fault=fault if isinstance(fault, str) else "")
        for line in text.splitlines() if isinstance(text, str) else ():
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if isinstance(event, dict):
                record._add(event)
        return record

    def _add(self, event: dict[str, Any]) -> None:
        if "kernel" in event and _is_int(event["kernel"]):
            self.kernel = event["kernel"]
            return
        if self.kernel is not None and event.get("pid") not in (None, self.kernel):
            return  # a child process (multiprocessing, fork) shares the file
        if isinstance(event.get("file"), str) and _is_int(event.get("cell")):
            self.files[event["file"]] = event["cell"]
            self.cells.append(event["cell"])
        elif isinstance(event.get("error"), dict):
            self.errors.append(event["error"])
        elif _position(event.get("at")) is not None:
            position = _position(event["at"])
            if "call" in event:
                self.exit_call = clean(event["call"], 80)
            elif position != self.last:
                # The line sampler writes beside the call's wrapper, in either order: a
                # sample of the line of the call leaves it, a later line means it returned.
                self.exit_call = None
            self.last = position
        elif event.get("near_limit"):
            self.near_limit = True

    def fault_frame(self) -> tuple[int, int] | None:
        """The innermost cell frame of faulthandler's dump of the crashing thread."""
        for block in re.split(r"\n(?=\S)", self.fault):
            for name, line in _FAULT_FRAME.findall(block):
                if name in self.files:
                    return self.files[name], int(line)
        return None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _position(value: Any) -> tuple[int, int] | None:
    if isinstance(value, list | tuple) and len(value) == 2 and all(_is_int(v) for v in value):
        return int(value[0]), int(value[1])
    return None


def traceback_frames(traceback: Any) -> list[tuple[int, int]]:
    """The cell frames (execution count, line in the cell) of an IPython traceback's text.

    >>> text = "\\x1b[36mCell\\x1b[39m In[3], line 4\\nFile torch.py:9\\nCell In[5], line 2"
    >>> traceback_frames(text)
    [(3, 4), (5, 2)]
    """
    if isinstance(traceback, list | tuple):
        traceback = "\n".join(str(part) for part in traceback)
    text = _ANSI.sub("", traceback if isinstance(traceback, str) else "")
    found: list[tuple[int, int, int]] = []
    for pattern in _CELL_FRAMES:
        found += [(m.start(), int(m.group(1)), int(m.group(2))) for m in pattern.finditer(text)]
    return [(count, line) for _, count, line in sorted(found)]


@dataclass(frozen=True)
class Death:
    """How a kernel that died ended: the signal that killed it, or its exit code."""

    signal: int | None = None
    code: int | None = None

    @classmethod
    def from_returncode(cls, returncode: int | None) -> Death:
        """From ``Popen.returncode`` (negative: the signal)."""
        if returncode is None:
            return cls()
        return cls(signal=-returncode) if returncode < 0 else cls(code=returncode)

    def describe(self) -> str:
        """``killed by SIGKILL (signal 9)``, ``exited with code 1`` or ``ended``."""
        if self.signal is not None:
            try:
                name = signal.Signals(self.signal).name
            except ValueError:
                name = f"signal {self.signal}"
            return f"killed by {name} (signal {self.signal})"
        if self.code is not None:
            return f"exited with code {self.code}"
        return "ended"


@dataclass(frozen=True)
class Failure:
    """Everything :func:`describe` knows about one failed run."""

    error: dict[str, Any] | None = None  # the failing cell's error output (nbformat)
    error_cell: int | None = None  # index in the lesson's notebook of the cell that failed
    record: Record = field(default_factory=Record)
    started: tuple[int, ...] = ()  # indices of the lesson cells that started, in order
    prompts: dict[int, int] = field(default_factory=dict)  # "In [n]" of a traceback -> cell
    death: Death | None = None  # set when the kernel died
    timed_out: bool = False
    timeout: int = 0  # seconds
    memory_limit: int | None = None  # bytes


def describe(lesson: lessons.Lesson, failure: Failure) -> str:
    """The message of a failed run: ``script:line: what happened`` and the line's text.

    Never raises: with inputs it cannot read, the message still names the script.
    """
    label = getattr(getattr(lesson, "example", None), "label", None) or "the script"
    try:
        return _describe(lesson, failure, str(label))
    except Exception as error:
        return f"{label}: the script failed (its report could not be read: {clean(error, 200)})"


def _counts(failure: Failure) -> dict[int, int]:
    """The kernel's count of each cell (as its record names them) -> lesson cell index."""
    started = [cell for cell in failure.started if _is_int(cell)]
    return {count: started[k] for k, count in enumerate(failure.record.cells[: len(started)])}


def _running(failure: Failure) -> int | None:
    started = [cell for cell in failure.started if _is_int(cell)]
    return started[-1] if started else None


def _describe(lesson: lessons.Lesson, failure: Failure, label: str) -> str:
    if failure.death is not None:
        return _describe_death(lesson, failure, label)
    error = failure.error if isinstance(failure.error, dict) else {}
    ename = clean(error.get("ename"), 120) or "Error"
    evalue = _CELL_FILE.sub("", clean(error.get("evalue")))
    recorded = _recorded_error(failure.record, ename)
    line = _error_line(lesson, failure, recorded)
    where = f"{label}:{line}" if line else _cell_place(lesson, label, failure.error_cell)
    if failure.timed_out and ename in {"KeyboardInterrupt", "Error", "CellTimeoutError"}:
        message = (
            f"{where}: did not finish within {failure.timeout} s (the time limit per script: "
            f"{TIMEOUT_SETTING}); this line was running"
        )
    else:
        message = f"{where}: {ename}: {evalue}" if evalue else f"{where}: {ename}"
        kinds = recorded.get("kinds") if recorded else None
        kinds = kinds if isinstance(kinds, list) else []
        if ename == "SystemExit" or "SystemExit" in kinds:
            message += " (the script exits here; a lesson must run to its end)"
        elif ename in {"FileNotFoundError", "PermissionError"}:
            message += (
                "\n    (scripts run in an empty scratch folder: read data through a "
                "package such as nnguide.data, not a path)"
            )
        elif failure.memory_limit and (
            "MemoryError" in kinds or _ALLOCATION.search(f"{ename} {evalue}")
        ):
            message += "\n    " + _limit_note(failure.memory_limit)
    source = lesson.line(line) if line else ""
    return f"{message}\n    {clean(source)}" if source else message


def _recorded_error(record: Record, ename: str) -> dict[str, Any] | None:
    """The kernel's record of the exception the failing cell showed (the last one)."""
    for error in reversed(record.errors):
        if error.get("type") == ename or not ename or ename == "Error":
            return error
    return record.errors[-1] if record.errors else None


def _error_line(
    lesson: lessons.Lesson, failure: Failure, recorded: dict[str, Any] | None
) -> int | None:
    frames: list[tuple[int, int]] = []
    if recorded is not None and isinstance(recorded.get("frames"), list):
        frames = [p for p in map(_position, recorded["frames"]) if p is not None]
    error = failure.error if isinstance(failure.error, dict) else {}
    counts = _counts(failure)
    prompts = failure.prompts if isinstance(failure.prompts, dict) else {}
    candidates = [(frames, counts), (traceback_frames(error.get("traceback", "")), prompts)]
    for found, cells in candidates:
        for count, line in reversed(found):
            number = _lesson_line(lesson, cells, count, line)
            if number is not None:
                return number
    # No frame in the lesson (a cell with no lines mapped, a garbled traceback, no error
    # output at all): the last line the kernel saw running in the failing cell (the
    # last one that started, when no cell shows the error), else the cell's first line.
    cell = failure.error_cell if failure.error_cell is not None else _running(failure)
    if failure.record.last is not None:
        count, line = failure.record.last
        if counts.get(count) == cell:
            number = _lesson_line(lesson, counts, count, line)
            if number is not None:
                return number
    return _cell_start(lesson, cell)


def _describe_death(lesson: lessons.Lesson, failure: Failure, label: str) -> str:
    record = failure.record
    death = failure.death or Death()
    position = record.fault_frame() or record.last
    counts, running = _counts(failure), _running(failure)
    line = None
    if position is not None:
        cell = counts.get(position[0])
        # Sampled in an earlier cell than the one that started last: that one died
        # before the sampler saw it, at a line in it we cannot know.
        if cell is not None and (running is None or cell >= running):
            line = _lesson_line(lesson, counts, *position)
    exact = line is not None
    if line is None and running is None:  # it started no cell of the script
        return f"{label}: the kernel died before the script's first cell ran ({death.describe()})"
    if line is None:
        line = _cell_start(lesson, running)
    where = f"{label}:{line}" if line else _cell_place(lesson, label, running)
    cause = death.describe()
    if record.exit_call and exact and position == record.last and not record.fault_frame():
        cause = f"{cause}: {record.exit_call} was called"
    running = "this line was running" if exact else "the cell starting here was running"
    message = f"{where}: the kernel died ({cause}); {running}"
    if failure.memory_limit and record.near_limit:
        message += "\n    " + _limit_note(failure.memory_limit)
    elif death.signal == signal.SIGKILL and not record.exit_call:
        message += "\n    (the system kills a process with SIGKILL when memory runs out)"
    source = lesson.line(line) if line else ""
    return f"{message}\n    {clean(source)}" if source else message


def _limit_note(limit: int) -> str:
    return f"(the kernel memory limit, {format_size(limit)}, was reached: {LIMIT_SETTING})"


def _lesson_line(
    lesson: lessons.Lesson, counts: dict[int, int], count: int, line: int
) -> int | None:
    cell = counts.get(count) if isinstance(counts, dict) else None
    start = _cell_start(lesson, cell)
    if start is None or not _is_int(line) or line < 1:
        return None
    number = start + line - 1
    return number if 0 < number <= len(lesson.text.splitlines()) else None


def _cell_start(lesson: lessons.Lesson, cell: int | None) -> int | None:
    starts = getattr(lesson, "starts", ())
    if not _is_int(cell) or cell is None or not 0 <= cell < len(starts):
        return None
    start = starts[cell]
    lines = len(getattr(lesson, "text", "").splitlines())
    return start if _is_int(start) and start is not None and 0 < start <= lines else None


def _cell_place(lesson: lessons.Lesson, label: str, cell: int | None) -> str:
    return f"{label} (cell {cell + 1})" if _is_int(cell) and cell is not None else label
