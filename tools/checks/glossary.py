"""The bilingual glossary (``docs/ko/glossary.md``) and a check of the Korean prose.

The Korean pages gloss a term on first use, ``활성화 함수(activation function)``,
and must always use the glossary's Korean term for an English one. This module
reads the glossary table and finds glosses that pair an English glossary term
with another Korean word, such as ``웨이트(weight)``.

Run ``python -m tools.checks.glossary`` to list the inconsistent glosses in
``examples/ko/*.py`` and ``docs/ko/**/*.md`` (exit status 1 if there are any).
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from tools.config import ROOT

GLOSSARY = ROOT / "docs" / "ko" / "glossary.md"

_ROW = re.compile(r"^\|(.+)\|\s*$")
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_EMPHASIS = re.compile(r"(\*{1,2}|_{1,2})")
_GLOSS = re.compile(r"\s?\(([A-Za-z][A-Za-z0-9 .\-]*)\)")


@dataclass(frozen=True)
class Term:
    """One glossary entry."""

    korean: str
    english: str


@dataclass(frozen=True)
class Finding:
    """A gloss whose Korean word is not the glossary's term for its English term."""

    source: str
    line: int
    found: str
    term: Term

    def __str__(self) -> str:
        return (
            f"{self.source}:{self.line}: {self.found!r} glosses {self.term.english!r}; "
            f"the glossary's Korean term is {self.term.korean!r}"
        )


def load(path: Path = GLOSSARY) -> list[Term]:
    """Read the glossary table: Korean term in the first column, English in the second.

    Args:
        path: The Korean glossary page.

    Returns:
        The terms, in the order of the table.

    Raises:
        ValueError: If the page has no table rows, or an English term appears twice.
    """
    terms: list[Term] = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line.strip())
        if not match:
            continue
        cells = [cell.strip() for cell in match.group(1).split("|")]
        if len(cells) < 2 or set(cells[0]) <= set("-: ") or cells[1] == "English":
            continue
        terms.append(Term(korean=cells[0], english=cells[1]))
    if not terms:
        raise ValueError(f"path: no glossary table rows in {path}")
    seen: set[str] = set()
    for term in terms:
        key = term.english.lower()
        if key in seen:
            raise ValueError(f"path: English term {term.english!r} appears twice in {path}")
        seen.add(key)
    return terms


@dataclass(frozen=True)
class Gloss:
    """An English glossary term in parentheses after Korean text."""

    term: Term
    before: str
    line: int

    @property
    def consistent(self) -> bool:
        """Whether the Korean text before the gloss ends with the glossary's term."""
        return _ends_with_term(self.before, self.term.korean)

    @property
    def word(self) -> str:
        """The Korean word(s) before the gloss, as many as the glossary's term has."""
        return " ".join(self.before.split()[-len(self.term.korean.split()) :])


def glosses(text: str, terms: list[Term]) -> list[Gloss]:
    """The glosses of glossary terms in Korean prose.

    A gloss is an English glossary term (or its plural) in parentheses right after
    Korean text: ``가중치(weight)``, ``**출력층**(output layer)``. Code spans are
    skipped; a gloss may follow a line break inside a paragraph.

    Args:
        text: Korean Markdown prose.
        terms: The glossary.

    Returns:
        The glosses in order, with the Korean text before each (emphasis removed).
    """
    by_english = {term.english.lower(): term for term in terms}
    plain = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), text).replace("\n", " ")
    found: list[Gloss] = []
    for match in _GLOSS.finditer(plain):
        english = match.group(1).strip().lower()
        term = by_english.get(english) or by_english.get(english.removesuffix("s"))
        if term is None:
            continue
        window = plain[max(0, match.start() - 200) : match.start()]
        before = re.sub(r"\s+", " ", _EMPHASIS.sub("", window)).rstrip()
        if not re.search(r"[\uac00-\ud7a3]$", before):
            continue
        found.append(Gloss(term, before, text.count("\n", 0, match.start()) + 1))
    return found


def check_text(text: str, terms: list[Term], source: str = "<text>") -> list[Finding]:
    """Glosses in Korean prose that disagree with the glossary.

    The Korean text before a gloss (see :func:`glosses`) must end with the
    glossary's Korean term for the glossed English term.

    Args:
        text: Korean Markdown prose.
        terms: The glossary.
        source: Name used in the findings (a file path).

    Returns:
        One finding per disagreeing gloss, in order.

    Examples:
        >>> terms = [Term("가중치", "weight")]
        >>> check_text("각 가중치(weight)는 숫자입니다.", terms)
        []
        >>> [f.found for f in check_text("웨이트(weight)를 곱합니다.", terms)]
        ['웨이트']
    """
    return [
        Finding(source, gloss.line, gloss.word, gloss.term)
        for gloss in glosses(text, terms)
        if not gloss.consistent
    ]


def _ends_with_term(before: str, korean: str) -> bool:
    """Whether ``before`` ends with the whole word(s) ``korean``."""
    if not before.endswith(korean):
        return False
    rest = before[: -len(korean)]
    return not re.search(r"[\uac00-\ud7a3A-Za-z0-9]$", rest)


def markdown_of_script(path: Path) -> str:
    """The Markdown cells of a jupytext percent script, other lines left blank.

    Line numbers of the result are those of the script.
    """
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    in_markdown = False
    for line in lines:
        if line.startswith("# %%"):
            in_markdown = "[markdown]" in line
            out.append("")
        elif in_markdown and (line.startswith("# ") or line == "#"):
            out.append(line[2:])
        else:
            out.append("")
    return "\n".join(out)


def korean_sources(root: Path = ROOT) -> dict[str, str]:
    """The Korean prose of the project: lesson Markdown cells and Korean pages."""
    sources = {}
    for script in sorted((root / "examples" / "ko").glob("[0-9][0-9]_*.py")):
        sources[script.relative_to(root).as_posix()] = markdown_of_script(script)
    for page in sorted((root / "docs" / "ko").rglob("*.md")):
        if page.name == "glossary.md":
            continue
        sources[page.relative_to(root).as_posix()] = page.read_text(encoding="utf-8")
    return sources


def check(root: Path = ROOT) -> list[Finding]:
    """All inconsistent glosses in the Korean lessons and pages under ``root``."""
    terms = load(root / "docs" / "ko" / "glossary.md")
    findings: list[Finding] = []
    for source, text in korean_sources(root).items():
        findings += check_text(text, terms, source)
    return findings


def main() -> int:
    findings = check()
    for finding in findings:
        print(finding)
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
