"""The lessons: the one reader and parser of the example scripts.

Each ``examples/<lang>/<name>.py`` is a jupytext percent script. Every other step (the
execute step, the parity and glossary checks, the lesson lists of the API pages, the
build-status page) takes what this module reads, and none reads a script itself:

* :func:`discover` lists the scripts (:class:`Example`: language, name, paths);
* :func:`read` reads one as strict UTF-8 (:func:`read_source`) and parses it into a
  :class:`Lesson`: its text, its notebook (cells with stable ids ``cell-<i>``), the
  script line where each cell starts, its title and its jupytext header metadata, and
  the index terms marked under its headings (:meth:`Lesson.index_marks`, parsed by
  :mod:`tools.index_terms`).

A script that is not UTF-8, or starts with a byte order mark, is a :class:`LessonError`
naming the file and the line.
"""

from __future__ import annotations

import ast
import copy
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools import config, index_terms

# The notebook metadata key under which the build records an execution.
METADATA_KEY = "nnguide"
SCRIPT_GLOB = "[0-9][0-9]_*.py"
# A lesson script's name: two digits (its order), "_", a lowercase topic of letters,
# digits and single underscores. Every other ``*.py`` in ``examples/<lang>/`` is an
# error, except names starting with "_" or "." (``__init__.py``, editor files).
SCRIPT_NAME = re.compile(r"[0-9]{2}_[a-z0-9]+(?:_[a-z0-9]+)*\.py")
SCRIPT_RULE = (
    "a lesson script is named NN_topic.py: two digits, '_', then lowercase letters, "
    "digits and single underscores (e.g. 03_loss_and_autograd.py)"
)

# Builtins through which code can change what a later import does, or reach a module
# without naming it (Lesson.leading_imports).
IMPORT_CHANGERS = frozenset(
    {"__import__", "exec", "eval", "compile", "globals", "locals", "vars", "setattr", "delattr"}
)

EXPLICIT_ANCHOR = re.compile(r"\s*\{\s*#([\w-]+)\s*\}\s*$")


class LessonError(RuntimeError):
    """A lesson script cannot be read or run; the message names the file and the line."""


@dataclass(frozen=True)
class Example:
    """One example script in one language."""

    lang: str
    name: str
    script: Path
    notebook: Path  # the executed notebook, docs/<lang>/<tutorials>/<name>.ipynb
    label: str  # the script's path relative to the project, for messages


@dataclass(frozen=True)
class Lesson:
    """A script as read and parsed: the only form the steps see a script in."""

    example: Example
    text: str
    notebook: Any  # nbformat.NotebookNode; a copy of its own, free to change (read's copy)
    starts: tuple[int | None, ...]  # 1-based script line of each cell's first body line

    @property
    def title(self) -> str | None:
        """The text of the lesson's ``# title``, without its ``{ #anchor }``."""
        return notebook_title(self.notebook)

    @property
    def metadata(self) -> dict[str, Any]:
        """The script's jupytext header (``# ---`` ... ``# ---``) under ``jupyter:``."""
        return dict(self.notebook.metadata)

    def index_marks(self) -> list[index_terms.Mark]:
        """The index terms marked under the headings of its Markdown cells, with script lines.

        Raises:
            tools.index_terms.IndexTermError: If a mark is not directly under a heading.
        """
        found: list[index_terms.Mark] = []
        for cell, start in zip(self.notebook.cells, self.starts, strict=True):
            if cell.cell_type == "markdown":
                found += index_terms.marks(cell.source, self.example.label, start or 1)
        return found

    def code(self) -> tuple[str, ...]:
        """The sources of the code cells, in order."""
        return tuple(cell.source for cell in self.notebook.cells if cell.cell_type == "code")

    def leading_imports(self) -> frozenset[str]:
        """The modules the script imports before it could change what an import does.

        Its module-level ``import`` statements, in the code cells in order, up to the
        first statement that could: one that uses a name an import bound (``os.environ``,
        ``warnings.filterwarnings``, ``torch.manual_seed``, also inside a function it
        defines), calls one of :data:`IMPORT_CHANGERS` or holds an import of its own (in
        an ``if`` or a ``try``). Statements that use neither (a ``print``, a constant, a
        function of plain values) are passed over. ``import a.b`` and
        ``from a.b import c`` give ``a`` and ``a.b`` (importing ``a.b`` imports ``a``
        first); relative imports end the scan. A cell that does not parse ends it too.
        """
        found: set[str] = set()
        bound: set[str] = set(IMPORT_CHANGERS)
        for source in self.code():
            try:
                statements = ast.parse(source).body
            except SyntaxError:
                return frozenset(found)
            for statement in statements:
                if isinstance(statement, ast.Import):
                    names = [alias.name for alias in statement.names]
                    bound.update(
                        alias.asname or alias.name.partition(".")[0] for alias in statement.names
                    )
                elif isinstance(statement, ast.ImportFrom) and statement.level == 0:
                    names = [statement.module or ""]
                    bound.update(alias.asname or alias.name for alias in statement.names)
                elif "*" in bound or any(
                    isinstance(node, (ast.Import, ast.ImportFrom))
                    or (isinstance(node, ast.Name) and node.id in bound)
                    for node in ast.walk(statement)
                ):
                    return frozenset(found)
                else:
                    continue
                for name in names:
                    parts = name.split(".")
                    found.update(".".join(parts[: n + 1]) for n in range(len(parts)))
        return frozenset(found)

    def line(self, number: int | None) -> str:
        """The stripped text of script line ``number`` (1-based), or ``""``."""
        return source_line(self.text, number)


def check_name(name: str, label: str) -> None:
    """Raise :class:`LessonError` if ``name`` breaks the script-name rule.

    >>> check_name("03_loss_and_autograd.py", "x")
    >>> check_name("9_extra.py", "examples/en/9_extra.py")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    tools.lessons.LessonError: examples/en/9_extra.py: a lesson script is named NN_topic.py: ...
    """
    if not SCRIPT_NAME.fullmatch(name):
        raise LessonError(f"{label}: {SCRIPT_RULE}")


def discover(
    project: config.Project | None = None, languages: tuple[str, ...] | None = None
) -> list[Example]:
    """All example scripts, sorted by language then name.

    Raises:
        LessonError: If a ``*.py`` in ``examples/<lang>/`` breaks the name rule
            (:data:`SCRIPT_NAME`; names starting with "_" or "." are not scripts).
    """
    project = project or config.load()
    found = []
    for lang in languages or project.codes:
        folder = project.examples_dir / lang
        for path in sorted(folder.glob("*.py")):
            if not path.name.startswith(("_", ".")):
                check_name(path.name, path.relative_to(project.root).as_posix())
        for script in sorted(folder.glob(SCRIPT_GLOB)):
            notebook = project.tutorials_dir(lang) / f"{script.stem}.ipynb"
            label = script.relative_to(project.root).as_posix()
            found.append(Example(lang, script.stem, script, notebook, label))
    return found


def decode(data: bytes, label: str) -> str:
    """``data`` as UTF-8 text; ``label`` names the file in the error.

    >>> decode("# 텐서".encode(), "x.py")
    '# 텐서'
    >>> decode(b"# caf\\xe9", "x.py")
    Traceback (most recent call last):
    ...
    tools.lessons.LessonError: x.py:1: not UTF-8 (byte 0xe9 at column 6); save it as UTF-8

    Raises:
        LessonError: If ``data`` starts with a byte order mark or is not UTF-8, naming
            the line and column of the first bad byte.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        raise LessonError(f"{label}:1: starts with a byte order mark; save it as UTF-8 without BOM")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        byte = data[error.start : error.start + 1].hex()
        raise LessonError(
            f"{label}:{line}: not UTF-8 (byte 0x{byte} at column {column}); save it as UTF-8"
        ) from None


def read_source(path: Path, label: str | None = None) -> str:
    """The text of a script, which must be UTF-8 without a byte order mark.

    Raises:
        LessonError: Naming the file (``label``, else the path) and the line of the
            first bad byte.
    """
    return decode(Path(path).read_bytes(), label or str(path))


def parse(text: str) -> Any:
    """A percent script's text as a notebook, with stable cell ids ``cell-<i>``."""
    import jupytext

    notebook = jupytext.reads(text, fmt="py:percent")
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index}"
    return notebook


def cell_lines(text: str, notebook: Any) -> list[int | None]:
    """1-based script line of the first body line of each cell of ``notebook``.

    >>> text = "# %% [markdown]\\n# # Title\\n\\n# %%\\nx = 1\\n"
    >>> cell_lines(text, parse(text))
    [2, 5]
    """
    lines = text.splitlines()
    starts = [number + 1 for number, line in enumerate(lines, start=1) if line.startswith("# %%")]
    # jupytext drops an empty header: cells map to "# %%" markers one to one.
    shift = len(starts) - len(notebook.cells)
    return [
        starts[index + shift] if 0 <= index + shift < len(starts) else None
        for index in range(len(notebook.cells))
    ]


def strip_anchor(text: str) -> str:
    """A Markdown heading's text without its trailing ``{ #anchor }``.

    >>> strip_anchor("텐서 { #tensors }")
    '텐서'
    """
    return EXPLICIT_ANCHOR.sub("", text).strip()


def notebook_title(notebook: Any) -> str | None:
    """The text of a notebook's first ``# title`` (parsed JSON or nbformat), no anchor.

    >>> notebook_title({"cells": [{"cell_type": "markdown", "source": "# Tensors { #t }"}]})
    'Tensors'
    >>> notebook_title({"cells": []}) is None
    True
    """
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "markdown":
            continue
        for line in "".join(cell.get("source", "")).splitlines():
            if line.startswith("# "):
                return strip_anchor(line[2:])
    return None


def source_line(text: str, number: int | None) -> str:
    """The stripped text of line ``number`` (1-based) of ``text``, or ``""``.

    >>> source_line("a\\n  b  \\n", 2), source_line("a", 5), source_line("a", None)
    ('b', '', '')
    """
    lines = text.splitlines()
    return lines[number - 1].strip() if number and 0 < number <= len(lines) else ""


def from_text(example: Example, text: str) -> Lesson:
    """The lesson of ``example`` whose script reads ``text`` (no file is read)."""
    notebook = parse(text)
    return Lesson(example, text, notebook, tuple(cell_lines(text, notebook)))


def read(example: Example, *, copy: bool = True) -> Lesson:
    """Read and parse ``example``'s script; the notebook is a copy of the caller's own.

    A text is parsed once (``mkdocs serve`` reads every script on each rebuild): the file
    is read each time, which is cheap, and its parse kept by its text, not by its
    modification time and size, which an edit in place that keeps the size can leave as
    they were (file times tick in milliseconds). With ``copy=False`` the lesson is the
    one every such caller shares, for a caller that only reads it (no copy made).

    Raises:
        LessonError: If the script is not UTF-8 or starts with a byte order mark.
    """
    parsed = _parsed(example, read_source(example.script, example.label))
    if not copy:
        return parsed
    return Lesson(example, parsed.text, _copy(parsed.notebook), parsed.starts)


def _copy(notebook: Any) -> Any:
    """A deep copy of a parsed notebook (through its JSON: ~10x faster than ``deepcopy``)."""
    import nbformat

    try:
        return nbformat.from_dict(json.loads(json.dumps(notebook)))
    except (TypeError, ValueError):  # not JSON (no parsed script is)
        return copy.deepcopy(notebook)


@functools.lru_cache(maxsize=256)
def _parsed(example: Example, text: str) -> Lesson:
    return from_text(example, text)
