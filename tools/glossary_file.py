"""A glossary page's tables: terms, the spellings not to use, names kept in Latin script.

The glossary of a language (``docs/<lang>/glossary.md``) is read by the Korean prose
check (:mod:`tools.checks.glossary`) and by the search step (:mod:`tools.search`: its
terms join the segmenter's dictionary, its avoided spellings become query synonyms).
This module only parses a page; it knows no language or folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

# The terms table's column that says where a term is glossed: empty (the lesson that
# first uses it), "3강" (lesson 3 introduces it), or EVERYDAY.
GLOSS_COLUMN = "영어 병기"
EVERYDAY = "일상어"

_ROW = re.compile(r"^\|(.+)\|\s*$")
_LESSON_CELL = re.compile(r"(\d+)강")


@dataclass(frozen=True)
class Term:
    """One glossary entry: its spellings to avoid and where it is glossed.

    ``lesson`` is the lesson the glossary names as the one that introduces the term
    (``None``: the first lesson that uses it); ``everyday`` marks a term that needs no
    gloss after lesson 1.
    """

    korean: str
    english: str
    avoid: tuple[str, ...] = ()
    everyday: bool = False
    lesson: int | None = None


@dataclass(frozen=True)
class Avoided:
    """A spelling the glossary says not to use, and the one to use instead."""

    spelling: str
    preferred: str


@dataclass
class Glossary:
    """The glossary page: its terms and every spelling it says not to use."""

    terms: list[Term]
    avoided: list[Avoided] = field(default_factory=list)
    latin_names: list[str] = field(default_factory=list)
    fixed_words: list[str] = field(default_factory=list)


def tables(path: Path) -> list[tuple[list[str], list[list[str]]]]:
    """The Markdown tables of a page, each as (header cells, body rows of cells)."""
    return tables_of_text(Path(path).read_text(encoding="utf-8"))


def tables_of_text(text: str) -> list[tuple[list[str], list[list[str]]]]:
    """The Markdown tables of a page's text, each as (header cells, body rows of cells).

    Examples:
        >>> tables_of_text("| a | b |\\n| --- | --- |\\n| 1 | 2 |\\n\\ntext")
        [(['a', 'b'], [['1', '2']])]
    """
    found: list[tuple[list[str], list[list[str]]]] = []
    current: list[list[str]] | None = None
    for line in text.splitlines():
        match = _ROW.match(line.strip())
        if not match:
            current = None
            continue
        cells = [cell.strip() for cell in match.group(1).split("|")]
        if current is None:
            current = []
            found.append((cells, current))
        elif not all(set(cell) <= set("-: ") for cell in cells):
            current.append(cells)
    return found


def _spellings(cell: str) -> tuple[str, ...]:
    """The comma-separated spellings of a table cell, without notes in parentheses."""
    cleaned = re.sub(r"\([^)]*\)", "", cell)
    return tuple(part.strip() for part in cleaned.split(",") if part.strip())


def gloss_rule(cell: str) -> tuple[bool, int | None]:
    """Read a ``영어 병기`` cell: (everyday, introducing lesson).

    Examples:
        >>> gloss_rule(""), gloss_rule("일상어"), gloss_rule("3강")
        ((False, None), (True, None), (False, 3))

    Raises:
        ValueError: If the cell is neither empty, ``일상어`` nor ``N강``.
    """
    cell = cell.strip()
    if not cell:
        return False, None
    if cell == EVERYDAY:
        return True, None
    match = _LESSON_CELL.fullmatch(cell)
    if match is None:
        raise ValueError(
            f"cell: a {GLOSS_COLUMN} cell is empty, {EVERYDAY!r} or a lesson like '3강', "
            f"got {cell!r}"
        )
    return False, int(match.group(1))


def read(path: Path) -> Glossary:
    """Read a glossary page (``docs/<lang>/glossary.md``).

    The terms come from the table whose header starts with ``한국어 | English``, with
    where each is glossed from its ``영어 병기`` column (see :func:`gloss_rule`); the
    spellings not to use from every table's ``피할 표기`` column (for the terms table,
    a term's own), the names kept in Latin script from the table whose header
    starts with ``이름``, and the fixed words (``파이썬 클래스``, which is not the term
    클래스) from the table whose header starts with ``쓰는 표기``.

    Args:
        path: The glossary page.

    Returns:
        The glossary.

    Raises:
        ValueError: If the page has no terms table, an English term appears twice, or a
            ``영어 병기`` cell is malformed.
    """
    terms: list[Term] = []
    avoided: list[Avoided] = []
    latin: list[str] = []
    fixed: list[str] = []
    for header, rows in tables(path):
        avoid_column = header.index("피할 표기") if "피할 표기" in header else None
        rule_column = header.index(GLOSS_COLUMN) if GLOSS_COLUMN in header else None
        for cells in rows:
            avoid: tuple[str, ...] = ()
            if avoid_column is not None and avoid_column < len(cells):
                avoid = _spellings(cells[avoid_column])
            if header[:2] == ["한국어", "English"] and len(cells) >= 2:
                everyday, lesson = False, None
                if rule_column is not None and rule_column < len(cells):
                    everyday, lesson = gloss_rule(cells[rule_column])
                terms.append(Term(cells[0], cells[1], avoid, everyday, lesson))
            elif header[0] == "이름":
                latin += _spellings(cells[0])
            elif header[0] == "쓰는 표기":
                fixed.append(cells[0])
            avoided += [Avoided(spelling, cells[0]) for spelling in avoid]
    if not terms:
        raise ValueError(f"path: no glossary table rows in {path}")
    seen: set[str] = set()
    for term in terms:
        key = term.english.lower()
        if key in seen:
            raise ValueError(f"path: English term {term.english!r} appears twice in {path}")
        seen.add(key)
    return Glossary(terms, avoided, latin, fixed)
