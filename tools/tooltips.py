"""Glossary tooltips: a lesson's glossary terms as Markdown abbreviations.

The glossary page of a language (``docs/<lang>/glossary.md``) is the one source: its
first table lists a term per row, as ``term | the term in the other language | gloss |
meaning``. :func:`definitions` reads it; :func:`abbreviations` gives the lines
``*[term]: tooltip`` (Python-Markdown's ``abbr`` extension) for the terms a lesson
uses, which the plugin appends to the lesson's Markdown. Material's ``content.tooltips``
feature shows each ``<abbr>``'s title on hover and focus.

A tooltip gives the term's meaning; on a page whose language is not the default, it
also gives the term in the default language (``가중치`` → "weight: ..."). In a
language whose words take particles (Korean: ``가중치를``), a term is found at the start
of a word too, and that whole word is marked.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Collection
from pathlib import Path

from tools import glossary_file
from tools.math_text import plain_math

# Markdown a tooltip (an HTML title, plain text) cannot show: code and math marks, emphasis.
_MARKUP = re.compile(r"[`$]|\*\*|__")


def tooltip_text(meaning: str) -> str:
    r"""A glossary meaning as plain one-line text, its formulas as a reader sees them.

    >>> tooltip_text("A tensor's `state_dict`, **not** $\\frac{a}{b}$.")
    "A tensor's state_dict, not a/b."
    >>> tooltip_text(r"The number $\eta$, and $C_\text{in} \times k \times k$ weights.")
    'The number η, and Cᵢₙ × k × k weights.'
    """
    return " ".join(_MARKUP.sub("", plain_math(meaning)).split())


def definitions(glossary: Path, with_counterpart: bool) -> dict[str, str]:
    """Term -> tooltip, from the first table of a glossary page.

    Args:
        glossary: The page (``docs/<lang>/glossary.md``).
        with_counterpart: Whether a tooltip starts with the term in the other language.

    Raises:
        ValueError: If the page has no table, or its first table has fewer than four
            columns (term, the other language's term, gloss, meaning).
    """
    found = glossary_file.tables(glossary)
    if not found or len(found[0][0]) < 4:
        raise ValueError(
            f"glossary: {glossary} needs a first table of terms: term | the term in the "
            "other language | gloss | meaning"
        )
    terms = {}
    for cells in found[0][1]:
        if len(cells) < 4 or not cells[0] or not cells[3]:
            continue
        text = tooltip_text(cells[3])
        if with_counterpart and cells[1]:
            text = f"{cells[1]}: {text}"
        terms[cells[0]] = text
    return terms


def abbreviations(markdown: str, terms: dict[str, str], attached: bool = False) -> str:
    """The abbreviation lines (``*[term]: tooltip``) for the terms ``markdown`` uses.

    A term is also found with a capital first letter (at the start of a sentence).
    ``attached``: words take particles, so a word that starts with a term (and with no
    longer term) is marked as a whole, with that term's tooltip.

    >>> terms = {"loss": "How wrong.", "학습": "training: ...", "학습률": "learning rate: ..."}
    >>> print(abbreviations("Loss and loss; 학습률을 바꾸면 학습이 달라집니다.", terms, True))
    *[loss]: How wrong.
    *[Loss]: How wrong.
    *[학습률을]: learning rate: ...
    *[학습이]: training: ...
    """
    lines: dict[str, str] = {}
    # A form that is not in the text at all (most of the glossary) is not searched for.
    for term, text in terms.items():
        for form in dict.fromkeys((term, term[:1].upper() + term[1:])):
            if form in markdown and _whole(form).search(markdown):
                lines[form] = text
    if attached:
        by_length = sorted(terms, key=len, reverse=True)
        for term in by_length:  # a longer term first: 학습률을 is 학습률's, not 학습's
            if term not in markdown:
                continue
            for match in _attached(term).finditer(markdown):
                if match.group(0) not in terms:
                    lines.setdefault(match.group(0), terms[term])
    return "\n".join(f"*[{form}]: {text}" for form, text in lines.items())


@functools.lru_cache(maxsize=4096)
def _whole(form: str) -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(form)}\b")


@functools.lru_cache(maxsize=4096)
def _attached(term: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(term)}\w+")


_MARKS = re.compile(r'<(/?)h([1-6])\b[^>]*>|<abbr title="([^"]*)">(.*?)</abbr>', re.S)


def first_per_section(content: str, tooltips: Collection[str]) -> str:
    """Keep a glossary tooltip on a term's first use in each section only.

    ``abbr`` marks every use of a term; a page full of dotted underlines is hard to
    read. A term keeps its mark where a section (``<h2>``) first uses it, and never in a
    heading; other abbreviations (a page's own ``*[MLP]: ...``) are left alone.
    ``tooltips``: the glossary's tooltip texts (the marks' titles).

    >>> html = '<h1><abbr title="t">loss</abbr></h1><p><abbr title="t">loss</abbr>, '
    >>> html += '<abbr title="t">Loss</abbr> <abbr title="x">MLP</abbr> <abbr title="x">MLP</abbr>'
    >>> html += '</p><h2 id="b">B</h2><p><abbr title="t">loss</abbr></p>'
    >>> print(first_per_section(html, {"t"}))
    <h1>loss</h1><p><abbr title="t">loss</abbr>, Loss <abbr title="x">MLP</abbr> \
<abbr title="x">MLP</abbr></p><h2 id="b">B</h2><p><abbr title="t">loss</abbr></p>
    """
    seen: set[str] = set()
    heading = False

    def mark(match: re.Match[str]) -> str:
        nonlocal heading
        if match.group(2):
            heading = not match.group(1)
            if heading and match.group(2) in "12":
                seen.clear()
            return match.group(0)
        title = html.unescape(match.group(3))
        if title not in tooltips:
            return match.group(0)
        if heading or title in seen:
            return match.group(4)
        seen.add(title)
        return match.group(0)

    return _MARKS.sub(mark, content)
