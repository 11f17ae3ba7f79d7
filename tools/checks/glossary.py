"""The bilingual glossary (``docs/ko/glossary.md``) and a check of the Korean prose.

The Korean pages use one Korean term for each English glossary term, gloss it once
where it first appears in a lesson, ``활성화 함수(activation function)``, and then write
the Korean term alone. This module reads the glossary and finds, in the Korean prose
(the Markdown cells and comments of ``examples/ko/*.py`` and the pages under
``docs/ko``):

- ``gloss``: a gloss that pairs an English term with another Korean word,
  ``웨이트(weight)``;
- ``latin``: an English glossary term written in Latin script in Korean prose,
  ``softmax를 적용합니다`` (code spans, math, links and a gloss right after the
  Korean term are not prose);
- ``unglossed``: a term whose first appearance in a lesson has no gloss;
- ``repeated``: a term glossed again after its first appearance in a lesson;
- ``avoid``: a spelling the glossary lists as not used, ``에폭``.

Run ``python -m tools.checks.glossary`` to list the findings, counted per file (exit status 1
if there are any).
"""

from __future__ import annotations

import io
import re
import sys
import tokenize
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tools.config import ROOT

GLOSSARY = ROOT / "docs" / "ko" / "glossary.md"

_ROW = re.compile(r"^\|(.+)\|\s*$")
_CODE_SPAN = re.compile(r"`[^`\n]*`")
_EMPHASIS = re.compile(r"(\*{1,2}|_{1,2})")
_GLOSS = re.compile(r"\s?\(([A-Za-z][A-Za-z0-9 .\-]*)\)")
_HANGUL = "\uac00-\ud7a3"

# Text that is not prose: math, links, heading attributes, quoted titles of English works.
_DISPLAY_MATH = re.compile(r"\$\$.*?\$\$", re.DOTALL)
_INLINE_MATH = re.compile(r"\$[^$\n]+\$")
_URL = re.compile(r"<?https?://[^\s>)]+>?")
_LINK_TARGET = re.compile(r"\]\([^)\n]*\)")
_ATTRIBUTES = re.compile(r"\{\s*#[^}\n]*\}")
_QUOTED_LATIN = re.compile(rf"[\"“][^\"”{_HANGUL}]*[\"”]")
# A parenthesis of Latin text right after Korean text: a gloss (emphasis is blanked first).
_LATIN_GLOSS = re.compile(rf"(?<=[{_HANGUL}])\s*\([A-Za-z][^(){_HANGUL}]*\)")

# What may follow a Korean term for it to count as the term itself: a particle or an
# ending of 이다 (가중치를, 가중치입니다), a plural (가중치들), or no Hangul at all.
# 학습시키다, 갱신하다, 확률적 are other words built on the term.
_PARTICLE_STARTS = tuple("은는이가을를의에로으와과도만까부마처보나들끼씩입인일라란랑뿐조")


@dataclass(frozen=True)
class Term:
    """One glossary entry, with the Korean spellings not to use for it."""

    korean: str
    english: str
    avoid: tuple[str, ...] = ()


@dataclass(frozen=True)
class Avoided:
    """A spelling the glossary says not to use, and the one to use instead."""

    spelling: str
    preferred: str


@dataclass(frozen=True)
class Finding:
    """One problem in the Korean prose, at ``source:line``."""

    source: str
    line: int
    found: str
    term: Term | None = None
    kind: str = "gloss"
    preferred: str = ""

    def __post_init__(self) -> None:
        # A term broken across lines is reported as it reads: one space between words.
        object.__setattr__(self, "found", re.sub(r"\s+", " ", self.found))

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}: "
        if self.kind == "latin":
            return (
                f"{where}{self.found!r} is the glossary term {self.term.english!r} in Latin "
                f"script; write {self.term.korean!r}"
            )
        if self.kind == "unglossed":
            return (
                f"{where}{self.term.korean!r} first appears here without its gloss; write "
                f"'{self.term.korean}({self.term.english})' here"
            )
        if self.kind == "repeated":
            return (
                f"{where}'{self.term.korean}({self.term.english})' is glossed again; gloss a "
                "term only where it first appears"
            )
        if self.kind == "avoid":
            return (
                f"{where}{self.found!r} is a spelling the glossary avoids; write {self.preferred!r}"
            )
        return (
            f"{where}{self.found!r} glosses {self.term.english!r}; "
            f"the glossary's Korean term is {self.term.korean!r}"
        )


@dataclass
class Glossary:
    """The glossary page: its terms and every spelling it says not to use."""

    terms: list[Term]
    avoided: list[Avoided] = field(default_factory=list)
    latin_names: list[str] = field(default_factory=list)
    fixed_words: list[str] = field(default_factory=list)


def tables(path: Path) -> list[tuple[list[str], list[list[str]]]]:
    """The Markdown tables of a page, each as (header cells, body rows of cells)."""
    found: list[tuple[list[str], list[list[str]]]] = []
    current: list[list[str]] | None = None
    for line in Path(path).read_text(encoding="utf-8").splitlines():
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


def read(path: Path = GLOSSARY) -> Glossary:
    """Read the Korean glossary page.

    The terms come from the table whose header starts with ``한국어 | English``; the
    spellings not to use from every table's ``피할 표기`` column (for the terms table,
    a term's own), the names kept in Latin script from the table whose header
    starts with ``이름``, and the fixed words (``파이썬 클래스``, which is not the term
    클래스) from the table whose header starts with ``쓰는 표기``.

    Args:
        path: The Korean glossary page.

    Returns:
        The glossary.

    Raises:
        ValueError: If the page has no terms table, or an English term appears twice.
    """
    terms: list[Term] = []
    avoided: list[Avoided] = []
    latin: list[str] = []
    fixed: list[str] = []
    for header, rows in tables(path):
        avoid_column = header.index("피할 표기") if "피할 표기" in header else None
        for cells in rows:
            avoid = ()
            if avoid_column is not None and avoid_column < len(cells):
                avoid = _spellings(cells[avoid_column])
            if header[:2] == ["한국어", "English"] and len(cells) >= 2:
                terms.append(Term(korean=cells[0], english=cells[1], avoid=avoid))
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


def load(path: Path = GLOSSARY) -> list[Term]:
    """The terms of the glossary page (see :func:`read`), in the order of the table."""
    return read(path).terms


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


def _english_term(term: Term) -> re.Pattern[str]:
    """The English term in Latin script, any case, optionally plural, as a whole word."""
    words = [re.escape(word) for word in re.split(r"[\s-]+", term.english)]
    body = r"[\s-]?".join(words)
    return re.compile(rf"(?<![A-Za-z0-9_.]){body}(?:e?s)?(?![A-Za-z0-9_])", re.IGNORECASE)


def _blank(text: str, pattern: re.Pattern[str]) -> str:
    """``text`` with every match of ``pattern`` replaced by spaces (line breaks kept)."""
    return pattern.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def prose(text: str) -> str:
    """Korean Markdown with everything that is not prose blanked, offsets kept.

    Code spans, math, URLs and link targets, heading attributes (``{ #anchor }``),
    quoted titles without Korean text and emphasis markers become spaces.
    """
    for pattern in (
        _CODE_SPAN,
        _DISPLAY_MATH,
        _INLINE_MATH,
        _LINK_TARGET,
        _URL,
        _ATTRIBUTES,
        _QUOTED_LATIN,
    ):
        text = _blank(text, pattern)
    return text.replace("*", " ")


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
        if not re.search(rf"[{_HANGUL}]$", before):
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


def latin_terms(text: str, terms: list[Term], source: str = "<text>") -> list[Finding]:
    """English glossary terms written in Latin script in Korean prose.

    Code spans, math, links and glosses (a Latin parenthesis right after Korean text)
    are not prose. A dotted name such as ``nn.Softmax`` outside a code span is not
    flagged as a term either.

    Examples:
        >>> terms = [Term("소프트맥스", "softmax")]
        >>> [f.found for f in latin_terms("Softmax를 적용하고 `softmax`를 씁니다.", terms)]
        ['Softmax']
        >>> latin_terms("소프트맥스(softmax)는 확률을 냅니다.", terms)
        []
    """
    plain = _blank(prose(text), _LATIN_GLOSS)
    found: list[tuple[int, Finding]] = []
    taken: list[tuple[int, int]] = []
    for term in sorted(terms, key=lambda t: -len(t.english)):
        for match in _english_term(term).finditer(plain):
            if any(start < match.end() and match.start() < end for start, end in taken):
                continue
            taken.append(match.span())
            line = text.count("\n", 0, match.start()) + 1
            found.append((match.start(), Finding(source, line, match.group(0), term, "latin")))
    return [finding for _, finding in sorted(found, key=lambda pair: pair[0])]


def _korean_pattern(terms: list[Term]) -> re.Pattern[str]:
    """Any Korean term as a word of its own, the longest term first."""
    alternatives = [
        r"\s+".join(re.escape(word) for word in term.korean.split())
        for term in sorted(terms, key=lambda t: -len(t.korean))
    ]
    return re.compile(rf"(?<![{_HANGUL}])(?:{'|'.join(alternatives)})")


def _is_word(plain: str, end: int) -> bool:
    """Whether the Korean term ending at ``end`` stands as a word (see ``_PARTICLE_STARTS``)."""
    rest = plain[end : end + 1]
    return not re.match(rf"[{_HANGUL}]", rest) or rest in _PARTICLE_STARTS


def unglossed_terms(
    text: str, terms: list[Term], source: str = "<lesson>", other_words: list[str] = ()
) -> list[Finding]:
    """Terms not glossed where they first appear in a lesson, and terms glossed twice.

    A term appears where its Korean spelling stands as a word of its own outside a
    heading (``학습률`` is the term 학습률, not 학습; ``갱신합니다`` is a verb, not the
    term 갱신). Its first appearance must be followed by its gloss,
    ``가중치(weight)``; a second gloss of the same term is a finding too (a first
    gloss that comes late is reported once, where the term first appears). Words in
    ``other_words`` (the glossary's fixed words, such as ``파이썬 클래스``) are not
    terms, even where they contain one.

    Examples:
        >>> terms = [Term("가중치", "weight"), Term("편향", "bias")]
        >>> text = "가중치(weight)와 편향을 봅니다.\\n편향(bias)과 가중치(weight)입니다."
        >>> [(f.line, f.kind, f.term.korean) for f in unglossed_terms(text, terms)]
        [(1, 'unglossed', '편향'), (2, 'repeated', '가중치')]
    """
    plain = prose(text)
    for word in sorted(other_words, key=len, reverse=True):
        body = r"\s+".join(re.escape(part) for part in word.split())
        plain = _blank(plain, re.compile(rf"(?<![{_HANGUL}]){body}"))
    plain = "\n".join(
        re.sub(r"[^\n]", " ", line) if line.lstrip().startswith("#") else line
        for line in plain.split("\n")
    )
    by_korean = {re.sub(r"\s+", " ", term.korean): term for term in terms}
    seen: set[str] = set()
    glossed_once: set[str] = set()
    found: list[Finding] = []
    for match in _korean_pattern(terms).finditer(plain):
        if not _is_word(plain, match.end()):
            continue
        term = by_korean[re.sub(r"\s+", " ", match.group(0))]
        glossed = re.match(
            r"\s*\(\s*" + _english_term(term).pattern + r"\s*[,;)]",
            plain[match.end() :],
            re.IGNORECASE,
        )
        line = text.count("\n", 0, match.start()) + 1
        if term.korean not in seen and not glossed:
            found.append(Finding(source, line, match.group(0), term, "unglossed"))
        elif glossed and term.korean in glossed_once:
            found.append(Finding(source, line, match.group(0), term, "repeated"))
        seen.add(term.korean)
        if glossed:
            glossed_once.add(term.korean)
    return found


def avoided_spellings(text: str, avoided: list[Avoided], source: str = "<text>") -> list[Finding]:
    """Spellings the glossary lists as not used, in Korean prose.

    Examples:
        >>> avoided = [Avoided("에폭", "에포크"), Avoided("Python", "파이썬")]
        >>> [(f.found, f.preferred) for f in avoided_spellings("3 에폭 동안 Python으로", avoided)]
        [('에폭', '에포크'), ('Python', '파이썬')]
    """
    plain = prose(text)
    found: list[tuple[int, Finding]] = []
    for item in avoided:
        body = r"\s+".join(re.escape(word) for word in item.spelling.split())
        if re.match(r"[A-Za-z]", item.spelling):
            pattern = rf"(?<![A-Za-z0-9_.]){body}(?![A-Za-z0-9_])"
        else:
            pattern = rf"(?<![{_HANGUL}]){body}"
        short_end = len(item.spelling.split()[-1]) == 1
        for match in re.finditer(pattern, plain):
            # 다음 장 is avoided, but 다음 장치 is another word: a one-syllable ending
            # must stand as a word of its own.
            if short_end and not _is_word(plain, match.end()):
                continue
            line = text.count("\n", 0, match.start()) + 1
            finding = Finding(source, line, match.group(0), kind="avoid", preferred=item.preferred)
            found.append((match.start(), finding))
    return [finding for _, finding in sorted(found, key=lambda pair: pair[0])]


def _ends_with_term(before: str, korean: str) -> bool:
    """Whether ``before`` ends with the whole word(s) ``korean``."""
    if not before.endswith(korean):
        return False
    rest = before[: -len(korean)]
    return not re.search(rf"[{_HANGUL}A-Za-z0-9]$", rest)


def markdown_of_script(path: Path) -> str:
    """The Korean prose of a jupytext percent script: Markdown cells and comments.

    Other lines (code, string literals, cell markers) are left blank, so line
    numbers of the result are those of the script. A comment in a code cell keeps
    its text only, without the ``#``.
    """
    source = Path(path).read_text(encoding="utf-8")
    lines = source.splitlines()
    comments: dict[int, str] = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            comments[token.start[0]] = token.string
    out: list[str] = []
    in_markdown = False
    for number, line in enumerate(lines, start=1):
        if line.startswith("# %%"):
            in_markdown = "[markdown]" in line
            out.append("")
        elif in_markdown and (line.startswith("# ") or line == "#"):
            out.append(line[2:])
        elif number in comments and not in_markdown:
            out.append(comments[number].lstrip("#").strip())
        else:
            out.append("")
    return "\n".join(out)


def korean_sources(root: Path = ROOT) -> dict[str, str]:
    """The Korean prose of the project: lessons (Markdown cells, comments) and pages."""
    sources = {}
    for script in sorted((root / "examples" / "ko").glob("[0-9][0-9]_*.py")):
        sources[script.relative_to(root).as_posix()] = markdown_of_script(script)
    for page in sorted((root / "docs" / "ko").rglob("*.md")):
        if page.name == "glossary.md":
            continue
        sources[page.relative_to(root).as_posix()] = page.read_text(encoding="utf-8")
    return sources


def check_source(source: str, text: str, glossary: Glossary) -> list[Finding]:
    """Every finding in one Korean source; the gloss-at-first-use rule only for lessons."""
    findings = check_text(text, glossary.terms, source)
    findings += latin_terms(text, glossary.terms, source)
    findings += avoided_spellings(text, glossary.avoided, source)
    if source.startswith("examples/"):
        findings += unglossed_terms(text, glossary.terms, source, glossary.fixed_words)
    return sorted(findings, key=lambda finding: finding.line)


def findings_by_source(root: Path = ROOT) -> dict[str, list[Finding]]:
    """The findings of each Korean lesson and page under ``root`` (empty lists included)."""
    glossary = read(root / "docs" / "ko" / "glossary.md")
    return {
        source: check_source(source, text, glossary)
        for source, text in korean_sources(root).items()
    }


def check(root: Path = ROOT) -> list[Finding]:
    """All findings in the Korean lessons and pages under ``root``."""
    return [finding for found in findings_by_source(root).values() for finding in found]


def main() -> int:
    per_source = findings_by_source()
    for found in per_source.values():
        for finding in found:
            print(finding)
    for source, found in per_source.items():
        kinds = Counter(finding.kind for finding in found)
        detail = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
        print(f"{source}: {len(found)} findings" + (f" ({detail})" if detail else ""))
    return 1 if any(per_source.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
