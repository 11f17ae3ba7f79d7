"""The bilingual glossary (``docs/ko/glossary.md``) and a check of the Korean prose.

The Korean pages use one Korean term for each English glossary term. A term is glossed
once in the whole course, ``활성화 함수(activation function)``, in the lesson that
introduces it, and written alone everywhere else. This module reads the glossary and
finds, in the Korean prose (the Markdown cells and comments of the Korean lessons and the
Korean pages under ``docs/``):

- ``gloss``: a gloss that pairs an English term with another Korean word,
  ``웨이트(weight)``;
- ``latin``: an English glossary term written in Latin script in Korean prose,
  ``softmax를 적용합니다`` (code spans, math, links and a gloss right after the
  Korean term are not prose);
- ``avoid``: a spelling the glossary lists as not used, ``에폭``;
- ``unglossed``: a term that its introducing lesson never glosses. The introducing lesson
  is the one the glossary's ``영어 병기`` column names (``3강``), or else the lowest-numbered
  lesson whose prose (headings aside) uses the term;
- ``repeated``: a term glossed again, in a later lesson or a second time in one lesson;
  the finding names where it was glossed first;
- ``misplaced``: a term glossed in a lesson other than its introducing lesson, before
  that lesson glossed it;
- ``everyday``: a term the glossary marks ``일상어`` (학습, 모델, 텐서...) glossed after
  lesson 1 (lessons 0 and 1 may gloss it once);
- ``cluster``: a sentence with more than two glosses;
- ``inside``: a gloss inside a word, ``학습(training)할``, or between the parts of a
  compound, ``풀링(pooling) 계층(layer)``;
- ``nested``: a gloss inside parentheses, ``2강(활성화 함수(activation function)의 …)``;
- ``spacing``: a space or line break between a word and its gloss, ``하이퍼파라미터
  (hyperparameter)``;
- ``style``: a house-style slip of the contributor style sheet (``CONTRIBUTING.md``): a
  calque from its list, ``에포크 10번`` for ``10에포크``, a Latin word in a heading
  outside a code span.

The rules about where a term is glossed (``unglossed``, ``repeated``, ``misplaced``,
``everyday``) apply to the lessons, read together in order; the others to every lesson and
page. Run ``python -m tools.checks.glossary`` to list the findings and the glosses counted
per lesson (exit status 1 if there are any findings).
"""

from __future__ import annotations

import io
import itertools
import re
import sys
import tokenize
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from tools import config, glossary_file, index_terms, lessons
from tools.config import ROOT
from tools.glossary_file import EVERYDAY as EVERYDAY
from tools.glossary_file import GLOSS_COLUMN as GLOSS_COLUMN
from tools.glossary_file import Avoided as Avoided
from tools.glossary_file import Glossary as Glossary
from tools.glossary_file import Term as Term
from tools.glossary_file import gloss_rule as gloss_rule
from tools.glossary_file import tables as tables
from tools.glossary_file import tables_of_text as tables_of_text

KOREAN = "ko"  # the language whose prose this module checks; mkdocs.yml must declare it
GLOSSARY = config.load(ROOT).docs_dir / KOREAN / "glossary.md"

LAST_EVERYDAY_LESSON = 1  # an everyday term may be glossed once, in lesson 0 or 1
MAX_GLOSSES_PER_SENTENCE = 2

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
# The same, with the whitespace before the parenthesis and the English text as groups.
_GLOSS_SPAN = re.compile(rf"(?<=[{_HANGUL}])(\s*)\(([A-Za-z][^(){_HANGUL}]{{0,80}})\)")

# What may follow a Korean term for it to count as the term itself: a particle or an
# ending of 이다 (가중치를, 가중치입니다), a plural (가중치들), -당 and -별 (에포크당,
# 클래스별), or no Hangul at all.
# 학습시키다, 갱신하다, 확률적 are other words built on the term.
_PARTICLE_STARTS = tuple(
    "은는이가을를의에로으와과도만까부마처보나들끼씩입인일라란랑뿐조밖든대야께당별"
)

# Where a sentence ends: after . ? ! before a space, at a blank line, before a list item,
# a heading or a table row.
_SENTENCE_END = re.compile(
    r"(?<=[.?!])(?=\s)|\n[ \t]*\n|\n(?=[ \t]*(?:[-*+]|\d+\.|#+|\|)[ \t])|\n(?=[ \t]*\|)"
)
# Between a gloss and the next glossed word of the same compound: one line break at most.
_COMPOUND_GAP = re.compile(rf"(?:[ \t]+|[ \t]*\n[ \t]*)[{_HANGUL}]+")
# A word in Latin script in a heading (code spans, math and attributes are blanked first).
_LATIN_WORD = re.compile(r"(?<![A-Za-z0-9_.])[A-Za-z][A-Za-z0-9_.+-]*")


@dataclass(frozen=True)
class Style:
    """A house-style rule of ``CONTRIBUTING.md`` the check can see: a pattern and its fix."""

    pattern: re.Pattern[str]
    advice: str


def _style(pattern: str, advice: str) -> Style:
    return Style(re.compile(pattern), advice)


# The calques and slips of the style sheet that a pattern finds without false alarms.
STYLE_RULES: tuple[Style, ...] = (
    _style(r"에포크(?:\([^()]*\))?\s*[\d,]+\s*번", "write N에포크 (10에포크), not 에포크 N번"),
    _style(r"(?<![\d.,])\d[\d,]*\s+에포크", "write N에포크 without a space (10에포크)"),
    _style(rf"[{_HANGUL}]+마다의", "write ~별 (미니배치별 손실), not ~마다의"),
    _style(r"정직하게", "write 공정하게 (a fair comparison), not 정직하게"),
    _style(r"저절로\s+얻", "write 따로 구현하지 않아도 갖추다, not 저절로 얻다"),
    _style(
        r"눌러\s*(?:주|줍|준|줄|줘)", "write 압축하다 or '…사이의 값으로 바꾸다', not 눌러 주다"
    ),
    _style(
        r"제자리에서\s+옮(?:기|깁|긴|길)",
        "write '객체는 그대로 둔 채 옮기다', not 제자리에서 옮기다",
    ),
    _style(r"입력을\s+(?:모두\s+)?읽", "write 입력을 받다, not 입력을 읽다"),
    _style(
        r"(?:자동\s+미분|PyTorch)에\s*(?:요청|물어)",
        "write …로 구하다/계산하다, not …에 요청하다/묻다",
    ),
    _style(
        r"(?:세트|분할)(?:로|에서|를)?\s+(?:[^\s.]+\s+){0,3}(?:잽니다|재려면|재\s+봅니다)",
        "write 평가하다 for measuring a model on a data set, not 재다",
    ),
    _style(
        rf"(?<![{_HANGUL}])(?:각|여러|위의?|두|세)\s+실행|실행들|실행\s+사이",
        "write 학습 or 실험 for a run, not 실행",
    ),
    _style(r"기울기\s+비우", "write 기울기 초기화 for zero_grad(), not 기울기 비우기"),
    _style(r"소리\s*없이", "write 경고 없이 (silently), not 소리 없이"),
    _style(r"드러내\s+놓고", "write 명시적으로 (explicitly), not 드러내 놓고"),
)


@dataclass(frozen=True)
class Finding:
    """One problem in the Korean prose, at ``source:line``.

    ``other`` is where the same term was glossed first (``repeated``), or the lesson that
    introduces it (``misplaced``); ``preferred`` what to write instead (``avoid``,
    ``style``).
    """

    source: str
    line: int
    found: str
    term: Term | None = None
    kind: str = "gloss"
    preferred: str = ""
    other: str = ""

    def __post_init__(self) -> None:
        # A term broken across lines is reported as it reads: one space between words.
        object.__setattr__(self, "found", re.sub(r"\s+", " ", self.found).strip())

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}: "
        term = self.term or Term("?", "?")
        messages = {
            "latin": (
                f"{self.found!r} is the glossary term {term.english!r} in Latin script; "
                f"write {term.korean!r}"
            ),
            "unglossed": (
                f"{term.korean!r} is introduced in this lesson but never glossed; write "
                f"'{term.korean}({term.english})' where the lesson explains it"
            ),
            "repeated": (
                f"'{term.korean}({term.english})' is glossed again; it is glossed at "
                f"{self.other}, and a term is glossed once in the course"
            ),
            "misplaced": (
                f"'{term.korean}({term.english})' is glossed outside the lesson that "
                f"introduces it ({self.other}); gloss it there and nowhere else"
            ),
            "everyday": (
                f"'{term.korean}({term.english})' is an everyday term ({EVERYDAY}): no "
                f"gloss after lesson {LAST_EVERYDAY_LESSON}"
            ),
            "cluster": (
                f"{self.preferred} glosses in one sentence (at most "
                f"{MAX_GLOSSES_PER_SENTENCE}): {self.found!r}"
            ),
            "inside": (
                f"{self.found!r}: a gloss inside a word or between the parts of a compound; "
                "put it after the whole word or gloss only the new part"
            ),
            "nested": f"{self.found!r}: a gloss inside parentheses; drop it or rephrase",
            "spacing": f"{self.found!r}: no space or line break between a word and its gloss",
            "avoid": f"{self.found!r} is a spelling the glossary avoids; write {self.preferred!r}",
            "style": f"{self.found!r}: {self.preferred}",
        }
        default = (
            f"{self.found!r} glosses {term.english!r}; the glossary's Korean term is "
            f"{term.korean!r}"
        )
        return where + messages.get(self.kind, default)


def read(path: Path = GLOSSARY) -> Glossary:
    """Read the Korean glossary page (:func:`tools.glossary_file.read`)."""
    return glossary_file.read(path)


def load(path: Path = GLOSSARY) -> list[Term]:
    """The terms of the Korean glossary page, in the order of the table."""
    return glossary_file.read(path).terms


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


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


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
        found.append(Gloss(term, before, _line(text, match.start())))
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
        >>> check_text("각 가중치(weight)는 값입니다.", terms)
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
            finding = Finding(source, _line(text, match.start()), match.group(0), term, "latin")
            found.append((match.start(), finding))
    return [finding for _, finding in sorted(found, key=lambda pair: pair[0])]


def _korean_pattern(terms: list[Term]) -> re.Pattern[str]:
    """Any Korean term as a word of its own, the longest term first."""
    alternatives = [
        r"\s+".join(re.escape(word) for word in term.korean.split())
        for term in sorted(terms, key=lambda t: -len(t.korean))
    ]
    return re.compile(rf"(?<![{_HANGUL}])(?:{'|'.join(alternatives)})")


def _is_word(plain: str, end: int) -> bool:
    """Whether the Korean word ending at ``end`` stands as a word (see ``_PARTICLE_STARTS``)."""
    rest = plain[end : end + 1]
    return not re.match(rf"[{_HANGUL}]", rest) or rest in _PARTICLE_STARTS


@dataclass(frozen=True)
class Use:
    """A glossary term used as a word in Korean prose, and whether a gloss follows it."""

    term: Term
    line: int
    found: str
    glossed: bool


def term_uses(text: str, terms: list[Term], other_words: Iterable[str] = ()) -> list[Use]:
    """Where the glossary's Korean terms stand as words of their own, outside headings.

    ``학습률`` is the term 학습률, not 학습; ``갱신합니다`` is a verb, not the term 갱신.
    Words in ``other_words`` (the glossary's fixed words, such as ``파이썬 클래스``) are
    not terms, even where they contain one. A use is glossed when its English term
    follows in parentheses.

    Examples:
        >>> terms = [Term("가중치", "weight"), Term("학습", "training")]
        >>> uses = term_uses("# 학습\\n가중치(weight)를 학습시킵니다. 가중치는", terms)
        >>> [(u.line, u.found, u.glossed) for u in uses]
        [(2, '가중치', True), (2, '가중치', False)]
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
    uses: list[Use] = []
    for match in _korean_pattern(terms).finditer(plain):
        if not _is_word(plain, match.end()):
            continue
        term = by_korean[re.sub(r"\s+", " ", match.group(0))]
        glossed = re.match(
            r"\s*\(\s*" + _english_term(term).pattern + r"\s*[,;)]",
            plain[match.end() :],
            re.IGNORECASE,
        )
        uses.append(Use(term, _line(text, match.start()), match.group(0), bool(glossed)))
    return uses


def lesson_number(source: str) -> int:
    """The lesson number of a lesson script's path, ``examples/ko/03_x.py`` -> 3.

    Raises:
        ValueError: If the file name does not start with two digits and ``_``.
    """
    match = re.match(r"(\d\d)_", Path(source).name)
    if match is None:
        raise ValueError(f"source: {source!r} is not a lesson script (NN_topic.py)")
    return int(match.group(1))


def _place(source: str, line: int) -> str:
    return f"{source}:{line}"


def course_findings(lessons: dict[str, str], glossary: Glossary) -> dict[str, list[Finding]]:
    """Where the terms are glossed across the course: each term once, in its lesson.

    The lessons are read in the order of their numbers. A term's introducing lesson is
    the one its ``영어 병기`` cell names, or else the first lesson that uses it (see
    :func:`term_uses`). Findings:

    - ``unglossed``: the introducing lesson never glosses the term (reported at the
      term's first use there); not for everyday terms, which need no gloss;
    - ``repeated``: a second gloss of a term, in any lesson; it names the first;
    - ``misplaced``: a gloss outside the introducing lesson where no gloss came before;
    - ``everyday``: a gloss of an everyday term after lesson 1.

    Args:
        lessons: Each lesson's source name (``examples/ko/03_x.py``) and its Korean prose.
        glossary: The glossary.

    Returns:
        The findings of each lesson (every lesson has a list), in line order.

    Examples:
        >>> terms = [Term("가중치", "weight"), Term("학습", "training", everyday=True)]
        >>> lessons = {"01_a.py": "가중치를 봅니다.", "02_b.py": "가중치(weight)와 학습(training)"}
        >>> found = course_findings(lessons, Glossary(terms))
        >>> [(f.kind, f.term.korean) for f in found["01_a.py"]]
        [('unglossed', '가중치')]
        >>> [(f.kind, f.term.korean) for f in found["02_b.py"]]
        [('misplaced', '가중치'), ('everyday', '학습')]
    """
    ordered = sorted(lessons, key=lesson_number)
    uses = {
        source: term_uses(lessons[source], glossary.terms, glossary.fixed_words)
        for source in ordered
    }
    introduced: dict[str, str] = {}  # term -> source of its introducing lesson
    for term in glossary.terms:
        if term.lesson is not None:
            named = [source for source in ordered if lesson_number(source) == term.lesson]
            if named:
                introduced[term.korean] = named[0]
    for source in ordered:
        for use in uses[source]:
            introduced.setdefault(use.term.korean, source)
    found: dict[str, list[Finding]] = {source: [] for source in ordered}
    first_gloss: dict[str, str] = {}  # term -> where it was glossed first
    for source in ordered:
        number = lesson_number(source)
        glossed_here: set[str] = set()
        for use in uses[source]:
            term = use.term
            if not use.glossed:
                continue
            here = _place(source, use.line)
            kind, other = "", ""
            if term.everyday and number > LAST_EVERYDAY_LESSON:
                kind = "everyday"
            elif term.korean not in glossed_here and (
                introduced.get(term.korean) == source
                or (term.everyday and term.korean not in first_gloss)
            ):
                first_gloss[term.korean] = here  # the gloss in its place
            elif term.korean in first_gloss:
                kind, other = "repeated", first_gloss[term.korean]
            else:
                kind, other = "misplaced", introduced.get(term.korean, "")
                first_gloss[term.korean] = here
            glossed_here.add(term.korean)
            if kind:
                found[source].append(Finding(source, use.line, use.found, term, kind, other=other))
        for term in glossary.terms:
            if (
                term.everyday
                or introduced.get(term.korean) != source
                or term.korean in glossed_here
            ):
                continue
            first = next((use for use in uses[source] if use.term == term), None)
            line, word = (first.line, first.found) if first else (1, term.korean)
            found[source].append(Finding(source, line, word, term, "unglossed"))
    return {source: sorted(items, key=lambda f: f.line) for source, items in found.items()}


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
            line = _line(text, match.start())
            finding = Finding(source, line, match.group(0), kind="avoid", preferred=item.preferred)
            found.append((match.start(), finding))
    return [finding for _, finding in sorted(found, key=lambda pair: pair[0])]


def _ends_with_term(before: str, korean: str) -> bool:
    """Whether ``before`` ends with the whole word(s) ``korean``."""
    if not before.endswith(korean):
        return False
    rest = before[: -len(korean)]
    return not re.search(rf"[{_HANGUL}A-Za-z0-9]$", rest)


@dataclass(frozen=True)
class GlossSpan:
    """A gloss-shaped parenthesis in prose, ``(weight)`` after ``가중치``: any Latin text."""

    start: int  # the offset of the Korean word's end, where the space before "(" starts
    paren: int  # the offset of "("
    end: int  # the offset after ")"
    english: str


def gloss_spans(plain: str) -> list[GlossSpan]:
    """Every Latin parenthesis right after Korean text in blanked prose (see :func:`prose`).

    These are the glosses a reader sees, of glossary terms or not: ``뷰(view)``,
    ``다층 퍼셉트론(MLP)``. A parenthesis with Korean text in it is not a gloss.

    Examples:
        >>> [s.english for s in gloss_spans("가중치(weight)와 1강(계층)과 뷰(view)")]
        ['weight', 'view']
    """
    return [
        GlossSpan(match.start(), match.end(1), match.end(), match.group(2))
        for match in _GLOSS_SPAN.finditer(plain)
    ]


def count_glosses(text: str) -> int:
    """How many glosses a reader sees in Korean Markdown prose (see :func:`gloss_spans`).

    Examples:
        >>> count_glosses("가중치(weight)와 `x(y)`, $f(x)$, 편향(bias)입니다.")
        2
    """
    return len(gloss_spans(prose(text)))


def sentences(plain: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of the sentences of blanked prose.

    A sentence ends after ``.``, ``?`` or ``!`` before a space, at a blank line, and
    before a list item, a heading or a table row.

    Examples:
        >>> text = "첫 문장입니다. 0.5는 값입니다.\\n- 항목\\n\\n새 문단"
        >>> [text[a:b].strip() for a, b in sentences(text)]
        ['첫 문장입니다.', '0.5는 값입니다.', '- 항목', '새 문단']
    """
    bounds = [0] + [m.start() for m in _SENTENCE_END.finditer(plain)] + [len(plain)]
    return [(a, b) for a, b in itertools.pairwise(bounds) if plain[a:b].strip()]


def _depths(plain: str) -> list[int]:
    """The parenthesis depth before each character; a blank line closes every parenthesis."""
    depths: list[int] = []
    depth = 0
    previous = ""
    for char in plain:
        if char == "\n" and previous.strip() == "":
            depth = 0
        depths.append(depth)
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(0, depth - 1)
        if char == "\n":
            previous = ""
        else:
            previous += char
    return depths


def form_findings(text: str, source: str = "<text>") -> list[Finding]:
    """How glosses are written: clusters, glosses inside words, nested glosses, spacing.

    - ``cluster``: more than two glosses in one sentence (the finding quotes it);
    - ``inside``: Hangul other than a particle right after the gloss, ``학습(training)할``,
      or a gloss right before another glossed word, ``풀링(pooling) 계층(layer)``;
    - ``nested``: a gloss inside parentheses;
    - ``spacing``: a space or line break between the word and its gloss (emphasis
      markers, ``**출력층**(output layer)``, are not a space).

    Examples:
        >>> [f.kind for f in form_findings("학습(training)할 때. 풀링(pooling) 계층(layer)")]
        ['inside', 'inside']
        >>> [f.kind for f in form_findings("1강(가중치(weight)의 뜻)과 편향 (bias)")]
        ['nested', 'spacing']
    """
    plain = prose(text)
    spans = gloss_spans(plain)
    depths = _depths(plain)
    found: list[tuple[int, Finding]] = []

    def add(offset: int, found_text: str, kind: str, preferred: str = "") -> None:
        finding = Finding(source, _line(text, offset), found_text, kind=kind, preferred=preferred)
        found.append((offset, finding))

    for index, span in enumerate(spans):
        word_start = span.start
        while word_start > 0 and re.match(rf"[{_HANGUL}]", plain[word_start - 1]):
            word_start -= 1
        after = re.match(rf"[{_HANGUL}]+", plain[span.end :])
        glossed_word = plain[word_start : span.end]
        following = spans[index + 1] if index + 1 < len(spans) else None
        if after and after.group(0)[0] not in _PARTICLE_STARTS:
            add(span.paren, glossed_word + after.group(0), "inside")
        elif following and re.fullmatch(
            rf"(?:[ \t]+|[ \t]*\n[ \t]*)[{_HANGUL}]+", plain[span.end : following.start]
        ):
            add(span.paren, plain[word_start : following.end], "inside")
        if depths[span.paren] > 0:
            # The word before, too: 활성화 함수(activation function) reads better than 함수(…).
            two_words = re.search(rf"[{_HANGUL}]+[ \t]+$", plain[:word_start])
            start = two_words.start() if two_words else word_start
            add(span.paren, plain[start : span.end], "nested")
        if re.search(r"\s", text[span.start : span.paren]):
            add(span.paren, glossed_word, "spacing")
    for start, end in sentences(plain):
        inside = [span for span in spans if start <= span.paren < end]
        if len(inside) > MAX_GLOSSES_PER_SENTENCE:
            add(
                start + len(plain[start:end]) - len(plain[start:end].lstrip()),
                text[start:end],
                "cluster",
                str(len(inside)),
            )
    return [finding for _, finding in sorted(found, key=lambda pair: pair[0])]


def style_findings(
    text: str, latin_names: Iterable[str] = (), source: str = "<text>"
) -> list[Finding]:
    """House-style slips of ``CONTRIBUTING.md`` that a pattern can find.

    The calques and spellings of :data:`STYLE_RULES` in prose, and Latin words in a
    heading outside code spans (names the glossary keeps in Latin script, ``ReLU``,
    ``PyTorch``, are fine).

    Examples:
        >>> [f.found for f in style_findings("에포크 10번 동안 미니배치마다의 손실", ())]
        ['에포크 10번', '미니배치마다의']
        >>> [f.found for f in style_findings("## Sequential로 `nn.Module` 만들기\\nReLU", ["ReLU"])]
        ['Sequential']
    """
    plain = prose(text)
    found: list[tuple[int, Finding]] = []
    for rule in STYLE_RULES:
        for match in rule.pattern.finditer(plain):
            finding = Finding(
                source,
                _line(text, match.start()),
                match.group(0),
                kind="style",
                preferred=rule.advice,
            )
            found.append((match.start(), finding))
    allowed = {name.lower() for name in latin_names}
    offset = 0
    for line in plain.split("\n"):
        if re.match(r"\s*#{1,6}\s", line):
            for match in _LATIN_WORD.finditer(line):
                if match.group(0).lower() in allowed:
                    continue
                finding = Finding(
                    source,
                    _line(text, offset + match.start()),
                    match.group(0),
                    kind="style",
                    preferred="a Latin word in a heading: write a code name as a code span, "
                    "a term in Korean",
                )
                found.append((offset + match.start(), finding))
        offset += len(line) + 1
    return [finding for _, finding in sorted(found, key=lambda pair: pair[0])]


def markdown_of_script(path: Path) -> str:
    """The Korean prose of a jupytext percent script file (see :func:`markdown_of_text`)."""
    return markdown_of_text(lessons.read_source(Path(path)))


def markdown_of_text(source: str) -> str:
    """The Korean prose of a percent script's text: Markdown cells and comments.

    Other lines (code, string literals, cell markers, and index marks, which list
    the other names learners use: :mod:`tools.index_terms`) are left blank, so line
    numbers of the result are those of the script. A comment in a code cell keeps
    its text only, without the ``#``.

    >>> markdown_of_text("# %% [markdown]\\n# # 제목\\n\\n# %%\\nx = 1  # 주석\\n")
    '\\n# 제목\\n\\n\\n주석'
    """
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
            out.append("" if index_terms.MARK.match(line[2:]) else line[2:])
        elif number in comments and not in_markdown:
            out.append(comments[number].lstrip("#").strip())
        else:
            out.append("")
    return "\n".join(out)


def korean_sources(root: Path = ROOT) -> dict[str, str]:
    """The Korean prose of the project: lessons (Markdown cells, comments) and pages.

    The folders come from the project's settings (:mod:`tools.config`); the glossary
    page itself is not prose to check.
    """
    project = config.load(root)
    project.language(KOREAN)  # raises if mkdocs.yml has no Korean language
    root = project.root
    sources = {}
    for example in lessons.discover(project, (KOREAN,)):
        sources[example.label] = markdown_of_text(lessons.read(example).text)
    for page in sorted((project.docs_dir / KOREAN).rglob("*.md")):
        if page.name == "glossary.md":
            continue
        text = page.read_text(encoding="utf-8")
        lines = ["" if index_terms.MARK.match(line) else line for line in text.split("\n")]
        sources[page.relative_to(root).as_posix()] = "\n".join(lines)
    return sources


def is_lesson(source: str) -> bool:
    """Whether a source name of :func:`korean_sources` is a lesson script."""
    return source.endswith(".py") and re.match(r"\d\d_", Path(source).name) is not None


def check_source(source: str, text: str, glossary: Glossary) -> list[Finding]:
    """The findings of one Korean source that need no other source.

    Glosses that disagree with the glossary, English terms in Latin script, avoided
    spellings, the form of glosses (:func:`form_findings`) and the house style
    (:func:`style_findings`). Where a lesson glosses its terms depends on the other
    lessons: see :func:`course_findings`.
    """
    findings = check_text(text, glossary.terms, source)
    findings += latin_terms(text, glossary.terms, source)
    findings += avoided_spellings(text, glossary.avoided, source)
    findings += form_findings(text, source)
    findings += style_findings(text, glossary.latin_names, source)
    return sorted(findings, key=lambda finding: finding.line)


def findings_of(sources: dict[str, str], glossary: Glossary) -> dict[str, list[Finding]]:
    """Every finding of each source: :func:`check_source`, and for the lessons together
    :func:`course_findings`."""
    lessons = {source: text for source, text in sources.items() if is_lesson(source)}
    course = course_findings(lessons, glossary)
    return {
        source: sorted(
            check_source(source, text, glossary) + course.get(source, []),
            key=lambda finding: finding.line,
        )
        for source, text in sources.items()
    }


def findings_by_source(root: Path = ROOT) -> dict[str, list[Finding]]:
    """The findings of each Korean lesson and page under ``root`` (empty lists included)."""
    project = config.load(root)
    glossary = read(project.docs_dir / KOREAN / "glossary.md")
    return findings_of(korean_sources(root), glossary)


def check(root: Path = ROOT) -> list[Finding]:
    """All findings in the Korean lessons and pages under ``root``."""
    return [finding for found in findings_by_source(root).values() for finding in found]


def gloss_counts(root: Path = ROOT) -> dict[str, int]:
    """The glosses a reader sees in each Korean lesson (see :func:`count_glosses`)."""
    return {
        source: count_glosses(text)
        for source, text in korean_sources(root).items()
        if is_lesson(source)
    }


def main(argv: list[str] | None = None) -> int:
    """Print the findings, the findings per file and the glosses per lesson.

    Args:
        argv: An optional project root (default: this checkout).

    Returns:
        The exit status: 1 if there are findings, else 0.
    """
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) if args else ROOT
    per_source = findings_by_source(root)
    for found in per_source.values():
        for finding in found:
            print(finding)
    for source, found in per_source.items():
        if not found:
            continue
        kinds = Counter(finding.kind for finding in found)
        detail = ", ".join(f"{kind} {count}" for kind, count in sorted(kinds.items()))
        print(f"{source}: {len(found)} findings ({detail})")
    total = sum(len(found) for found in per_source.values())
    print(f"{total} findings in {len(per_source)} files")
    counts = gloss_counts(root)
    for source, count in counts.items():
        print(f"glosses {source}: {count}")
    if counts:
        average = sum(counts.values()) / len(counts)
        print(f"glosses: {sum(counts.values())} in {len(counts)} lessons, {average:.1f} per lesson")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
