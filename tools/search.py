"""Search step: one search index per language, with Korean words segmented.

mkdocs-static-i18n builds the languages one after the other and merges every
language's sections into one ``search/search_index.json``, so a reader of the
Korean site would get English results, and Material's search splits Korean text on
spaces only: "가중치와" is one token that the query "가중치" finds only as a
prefix, and "nn.Sequential을" is never found by "Sequential". This module:

* writes ``search/search_index.json`` with the default language's pages only and
  ``<lang>/search/search_index.json`` for every other language, with locations
  relative to that language's root (:func:`write_index`);
* segments the Korean text with the Kiwi morphological analyzer (kiwipiepy): a
  zero-width space (U+200B) is inserted where a particle
  or ending starts ("가중치|와", "nn.Sequential|을", with | for U+200B) and between
  the nouns of a compound, and the Korean index's separator splits on it.
  Particles are Korean stop words in lunr.ko, so they are not indexed. Only a piece
  made of particles and endings is collected as one for the query side to strip, not
  a verb or an adverb that follows a code name ("`x`잘못" has no particle "잘못"). The ranking
  worker (``assets/javascripts/workers/search_rank.js``) takes the zero-width spaces
  out of the results it shows, so no snippet carries them. The Korean
  terms of the language's glossary (``docs/<lang>/glossary.md``, the page the
  plugin names) are added to Kiwi's dictionary as nouns. Segmentations are cached
  on disk by a hash of the text (:class:`Segmenter`), so only changed sections are
  analysed again;
* writes ``<lang>/search/terms.json``, the index's Korean words and the particles
  and endings seen, for the query side (``assets/javascripts/search_query.js``
  strips particles from a query and splits "활성화함수" into "활성화 함수"), and the
  spellings the glossary says not to use, each with the term to search instead
  ("에폭" -> "에포크", "크로스 엔트로피" -> "교차 엔트로피");
* gives each Korean entry the stems of its verbs and adjectives (Kiwi's VV and VA:
  "외우" of "외웁니다", "쌓" of "쌓으면") in a field of its own, ``stems``, not shown
  (:data:`STEMS_FIELD`), and writes to ``terms.json`` the stems and the starts of their
  conjugated forms ("외워" -> "외우", "달라" -> "다르", :meth:`Vocabulary.conjugate`),
  so that a question's "외워요" or "쌓으면" finds the text's "외웁니다" or "쌓습니다";
* writes ``<lang>/search/compounds.json`` for every language: the code names that
  the index's separator splits at capitals ("CrossEntropyLoss" is indexed as
  "cross", "entropy", "loss"), by their lowercase spelling, so that a reader who
  types "crossentropyloss" finds them (:func:`compounds`);
* writes the math of a section's text and title as the reader sees it, not as TeX
  (:func:`tools.math_text.plain_math`: ``\\(\\eta\\)`` -> ``η``), so search snippets
  show no TeX;
* gives each section the index terms its authors marked (:mod:`tools.index_terms`) in
  a field of its own, ``keywords``, weighed like the title (:data:`KEYWORDS_BOOST`);
* gives a page's top entry (its introduction), and the sections that most pages
  repeat (:func:`recap_anchors`), a fraction of the weight of the other sections
  (:data:`PAGE_TOP_BOOST`), so the section that answers a question is the one
  Material shows.

Which languages are segmented is set per language in ``mkdocs.yml``
(``extra.search_segmenter: kiwi``); the plugin (:mod:`tools.plugin`) decides where
the browser looks for ``terms.json``.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import re
from bisect import bisect_right
from collections.abc import Iterable
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

from tools import config as site_config
from tools import glossary_file
from tools.files import read_cached_dict, write_atomic, write_cached
from tools.math_text import plain_math

ZERO_WIDTH_SPACE = "\u200b"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
_TAG = re.compile(r"(<[^>]*>)")

# Kiwi part-of-speech tags (https://github.com/bab2min/Kiwi#품사-태그).
_NOUN_TAGS = {"NNG", "NNP", "NNB", "NR", "NP", "XR"}
_FOREIGN_TAGS = {"SL", "SH", "SN"}
_SYMBOL_TAGS = {"SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "SW", "SB"}
_STEM_TAGS = {"VV", "VA"}  # verbs and adjectives: their stems go in the stems field
# What a particle or an ending is made of: particles (J...), endings (E...), the
# suffixes that make a verb of a noun (하, 되: XSV, XSA, XSM), the copula (이다, 아니다)
# and the auxiliaries. A piece with any other morpheme (a verb's stem, an adverb:
# "맞힌", "잘못" after a code name) is a word of its own, never a particle to strip.
_PARTICLE_TAGS = {"XSV", "XSA", "XSM", "VCP", "VCN", "VX"}

# Verbs that only help another ("외워 버리다", "늘리고 싶다") or say nothing of a topic
# ("하다", "되다", "있다"): a query word of theirs is left out, and the index keeps no
# stem of theirs. Each with the tag Kiwi conjugates it by.
AUXILIARY_STEMS = (
    ("하", "VV"), ("되", "VV"), ("있", "VA"), ("없", "VA"), ("않", "VX"), ("싶", "VX"),
    ("버리", "VX"), ("주", "VX"), ("두", "VX"), ("놓", "VX"), ("이", "VCP"), ("아니", "VCN"),
)  # fmt: skip

# The endings a reader's question puts on a verb (해요체, questions, wishes, "if",
# "-ing", an adjective's "but" and "whether": 낮은데, 가능한지), each with its Kiwi tag:
# the query side finds the stem of a verb typed with one of them (:func:`verb_forms`).
# Kiwi picks the allomorph ("쌓으면", "외우면").
VERB_ENDINGS = (
    ("어요", "EF"), ("어", "EC"), ("나요", "EF"), ("ᆸ니다", "EF"), ("는다", "EF"),
    ("죠", "EF"), ("네요", "EF"), ("나", "EF"), ("니", "EF"), ("어서", "EC"), ("어도", "EC"),
    ("어야", "EC"), ("으면", "EC"), ("으려면", "EC"), ("으려고", "EC"), ("고", "EC"),
    ("게", "EC"), ("지", "EC"), ("는데", "EC"), ("으니까", "EC"), ("는", "ETM"), ("ᆫ", "ETM"),
    ("ᆯ", "ETM"), ("기", "ETN"), ("ᆷ", "ETN"), ("었", "EP"), ("는지", "EC"),
    ("을까요", "EF"), ("ᆫ가요", "EF"), ("ᆫ데", "EC"), ("ᆫ지", "EC"),
)  # fmt: skip

# Particles and endings a reader may type after a term even where the guide's
# text never uses that form (the questions readers type end in 해요체, the text is
# in 합니다체); the ones the text does use are collected at build time.
# fmt: off
COMMON_SUFFIXES = (
    "은", "는", "이", "가", "을", "를", "의", "에", "에서", "에게", "께", "와", "과", "로",
    "으로", "도", "만", "까지", "부터", "보다", "처럼", "이나", "나", "랑", "이랑", "하고",
    "란", "이란", "라는", "이라는", "에는", "에서는", "으로는", "로는", "와는", "과는", "에도",
    "으로도", "로도", "만의", "이다", "입니다", "이에요", "예요", "하기", "하는", "하면",
    "하여", "해서", "합니다", "했다", "했습니다", "된", "되는", "됩니다", "적", "적인", "들",
    "들이", "들은", "들을", "들의", "끼리", "랑은", "이랑은",
    # a 하다 adjective or verb before a noun or an ending: 가능한, 필요할, 중요하게
    "한", "할", "한지", "하게", "하지", "하고", "해도", "해야",
    # endings of a question or a wish: 하나요, 되나요, 뭔가요, 할까요, 하려면
    "나요", "하나요", "되나요", "가요", "인가요", "까요", "할까요", "해요", "돼요", "려면",
    "으려면", "하려면",
)
# fmt: on


@lru_cache(maxsize=4)
def _kiwi(glossary: Path | None = None):
    """Kiwi, taught a glossary's Korean terms as nouns (로짓, 소프트맥스, 역전파...).

    Without Kiwi's multi-word dictionary (``load_multi_dict``): its entries are single
    tokens across a space ("자연어 처리", "합성곱 신경망"), so the second word's particle
    stayed attached to it ("처리에서는" was indexed whole, and a search for "처리" missed
    it), while :func:`segment_text` splits each word by the tokens inside it. Kiwi also
    loads in about a third of the time without it.
    """
    from kiwipiepy import Kiwi

    kiwi = Kiwi(load_multi_dict=False)
    if glossary is not None and glossary.is_file():
        for term in glossary_file.read(glossary).terms:
            for word in term.korean.split():
                kiwi.add_user_word(word, "NNG")
    return kiwi


def _kind(tag: str) -> str:
    tag = tag.split("-")[0]
    if tag in _NOUN_TAGS or tag in {"XSN", "XPN"} or tag.startswith("W_"):
        return "noun"
    if tag in _FOREIGN_TAGS:
        return "foreign"
    if tag in _SYMBOL_TAGS:
        return "symbol"
    return "function"


def _word_pieces(word: str, tokens: list[Any]) -> list[tuple[str, str]]:
    """Split one whitespace-free ``word`` into ``(piece, kind)`` pairs.

    ``tokens`` are Kiwi's tokens of the word, with offsets relative to it. A piece
    ends where a particle or ending follows a noun or a foreign word (or the other
    way round), or where the script changes between a Korean and a foreign word;
    nouns with their suffixes (화, 치, 률: tag XSN) stay together, and so do the
    nouns of a compound written without a space, and the morphemes of an ending.

    A piece of particles and endings only is of kind ``"function"``; one of other
    morphemes that are neither nouns nor foreign words (a verb, an adverb) is of
    kind ``"word"`` (:data:`_PARTICLE_TAGS`).
    """
    cuts: list[tuple[int, str]] = []
    last_kind = None
    particles: list[bool] = []  # of each cut: only particles and endings so far
    for token in tokens:
        kind = _kind(token.tag)
        if kind == "symbol":
            continue
        if last_kind is None:
            cuts.append((0, kind))
            particles.append(True)
        elif kind != last_kind and 0 < token.start < len(word):
            cuts.append((token.start, kind))
            particles.append(True)
        tag = token.tag.split("-")[0]
        if kind == "function" and tag[0] not in "JE" and tag not in _PARTICLE_TAGS:
            particles[-1] = False
        last_kind = kind
    if not cuts:
        return [(word, "function")]
    edges = [offset for offset, _ in cuts[1:]] + [len(word)]
    return [
        (word[a:b], "word" if kind == "function" and not particle else kind)
        for (a, kind), b, particle in zip(cuts, edges, particles, strict=True)
        if a < b
    ]


def segment_word(word: str, glossary: Path | None = None) -> list[str]:
    """Split one Korean word (an eojeol) into its search tokens.

    Args:
        word: Text without whitespace, e.g. ``"가중치와"`` or ``"nn.Sequential을"``.

    Returns:
        The pieces, in order, that join back to ``word``: the noun or foreign word
        and the particle or ending after it, e.g. ``["가중치", "와"]`` or
        ``["nn.Sequential", "을"]``. A word without Hangul is returned whole.

    Raises:
        TypeError: If ``word`` is not a string.
        ValueError: If ``word`` contains whitespace.
    """
    if not isinstance(word, str):
        raise TypeError(f"word must be a str, got {type(word).__name__}")
    if re.search(r"\s", word):
        raise ValueError(f"word must not contain whitespace, got {word!r}")
    return segment_text(word, glossary=glossary).split(ZERO_WIDTH_SPACE)


def segment_text(text: str, collect: Vocabulary | None = None, glossary: Path | None = None) -> str:
    """Insert a zero-width space between the search tokens of Korean words.

    The Korean words of the text are analysed together, in order (HTML tags
    skipped, so a particle after ``</code>`` still belongs to its word); the tags
    and the visible text are unchanged, only U+200B is added.

    Args:
        text: A search entry's title or text (may contain HTML tags).
        collect: If given, receives the Korean words and the particles/endings found.
        glossary: A glossary page whose Korean terms the analyzer takes as nouns.

    Returns:
        ``text`` with U+200B inserted inside Korean words, e.g.
        ``"가중치\\u200b와 편향"`` for ``"가중치와 편향"``.
    """
    if not HANGUL.search(text):
        return text
    visible: list[str] = []
    raw_offset: list[int] = []  # raw offset of each visible character
    position = 0
    for index, part in enumerate(_TAG.split(text)):
        if index % 2 == 0:
            visible.append(part)
            raw_offset.extend(range(position, position + len(part)))
        position += len(part)
    plain = "".join(visible)
    words = [m for m in re.finditer(r"\S+", plain) if HANGUL.search(m.group(0))]
    if not words:
        return text
    # Kiwi reads the Korean words in order, without the code between them.
    starts, position = [], 0
    for match in words:
        starts.append(position)
        position += len(match.group(0)) + 1
    korean = " ".join(match.group(0) for match in words)
    by_word: dict[int, list[Any]] = {i: [] for i in range(len(words))}
    for token in _kiwi(glossary).tokenize(korean):
        i = bisect_right(starts, token.start) - 1
        if i >= 0 and token.start < starts[i] + len(words[i].group(0)):
            by_word[i].append(token)
    inserts: list[int] = []
    for i, match in enumerate(words):
        word = match.group(0)
        tokens = [_Shifted(t, starts[i]) for t in by_word[i]]
        pieces = _word_pieces(word, tokens)
        if collect is not None:
            collect.add(pieces, _stems(by_word[i]))
        offset = match.start()
        for piece, _ in pieces[:-1]:
            offset += len(piece)
            inserts.append(raw_offset[offset])
    out, previous = [], 0
    for cut in sorted(set(inserts)):
        out += [text[previous:cut], ZERO_WIDTH_SPACE]
        previous = cut
    out.append(text[previous:])
    return "".join(out)


_AUXILIARIES = {stem for stem, _ in AUXILIARY_STEMS}


def _stems(tokens: list[Any]) -> list[tuple[str, str]]:
    """The ``(stem, tag)`` of the verbs and adjectives among a word's Kiwi tokens.

    Auxiliaries (:data:`AUXILIARY_STEMS`) are left out.
    """
    return [
        (token.form, token.tag)
        for token in tokens
        if token.tag.split("-")[0] in _STEM_TAGS and token.form not in _AUXILIARIES
    ]


class _Shifted:
    """A Kiwi token with its offset made relative to its word."""

    __slots__ = ("start", "tag")

    def __init__(self, token: Any, shift: int) -> None:
        self.tag = token.tag
        self.start = token.start - shift


_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]+")


def synonyms(glossary: Path | None) -> dict[str, str]:
    """The Korean spellings a glossary page says not to use, each with the term to use.

    Keys have their spaces removed ("웨이트디케이"), since readers write these
    either way; spellings without Hangul ("Python") are left out. No page, no synonyms.
    """
    if glossary is None or not glossary.is_file():
        return {}
    found: dict[str, str] = {}
    for avoided in glossary_file.read(glossary).avoided:
        key = re.sub(r"\s+", "", avoided.spelling)
        if HANGUL.search(key) and key != re.sub(r"\s+", "", avoided.preferred):
            found.setdefault(key, avoided.preferred)
    return found


class Vocabulary:
    """The Korean words, the particles/endings and the verbs' stems of a segmented index."""

    def __init__(self, synonyms: dict[str, str] | None = None) -> None:
        self.terms: set[str] = set()
        self.suffixes: set[str] = set(COMMON_SUFFIXES)
        self.synonyms: dict[str, str] = dict(synonyms or {})
        self.stems: dict[tuple[str, str], int] = {}  # (stem, Kiwi tag) -> times seen
        self.forms: dict[str, str] = {}  # a conjugated verb's start -> its stem
        self.endings: set[str] = set()  # what follows such a start ("요" of "외워요")

    def add(self, pieces: list[tuple[str, str]], stems: Iterable[tuple[str, str]] = ()) -> None:
        """Record the ``(piece, kind)`` pairs of one segmented word, and its verbs' stems."""
        for stem, tag in stems:
            self.stems[stem, tag] = self.stems.get((stem, tag), 0) + 1
        for index, (piece, kind) in enumerate(pieces):
            match = _HANGUL_WORD.search(piece)
            if match is None:
                continue
            if kind == "noun":
                self.terms.add(match.group(0))
            elif kind == "function" and index > 0 and _HANGUL_WORD.fullmatch(piece):
                self.suffixes.add(piece)

    def as_json(self) -> dict[str, list[str]]:
        """The vocabulary as written to ``terms.json``.

        A word Kiwi once read as a noun but that is a common particle ("와") is left
        out of the terms: the query side would otherwise keep it as a search word.
        """
        terms = self.terms - set(COMMON_SUFFIXES)
        return {
            "terms": sorted(terms),
            "suffixes": sorted(self.suffixes),
            "synonyms": dict(sorted(self.synonyms.items())),
            "stems": sorted({stem for stem, _ in self.stems}),
            "forms": dict(sorted(self.forms.items())),
            "endings": sorted(self.endings - self.suffixes),
            "auxiliaries": sorted(_AUXILIARIES),
        }

    def conjugate(self, conjugations: Any) -> None:
        """Learn how the stems seen, and the auxiliaries, look when conjugated.

        Args:
            conjugations: Gives the surface forms of a ``(stem, tag)`` with each of
                :data:`VERB_ENDINGS`, in order (:meth:`Segmenter.conjugations`).

        Each form is split where it leaves its stem's spelling: a form that starts
        with the stem ("쌓으면") adds its ending ("으면") to the suffixes; one that
        changes the stem's last syllable ("외워요", "달라요") maps its start up to
        the changed syllable ("외워", "달라") to the stem, and adds the rest ("요")
        to the endings, which the query side strips only from such a start (the
        "워요" of "쉬워요" is no particle after a noun). Where two stems share a
        start, the one the text uses more keeps it.
        """
        ranked = sorted(self.stems.items(), key=lambda item: (-item[1], item[0]))
        stems = [stem_tag for stem_tag, _ in ranked] + list(AUXILIARY_STEMS)
        for stem, tag in stems:
            for form in conjugations(stem, tag):
                head, rest = _form_head(stem, form)
                regular = head == stem
                if rest and HANGUL.search(rest):
                    (self.suffixes if regular else self.endings).add(rest)
                if not regular and HANGUL.fullmatch(head[-1]):
                    self.forms.setdefault(head, stem)


def _form_head(stem: str, form: str) -> tuple[str, str]:
    """A conjugated ``form`` of ``stem`` split after the last syllable it changed.

    >>> _form_head("쌓", "쌓으면"), _form_head("외우", "외워요"), _form_head("다르", "달라요")
    (('쌓', '으면'), ('외워', '요'), ('달라', '요'))
    """
    if form.startswith(stem):
        return stem, form[len(stem) :]
    common = 0
    while common < min(len(stem), len(form)) and stem[common] == form[common]:
        common += 1
    cut = min(len(form), max(len(stem), common + 1))
    return form[:cut], form[cut:]


class _Recorder:
    """Collects the ``(piece, kind)`` lists of one text, to cache them."""

    def __init__(self) -> None:
        self.words: list[list[tuple[str, str]]] = []
        self.stems: list[tuple[str, str]] = []

    def add(self, pieces: list[tuple[str, str]], stems: Iterable[tuple[str, str]] = ()) -> None:
        self.words.append(pieces)
        self.stems.extend(stems)


def _dictionary_digest(glossary: Path | None) -> str:
    digest = hashlib.sha256()
    if glossary is not None and glossary.is_file():
        digest.update(glossary.read_bytes())
    return digest.hexdigest()[:16]


# The layout of a segmentation cache entry; a new layout starts a new cache file.
CACHE_FORMAT = 4


class Segmenter:
    """Korean segmentation of index texts, cached on disk by a hash of each text.

    The cache file's name holds the kiwipiepy version and a hash of the glossary
    (its terms are Kiwi's user words), so a change of either starts a new cache. It
    is stored with its SHA-256 and checked when read (:func:`tools.files.read_cached`):
    a corrupt file is dropped, and the texts are segmented again.
    Kiwi itself is loaded only when a text is not in the cache.
    """

    def __init__(self, cache_dir: Path | None, glossary: Path | None = None) -> None:
        import importlib.metadata

        self.glossary = glossary  # its Korean terms are the analyzer's nouns

        version = importlib.metadata.version("kiwipiepy")
        self.path = (
            None
            if cache_dir is None
            else Path(cache_dir)
            / f"kiwi{CACHE_FORMAT}-{version}-{_dictionary_digest(glossary)}.sealed.json"
        )
        self.entries: dict[str, list[Any]] = {}
        self.used: set[str] = set()
        self.misses = 0
        self.hits = 0
        if self.path is not None:
            self.entries = read_cached_dict(self.path)

    def load(self) -> None:
        """Load Kiwi with the glossary's words now, as the first text not in the cache would.

        Kiwi reads its model at its first analysis, so a word is analysed too.
        ``mkdocs serve`` calls it while it waits for the author's first edit, which
        then finds Kiwi ready (loading and the first analysis take seconds).
        """
        _kiwi(self.glossary).tokenize("한국어")

    def segment(self, text: str, vocabulary: Vocabulary) -> str:
        """:func:`segment_text` of ``text``, from the cache when it has seen the text."""
        return self.analyse(text, vocabulary)[0]

    def analyse(self, text: str, vocabulary: Vocabulary) -> tuple[str, list[str]]:
        """:meth:`segment` of ``text``, and the stems of its verbs and adjectives, in order.

        The stems (``"외우"`` of "외웁니다", ``"쌓"`` of "쌓으면") are recorded in
        ``vocabulary`` too, with their tags, for :meth:`Vocabulary.conjugate`.
        """
        if not HANGUL.search(text):
            return text, []
        key = hashlib.sha1(text.encode("utf-8")).hexdigest()
        self.used.add(key)
        entry = self.entries.get(key)
        if entry is None:
            recorder = _Recorder()
            segmented = segment_text(text, recorder, self.glossary)  # type: ignore[arg-type]
            entry = [segmented, recorder.words, recorder.stems]
            self.entries[key] = entry
            self.misses += 1
        else:
            self.hits += 1
        for pieces in entry[1]:
            vocabulary.add([(piece, kind) for piece, kind in pieces])
        stems = [(stem, tag) for stem, tag in entry[2]]
        vocabulary.add([], stems)
        return str(entry[0]), [stem for stem, _ in stems]

    def conjugations(self, stem: str, tag: str) -> list[str]:
        """The forms of a verb's ``stem`` with each of :data:`VERB_ENDINGS`, cached.

        >>> Segmenter(None).conjugations("외우", "VV")[:3]
        ['외워요', '외워', '외우나요']
        """
        # Keyed by the endings too: a new ending gives every stem new forms.
        endings = hashlib.sha1(repr(VERB_ENDINGS).encode()).hexdigest()[:8]
        key = f"conjugations:{endings}:{stem}:{tag}"
        self.used.add(key)
        if key not in self.entries:
            kiwi = _kiwi(self.glossary)
            forms = []
            for ending, ending_tag in VERB_ENDINGS:
                try:
                    forms.append(str(kiwi.join([(stem, tag), (ending, ending_tag)])))
                except ValueError:  # a tag Kiwi does not conjugate
                    continue
            self.entries[key] = forms
            self.misses += 1
        return [str(form) for form in self.entries[key]]

    def vocabulary(self) -> Vocabulary:
        """An empty vocabulary with the glossary's synonyms, for one index."""
        return Vocabulary(synonyms(self.glossary))

    def save(self) -> None:
        """Write the cache if a text was new: the entries this build used, atomically."""
        if self.path is None or not self.misses:
            return
        kept = {key: self.entries[key] for key in sorted(self.used)}
        write_cached(self.path, json.dumps(kept, ensure_ascii=False).encode("utf-8"))


# The index terms' field (tools/index_terms.py) weighs like a section's title: a term is
# what its authors say the section is about.
KEYWORDS_FIELD = "keywords"
KEYWORDS_BOOST = 10
# A segmented index's entries also hold the stems of their verbs and adjectives
# ("외우" for "외웁니다"), which a conjugated query word is rewritten to ("외워요" ->
# "외우"): the text's own spelling of a verb rarely starts with the reader's. Not shown.
STEMS_FIELD = "stems"
STEMS_BOOST = 1


def search_config(base: dict[str, Any], language: str, segmented: bool = False) -> dict[str, Any]:
    """The lunr configuration of one language's index.

    Args:
        base: The search plugin's options (``separator``, ``pipeline``, ``fields``).
        language: The index's language code.
        segmented: Whether the index's text was segmented by :func:`segment_text`;
            its separator then also splits on the zero-width space.

    Returns:
        The ``config`` object of the index; its fields are the search plugin's and
        :data:`KEYWORDS_FIELD` (the index terms), and in a segmented index
        :data:`STEMS_FIELD` (the verbs' stems), unless the plugin's name them.
    """
    separator = base["separator"]
    if segmented:
        separator = f"{ZERO_WIDTH_SPACE}+|{separator}"
    fields = dict(base["fields"])
    fields.setdefault(KEYWORDS_FIELD, {"boost": KEYWORDS_BOOST})
    if segmented:
        fields.setdefault(STEMS_FIELD, {"boost": STEMS_BOOST})
    return {
        "lang": [language],
        "separator": separator,
        "pipeline": list(base["pipeline"]),
        "fields": fields,
    }


# Material shows a page's sections only when they score at least as high as the
# page's best entry, and a page's top entry (its introduction) names every topic of
# the page: it would hide the section that answers. Its weight, relative to a
# section's (assets/javascripts/workers/search_rank.js ranks both alike).
PAGE_TOP_BOOST = 0.05
# A section whose heading most lessons repeat ("Setup", "Summary", "Further reading":
# the same anchor on at least this many pages) sets up or recaps its page rather than
# answering one question; it weighs like the page's top entry.
RECAP_MIN_PAGES = 3

_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9]*")


@functools.lru_cache(maxsize=8192)
def _identifiers(html: str) -> frozenset[str]:
    """The code-like names of ``html``'s text (kept per text: a rebuild meets it again)."""
    return frozenset(_IDENTIFIER.findall(_TAG.sub(" ", html)))


def compounds(entries: Iterable[dict[str, Any]], separator: str) -> dict[str, list[str]]:
    """The code names that ``separator`` splits into several index words.

    Args:
        entries: Search entries (``title`` and ``text`` may contain HTML tags).
        separator: The index's separator, a regular expression.

    Returns:
        Each such name in lowercase, with its lowercase index words:
        ``{"crossentropyloss": ["cross", "entropy", "loss"]}``. A name whose
        lowercase spelling is also an index word ("numpy", from ``x.numpy()``) is
        kept: the prose names it far more often in capitals ("NumPy").
    """
    split = re.compile(separator)
    found: dict[str, list[str]] = {}
    seen: set[str] = set()  # a name recurs in many entries: it is split once
    for entry in entries:
        for field in ("title", "text"):
            for name in _identifiers(str(entry.get(field, ""))) - seen:
                seen.add(name)
                parts = [part.lower() for part in split.split(name) if part]
                if len(parts) > 1:
                    found.setdefault(name.lower(), parts)
    return dict(sorted(found.items()))


def recap_anchors(locations: Iterable[str]) -> set[str]:
    """The section anchors that at least :data:`RECAP_MIN_PAGES` pages share.

    Args:
        locations: Search entry locations, ``"tutorials/x/#summary"``.

    Returns:
        The shared anchors, e.g. ``{"setup", "summary", "further-reading"}``.
    """
    pages: dict[str, set[str]] = {}
    for location in locations:
        page, _, anchor = location.partition("#")
        if anchor:
            pages.setdefault(anchor, set()).add(page)
    return {anchor for anchor, found in pages.items() if len(found) >= RECAP_MIN_PAGES}


# Per language root: (hash of what the files were made from, the files' bytes by name,
# the segmenter's cache keys they used, the number of sections); see write_index.
IndexMemo = dict[str, tuple[str, dict[str, bytes], set[str], int]]


def write_index(
    site_dir: Path,
    root: str,
    config: dict[str, Any],
    entries: Iterable[dict[str, Any]],
    segmenter: Segmenter | None = None,
    keywords: dict[str, list[str]] | None = None,
    memo: IndexMemo | None = None,
) -> int:
    """Write one language's ``search/search_index.json`` (and ``terms.json``).

    Args:
        site_dir: The site folder.
        root: The language's folder in the site (``""`` or ``"ko/"``); entries
            whose location starts with it are made relative to it.
        config: The index's lunr configuration (:func:`search_config`).
        entries: The search plugin's entries of this language's pages.
        segmenter: Segments the Korean text when given; ``terms.json`` is
            written beside the index then.
        keywords: The index terms of sections, by location relative to ``root``
            (:func:`tools.index_terms.by_location`); a section's go in its
            :data:`KEYWORDS_FIELD`.
        memo: The files last written for each root, with a hash of what they were
            made from (``mkdocs serve`` keeps it across rebuilds): unchanged inputs
            write the same bytes again without making them again.

    Returns:
        The number of sections written.
    """
    entries = list(entries)
    folder = Path(site_dir) / root / "search"
    key = ""
    if memo is not None:
        segmented = None if segmenter is None else str(segmenter.path)
        made_from = [root, config, entries, keywords, segmenter is not None, segmented]
        key = hashlib.sha256(
            json.dumps(made_from, sort_keys=True, ensure_ascii=False, default=str).encode()
        ).hexdigest()
        kept = memo.get(root)
        if kept is not None and kept[0] == key:
            _, outputs, used, count = kept
            if segmenter is not None:
                segmenter.used |= used  # what the segmenter's cache keeps
            for name, data in outputs.items():
                write_atomic(folder / name, data)
            return count
    before = set(segmenter.used) if segmenter is not None else set()
    vocabulary = segmenter.vocabulary() if segmenter is not None else None
    docs = []
    sectioned = {
        entry["location"].partition("#")[0] for entry in entries if "#" in entry["location"]
    }
    recaps = recap_anchors(entry["location"] for entry in entries)
    for entry in entries:
        entry = dict(entry)
        page, _, anchor = entry["location"].partition("#")
        if (not anchor and page in sectioned) or anchor in recaps:
            # A page's top (its introduction) names everything the page covers, and
            # its recap sections repeat it; the section that answers a question
            # should rank above them (Material's per-document `boost`, as set by a
            # page's `search.boost`).
            entry["boost"] = entry.get("boost", 1) * PAGE_TOP_BOOST
        if root and entry["location"].startswith(root):
            entry["location"] = entry["location"][len(root) :]
        entry["title"] = plain_math(entry["title"])
        entry["text"] = plain_math(entry["text"])
        terms = (keywords or {}).get(entry["location"])
        if terms:
            entry[KEYWORDS_FIELD] = ", ".join(escape(term, quote=False) for term in terms)
        if segmenter is not None and vocabulary is not None:
            stems: list[str] = []
            for field in ("title", "text", KEYWORDS_FIELD):
                if field in entry:
                    entry[field], found = segmenter.analyse(entry[field], vocabulary)
                    stems += found
            if stems:
                entry[STEMS_FIELD] = " ".join(stems)
        docs.append(entry)
    data = {"config": config, "docs": docs}
    names = compounds(docs, config["separator"])
    outputs = {
        "compounds.json": json.dumps(names, separators=(",", ":")).encode(),
        "search_index.json": json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode(
            "utf-8"
        ),
    }
    if vocabulary is not None and segmenter is not None:
        vocabulary.conjugate(segmenter.conjugations)
        outputs["terms.json"] = json.dumps(
            vocabulary.as_json(), ensure_ascii=False, separators=(",", ":")
        ).encode()
    for name, output in outputs.items():
        write_atomic(folder / name, output)
    if memo is not None:
        used = segmenter.used - before if segmenter is not None else set()
        memo[root] = (key, outputs, used, len(docs))
    return len(docs)


def sitemap(urls: list[str], prefix: str) -> str:
    """A ``sitemap.xml`` of ``urls`` (relative to ``prefix``, the language's root URL)."""
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    lines.append('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
    lines += [f"    <url><loc>{escape(prefix + url)}</loc></url>" for url in urls]
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def plugin(config: Any) -> Any:
    """The site's enabled search plugin (Material's or MkDocs'), or None."""
    found = config.plugins.get("material/search") or config.plugins.get("search")
    return found if found is not None and found.config.enabled else None


def page_sections(index: Path, urls: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """The entries of a search index written by the search plugin, by page.

    Args:
        index: A ``search_index.json`` as MkDocs' and Material's search plugins write it
            (``{"config": ..., "docs": [{"location": "page/#anchor", ...}]}``).
        urls: The URLs of the pages to take, in the order wanted.

    Returns:
        Each page's URL with its entries (those whose location is the URL, or the URL
        and an anchor), in the index's order; a page without entries has none.

    Raises:
        FileNotFoundError: If ``index`` does not exist.
        ValueError: If ``index`` is not such an index.
    """
    try:
        docs = json.loads(Path(index).read_text(encoding="utf-8"))["docs"]
    except (KeyError, TypeError, json.JSONDecodeError):
        docs = None
    if not isinstance(docs, list):
        raise ValueError(f"{index} is not a search index with a list of docs")
    found: dict[str, list[dict[str, Any]]] = {url: [] for url in urls}
    for entry in docs:
        page = str(entry["location"]).partition("#")[0]
        if page in found:
            found[page].append(entry)
    return found


def write_indexes(
    site: Path,
    site_url: str,
    project: site_config.Project,
    sections: dict[str, dict[str, list[dict[str, Any]]]],
    options: Any,
    segmenter: Segmenter,
    keywords: dict[str, dict[str, list[str]]] | None = None,
    memo: IndexMemo | None = None,
) -> list[tuple[str, int]]:
    """Every language's index (:func:`write_index`) and sitemap, from its pages' sections.

    Args:
        site: The site folder.
        site_url: The site's URL (``""``: the sitemaps' URLs are relative).
        project: The project (its languages).
        sections: Language -> page URL -> the search plugin's entries of the page.
        options: The search plugin's options.
        segmenter: Segments the languages that ask for it.
        keywords: Language -> the index terms of its sections, by location.
        memo: The indexes last written (:func:`write_index`), kept across rebuilds.

    Returns:
        ``(language, sections written)`` of each language that has pages.
    """
    segmenter.used.clear()
    written = []
    for language in project.languages:
        pages = sections.get(language.code)
        if not pages:
            continue
        entries = [entry for page_entries in pages.values() for entry in page_entries]
        index_config = search_config(options, language.code, bool(language.segmenter))
        count = write_index(
            site,
            language.root,
            index_config,
            entries,
            segmenter if language.segmenter else None,
            (keywords or {}).get(language.code),
            memo,
        )
        # Every page of the language, tutorials included (mkdocs-static-i18n's own
        # sitemap lists the pages it saw as documentation pages).
        urls = [url[len(language.root) :] for url in pages]
        prefix = f"{site_url.rstrip('/')}/{language.root}" if site_url else ""
        data = sitemap(urls, prefix).encode()
        write_atomic(site / language.root / "sitemap.xml", data)
        if (site / language.root / "sitemap.xml.gz").exists():
            write_atomic(site / language.root / "sitemap.xml.gz", gzip.compress(data, mtime=0))
        written.append((language.code, count))
    segmenter.save()
    return written
