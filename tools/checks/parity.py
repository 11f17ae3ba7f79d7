"""Parity check: every translation of a lesson runs the same code as the default language.

The scripts of one lesson (``examples/<lang>/<name>.py``) must have the same cells, and
their code cells the same code; only Markdown cells, comments and the text of string
literals may differ. The code is compared as syntax trees (:mod:`ast`), so the
expressions and format specs inside f-strings count as code: ``f"{x.argmin()}"`` and
``f"{x.argmax():.3f}"`` differ, ``f"minimum {x}"`` and ``f"{x} (최솟값)"`` do not.

The build runs :func:`check` before it executes anything; ``python -m
tools.checks.parity`` runs it over every lesson (exit status 1 on a difference).
"""

from __future__ import annotations

import ast
import functools
import sys
from dataclasses import dataclass

from tools import config, lessons
from tools.lessons import Lesson


class _BlankStrings(ast.NodeTransformer):
    """Replace the text of string literals by ``""``; keep f-string expressions and specs."""

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, str):
            return ast.copy_location(ast.Constant(""), node)
        return node

    def visit_JoinedStr(self, node: ast.JoinedStr) -> ast.AST:
        # The text between the replacement fields is prose (a translation may move it);
        # the fields, in order, with their conversions and format specs, are code.
        fields: list[ast.expr] = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                value.value = self.visit(value.value)
                fields.append(value)
        node.values = fields
        return node


@dataclass(frozen=True)
class Statement:
    """One top-level statement of a code cell, compared by its blanked syntax tree."""

    line: int  # 1-based, within the cell
    tree: str


def statements(source: str) -> list[Statement]:
    """The cell's top-level statements with their string literals blanked.

    Raises:
        SyntaxError: If the cell is not valid Python.
    """
    return list(_statements(source))


@functools.lru_cache(maxsize=4096)  # `mkdocs serve` compares each cell again at each edit
def _statements(source: str) -> tuple[Statement, ...]:
    module = ast.parse(source)
    blank = _BlankStrings()
    return tuple(
        Statement(node.lineno, ast.dump(blank.visit(node), include_attributes=False))
        for node in module.body
    )


def compare(default: Lesson, other: Lesson) -> list[str]:
    """Differences between two scripts of one lesson, as messages naming both lines.

    Args:
        default: The default language's script, as :func:`tools.lessons.read` reads it.
        other: A translation's.
    """
    label_a, label_b = default.example.label, other.example.label
    book_a, book_b = default.notebook, other.notebook
    starts_a, starts_b = default.starts, other.starts
    kinds_a = [cell.cell_type for cell in book_a.cells]
    kinds_b = [cell.cell_type for cell in book_b.cells]
    if kinds_a != kinds_b:
        index = next(
            (i for i, (a, b) in enumerate(zip(kinds_a, kinds_b, strict=False)) if a != b),
            min(len(kinds_a), len(kinds_b)),
        )
        line_a = starts_a[index] if index < len(starts_a) else len(default.text.splitlines())
        line_b = starts_b[index] if index < len(starts_b) else len(other.text.splitlines())
        return [
            f"{label_a}:{line_a} and {label_b}:{line_b}: the cells differ "
            f"({len(kinds_a)} and {len(kinds_b)} cells; cell {index + 1} is "
            f"{kinds_a[index] if index < len(kinds_a) else 'missing'} and "
            f"{kinds_b[index] if index < len(kinds_b) else 'missing'})"
        ]
    problems = []
    for index, (cell_a, cell_b) in enumerate(zip(book_a.cells, book_b.cells, strict=True)):
        if cell_a.cell_type != "code":
            continue
        parsed = []
        for label, start, cell in (
            (label_a, starts_a[index], cell_a),
            (label_b, starts_b[index], cell_b),
        ):
            try:
                parsed.append(statements(cell.source))
            except SyntaxError as error:
                line = (start or 1) + (error.lineno or 1) - 1
                problems.append(f"{label}:{line}: SyntaxError: {error.msg}")
        if len(parsed) != 2:
            continue
        for position in range(max(len(parsed[0]), len(parsed[1]))):
            a = parsed[0][position] if position < len(parsed[0]) else None
            b = parsed[1][position] if position < len(parsed[1]) else None
            if a is not None and b is not None and a.tree == b.tree:
                continue
            line_a = (starts_a[index] or 1) + (a.line - 1 if a else len(cell_a.source.splitlines()))
            line_b = (starts_b[index] or 1) + (b.line - 1 if b else len(cell_b.source.splitlines()))
            problems.append(
                f"{label_a}:{line_a} and {label_b}:{line_b}: the code differs "
                "(only comments and the text of strings may)\n"
                f"    {default.line(line_a)}\n    {other.line(line_b)}"
            )
            break
    return problems


def check(project: config.Project | None = None, names: list[str] | None = None) -> list[str]:
    """Every difference between each translation and the default language's script.

    Args:
        project: The project (default: this repository's).
        names: Lessons to check (default: every script of the default language).

    Returns:
        One message per difference, each naming the lesson's two files and lines.
    """
    project = project or config.load()
    default = project.default.code
    by_key = {(example.lang, example.name): example for example in lessons.discover(project)}
    if names is None:
        names = sorted(name for lang, name in by_key if lang == default)
    problems = []
    for name in names:
        base = by_key.get((default, name))
        for language in project.languages[1:]:
            translation = by_key.get((language.code, name))
            if base is None or translation is None:
                present = base or translation
                assert present is not None
                missing = f"examples/{default if base is None else language.code}/{name}.py"
                problems.append(f"{missing} is missing ({present.label} exists)")
                continue
            try:
                pair = [lessons.read(example) for example in (base, translation)]
            except lessons.LessonError as error:
                problems.append(str(error))
                continue
            problems += compare(pair[0], pair[1])
    return problems


def main() -> int:
    problems = check()
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"{len(problems)} difference(s) in code between the translations")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
