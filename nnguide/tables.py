"""Plain-text tables that line up in a terminal, in English and in Korean.

Python's format specifications (`f"{name:16}"`) pad by *characters*. A terminal, a
notebook's output cell and a monospaced web font give a Hangul syllable (and any other
East Asian wide character) two columns, so a Korean table padded by characters comes
out ragged. These helpers pad by display width instead, following the East Asian Width
property of Unicode (`unicodedata.east_asian_width`): wide (`W`) and full-width (`F`)
characters take two columns, combining marks and zero-width characters none, and
everything else one.

Some characters (`·`, `×`, `λ`, `σ`, `²`, `→`) are East Asian *Ambiguous*: Western
fonts draw them one column wide, Korean, Chinese and Japanese fonts two. `format_table`
resolves them by context, as Unicode's UAX #11 suggests: two columns in a table that
holds Hangul or other wide characters, one otherwise.
"""

from __future__ import annotations

import numbers
import unicodedata
from collections.abc import Sequence

from nnguide._validation import check_int, check_str, describe

__all__ = ["display_width", "format_table", "pad"]

_ALIGNMENTS = ("<", ">", "^")


def _char_width(char: str, ambiguous: int) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    kind = unicodedata.east_asian_width(char)
    if kind == "A":
        return ambiguous
    return 2 if kind in ("W", "F") else 1


def _check_ambiguous(value: object) -> int:
    number = check_int(value, "ambiguous")
    if number not in (1, 2):
        raise ValueError(f"ambiguous must be 1 or 2 (columns), got {value!r}")
    return number


def display_width(text: str, ambiguous: int = 1) -> int:
    """Return the number of terminal columns `text` takes.

    Args:
        text: One line of text. A control character, such as a newline or a tab, has no
            single width and is refused.
        ambiguous: Columns of an East Asian Ambiguous character such as `·` or `λ`: 1, as
            Western fonts draw it (the default), or 2, as Korean fonts do.

    Returns:
        The sum of the widths of the characters: 2 for East Asian wide and full-width
        characters (Hangul, CJK ideographs, full-width forms), 0 for combining marks and
        zero-width format characters, 1 otherwise.

    Raises:
        TypeError: If `text` is not a `str`.
        ValueError: If `text` holds a control character (newline, tab, ...), or
            `ambiguous` is neither 1 nor 2.

    Examples:
        >>> display_width("loss")
        4
        >>> display_width("손실")
        4
        >>> len("손실")
        2
        >>> display_width("λ = 1"), display_width("λ = 1", ambiguous=2)
        (5, 6)
    """
    if not isinstance(text, str):
        raise TypeError(f"text must be a str, got {describe(text)}")
    ambiguous = _check_ambiguous(ambiguous)
    for char in text:
        if unicodedata.category(char) == "Cc":
            raise ValueError(f"text must be one line without control characters, got {text!r}")
    return sum(_char_width(char, ambiguous) for char in text)


def _is_wide(text: str) -> bool:
    return any(unicodedata.east_asian_width(char) in ("W", "F") for char in text)


def pad(text: str, width: int, align: str = "<", ambiguous: int = 1) -> str:
    """Pad `text` with spaces to `width` display columns.

    Args:
        text: The text to pad (one line).
        width: The display width to reach. Text already as wide or wider is returned as
            it is, never cut.
        align: `"<"` (left, the default), `">"` (right) or `"^"` (centre), as in a format
            specification.
        ambiguous: Columns of an East Asian Ambiguous character (see `display_width`).

    Returns:
        `text` with spaces added so that `display_width` of the result is at least `width`.

    Raises:
        TypeError: If `text` is not a `str` or `width` is not an int.
        ValueError: If `align` is not one of `"<"`, `">"`, `"^"`, or `width` is negative.

    Examples:
        >>> pad("손실", 6) + "|"
        '손실  |'
        >>> pad("loss", 6, ">") + "|"
        '  loss|'
    """
    width = check_int(width, "width", minimum=0)
    align = check_str(align, "align", choices=_ALIGNMENTS)
    missing = max(width - display_width(text, ambiguous), 0)
    if align == "<":
        return text + " " * missing
    if align == ">":
        return " " * missing + text
    left = missing // 2
    return " " * left + text + " " * (missing - left)


def _cell(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"a table cell must be a str or a real number, got {describe(value)}")
    return f"{value:,}" if isinstance(value, numbers.Integral) else f"{float(value):.4g}"


def format_table(
    rows: Sequence[Sequence[object]],
    headers: Sequence[str] | None = None,
    *,
    align: str | None = None,
    gap: int = 2,
    ambiguous: int | None = None,
) -> str:
    """Lay out `rows` as a plain-text table whose columns line up by display width.

    Format numbers the way the table should show them (`f"{loss:.3f}"`, `f"{acc:.1%}"`)
    and pass the strings; a cell that is still an `int` is written with thousands
    separators and a `float` with 4 significant digits.

    Args:
        rows: The table's rows, each a sequence of cells (`str`, `int` or `float`), all of
            the same length.
        headers: Column titles, one per column, printed above the rows; `None` for none.
        align: One of `"<"`, `">"`, `"^"` per column, e.g. `"<>>"`. By default the first
            column is left-aligned and the others right-aligned, as numbers are.
        gap: Spaces between columns.
        ambiguous: Columns of an East Asian Ambiguous character (`·`, `×`, `λ`): 1 or 2.
            `None` (the default) decides by context: 2 when a cell or header holds Hangul
            or another wide character, as the Korean fonts that draw it do, else 1.

    Returns:
        The table as lines joined by newlines, without trailing spaces: every line has
        its columns at the same display positions.

    Raises:
        TypeError: If `rows` is not a sequence of sequences, or a cell is neither a `str`
            nor a real number.
        ValueError: If rows differ in length from each other, from `headers` or from
            `align`, `align` holds a character other than `<`, `>`, `^`, a cell spans
            several lines, or `ambiguous` is neither 1, 2 nor `None`.

    Examples:
        >>> print(format_table([["MLP", "4,810"], ["합성곱 신경망", "6,090"]],
        ...                    headers=["모델", "매개변수 수"]))
        모델           매개변수 수
        MLP                  4,810
        합성곱 신경망        6,090
    """
    gap = check_int(gap, "gap", minimum=1)
    if isinstance(rows, (str, bytes)) or not isinstance(rows, Sequence):
        raise TypeError(f"rows must be a sequence of rows, got {describe(rows)}")
    table: list[list[str]] = []
    for index, row in enumerate(rows):
        if isinstance(row, (str, bytes)) or not isinstance(row, Sequence):
            raise TypeError(f"rows[{index}] must be a sequence of cells, got {describe(row)}")
        table.append([_cell(value) for value in row])
    if headers is not None:
        if isinstance(headers, (str, bytes)) or not isinstance(headers, Sequence):
            raise TypeError(f"headers must be a sequence of str, got {describe(headers)}")
        titles = [check_str(header, f"headers[{index}]") for index, header in enumerate(headers)]
        table.insert(0, titles)
    if not table:
        return ""
    columns = len(table[0])
    first = "headers" if headers is not None else "rows[0]"
    for index, row in enumerate(table[1:] if headers is not None else table):
        if len(row) != columns:
            raise ValueError(
                f"every row must have {columns} cells like {first}, but rows[{index}] has "
                f"{len(row)}: {row!r}"
            )
    if align is None:
        align = "<" + ">" * (columns - 1)
    if not isinstance(align, str):
        raise TypeError(f"align must be a str such as '<>>', got {describe(align)}")
    if len(align) != columns or any(char not in _ALIGNMENTS for char in align):
        raise ValueError(
            f"align must have one of '<', '>', '^' for each of the {columns} columns, got {align!r}"
        )
    if ambiguous is None:
        ambiguous = 2 if any(_is_wide(cell) for row in table for cell in row) else 1
    ambiguous = _check_ambiguous(ambiguous)
    widths = [
        max(display_width(row[column], ambiguous) for row in table) for column in range(columns)
    ]
    separator = " " * gap
    return "\n".join(
        separator.join(
            pad(cell, width, how, ambiguous)
            for cell, width, how in zip(row, widths, align, strict=True)
        ).rstrip()
        for row in table
    )
