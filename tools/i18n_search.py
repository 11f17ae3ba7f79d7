"""MkDocs hook: one search index per language, with Korean words segmented.

mkdocs-static-i18n builds the languages one after the other and merges every
language's sections into one ``search/search_index.json``, so a reader of the
Korean site gets English results, and Material's search splits Korean text on
spaces only: "가중치와" is one token that the query "가중치" finds only as a
prefix, and "nn.Sequential을" is never found by "Sequential". This hook fixes both:

* ``on_page_context`` keeps, per language, the index that Material's search
  plugin fills during that language's build.
* ``on_post_build`` (after mkdocs-static-i18n wrote its merged index) writes
  ``search/search_index.json`` with the default language's pages only and
  ``<lang>/search/search_index.json`` for every other language, with locations
  relative to that language's root. Korean text is segmented with the Kiwi
  morphological analyzer (kiwipiepy): a zero-width space (U+200B, invisible in
  the results) is inserted where a particle or ending starts ("가중치|와",
  "nn.Sequential|을", with | for U+200B) and between the nouns of a compound, and the Korean
  index's separator splits on it. Particles are Korean stop words in lunr.ko, so
  they are not indexed. The glossary's Korean terms (``docs/ko/glossary.md``)
  are added to Kiwi's dictionary as nouns. ``<lang>/search/terms.json`` lists the index's Korean
  words and the particles and endings seen, for the query side
  (``assets/javascripts/search_query.js`` strips particles from a query and
  splits "활성화함수" into "활성화 함수" with them).
* ``on_post_page`` points Material's ``base`` of a non-default language page at
  that language's root (Material fetches ``search/search_index.json`` and
  ``sitemap.xml`` relative to ``base``; search results resolve against it), and
  drops the per-page ``<link rel="alternate" hreflang>`` tags: Material fetches
  ``sitemap.xml`` relative to each of them, which for page URLs is a 404 and a
  console error on every page. The hreflang alternates stay in ``sitemap.xml``,
  and the language switcher links to the counterpart page itself.
* ``on_post_template`` keeps the default language's ``404.html`` at the site
  root (each language's build would overwrite it).
"""

from __future__ import annotations

import json
import logging
import re
import sys
from bisect import bisect_right
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import Any

from mkdocs.plugins import event_priority

sys.path.insert(0, str(Path(__file__).resolve().parent))

import glossary

log = logging.getLogger("mkdocs.hooks.nnguide.search")

ZERO_WIDTH_SPACE = "\u200b"
HANGUL = re.compile(r"[\uac00-\ud7a3]")
_TAG = re.compile(r"(<[^>]*>)")

# Kiwi part-of-speech tags (https://github.com/bab2min/Kiwi#품사-태그).
_NOUN_TAGS = {"NNG", "NNP", "NNB", "NR", "NP", "XR"}
_FOREIGN_TAGS = {"SL", "SH", "SN"}
_SYMBOL_TAGS = {"SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "SW", "SB"}

# Particles and endings a reader may type after a term even where the guide's
# text never uses that form; the ones the text does use are collected at build time.
# fmt: off
COMMON_SUFFIXES = (
    "은", "는", "이", "가", "을", "를", "의", "에", "에서", "에게", "께", "와", "과", "로",
    "으로", "도", "만", "까지", "부터", "보다", "처럼", "이나", "나", "랑", "이랑", "하고",
    "란", "이란", "라는", "이라는", "에는", "에서는", "으로는", "로는", "와는", "과는", "에도",
    "으로도", "로도", "만의", "이다", "입니다", "이에요", "예요", "하기", "하는", "하면",
    "하여", "해서", "합니다", "했다", "했습니다", "된", "되는", "됩니다", "적", "적인", "들",
    "들이", "들은", "들을", "들의",
)
# fmt: on


@lru_cache(maxsize=1)
def _kiwi():
    """Kiwi, taught the glossary's Korean terms as nouns (로짓, 소프트맥스, 역전파...)."""
    from kiwipiepy import Kiwi

    kiwi = Kiwi()
    if glossary.GLOSSARY.is_file():
        for term in glossary.load():
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
    """
    cuts: list[tuple[int, str]] = []
    last_kind = None
    for token in tokens:
        kind = _kind(token.tag)
        if kind == "symbol":
            continue
        if last_kind is None:
            cuts.append((0, kind))
        elif kind != last_kind and 0 < token.start < len(word):
            cuts.append((token.start, kind))
        last_kind = kind
    if not cuts:
        return [(word, "function")]
    edges = [offset for offset, _ in cuts[1:]] + [len(word)]
    return [(word[a:b], kind) for (a, kind), b in zip(cuts, edges, strict=True) if a < b]


def segment_word(word: str) -> list[str]:
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
    return segment_text(word).split(ZERO_WIDTH_SPACE)


def segment_text(text: str, collect: Vocabulary | None = None) -> str:
    """Insert a zero-width space between the search tokens of Korean words.

    The Korean words of the text are analysed together, in order (HTML tags
    skipped, so a particle after ``</code>`` still belongs to its word); the tags
    and the visible text are unchanged, only U+200B is added.

    Args:
        text: A search entry's title or text (may contain HTML tags).
        collect: If given, receives the Korean words and the particles/endings found.

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
    for token in _kiwi().tokenize(korean):
        i = bisect_right(starts, token.start) - 1
        if i >= 0 and token.start < starts[i] + len(words[i].group(0)):
            by_word[i].append(token)
    inserts: list[int] = []
    for i, match in enumerate(words):
        word = match.group(0)
        tokens = [_Shifted(t, starts[i]) for t in by_word[i]]
        pieces = _word_pieces(word, tokens)
        if collect is not None:
            collect.add(pieces)
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


class _Shifted:
    """A Kiwi token with its offset made relative to its word."""

    __slots__ = ("start", "tag")

    def __init__(self, token: Any, shift: int) -> None:
        self.tag = token.tag
        self.start = token.start - shift


_HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]+")


class Vocabulary:
    """The Korean words and the particles/endings of a segmented index."""

    def __init__(self) -> None:
        self.terms: set[str] = set()
        self.suffixes: set[str] = set(COMMON_SUFFIXES)

    def add(self, pieces: list[tuple[str, str]]) -> None:
        """Record the ``(piece, kind)`` pairs of one segmented word."""
        for index, (piece, kind) in enumerate(pieces):
            match = _HANGUL_WORD.search(piece)
            if match is None:
                continue
            if kind == "noun":
                self.terms.add(match.group(0))
            elif kind == "function" and index > 0 and _HANGUL_WORD.fullmatch(piece):
                self.suffixes.add(piece)

    def as_json(self) -> dict[str, list[str]]:
        """The vocabulary as written to ``terms.json``."""
        return {"terms": sorted(self.terms), "suffixes": sorted(self.suffixes)}


# ---------------------------------------------------------------------------
# Collection per language

_SECTIONS: dict[str, Any] = {}  # language -> the search plugin's index of its build
_PAGES: dict[str, list[str]] = {}  # language -> page URLs relative to its root


def _i18n(config):
    return config.plugins.get("i18n")


def _default_language(config) -> str:
    plugin = _i18n(config)
    return getattr(plugin, "default_language", None) or config.theme.get("language", "en")


def _page_language(page, config) -> str:
    return getattr(page.file, "locale", None) or _default_language(config)


def _search_plugin(config):
    return config.plugins.get("material/search") or config.plugins.get("search")


def on_pre_build(config):
    language = config.theme.get("language") or _default_language(config)
    _SECTIONS.pop(language, None)
    _PAGES.pop(language, None)


def on_page_context(context, page, config, nav):
    search = _search_plugin(config)
    if search is None or not search.config.enabled:
        return context
    # The search plugin makes a new index for each language's build and has just
    # added this page's sections to it (hooks run after plugins).
    language = _page_language(page, config)
    _SECTIONS[language] = search.search_index
    _PAGES.setdefault(language, []).append(page.url)
    return context


def _root(language: str, default: str) -> str:
    return "" if language == default else f"{language}/"


def search_config(base: dict[str, Any], language: str) -> dict[str, Any]:
    """The lunr configuration of one language's index.

    Args:
        base: The search plugin's options (``lang``, ``separator``, ``pipeline``,
            ``fields``).
        language: The index's language code.

    Returns:
        The ``config`` object of the index. Korean also splits on the zero-width
        space that :func:`segment_text` inserts.
    """
    separator = base["separator"]
    if language == "ko":
        separator = f"{ZERO_WIDTH_SPACE}+|{separator}"
    return {
        "lang": [language],
        "separator": separator,
        "pipeline": list(base["pipeline"]),
        "fields": base["fields"],
    }


def _sitemap(urls: list[str], prefix: str) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    lines.append('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
    lines += [f"    <url><loc>{escape(prefix + url)}</loc></url>" for url in urls]
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


@event_priority(-110)  # after mkdocs-static-i18n (-100) wrote its merged index
def on_post_build(config):
    search = _search_plugin(config)
    if search is None or not search.config.enabled or not _SECTIONS:
        return
    default = _default_language(config)
    site = Path(config.site_dir)
    for language, index in _SECTIONS.items():
        root = _root(language, default)
        # This runs after each language's build; mkdocs-static-i18n overwrites
        # only the root index in between, so another language is written once.
        if root and getattr(index, "_nnguide_written", False):
            continue
        index._nnguide_written = True
        vocabulary = Vocabulary() if language == "ko" else None
        docs = []
        for entry in index.entries:
            entry = dict(entry)
            if root and entry["location"].startswith(root):
                entry["location"] = entry["location"][len(root) :]
            if vocabulary is not None:
                entry["title"] = segment_text(entry["title"], vocabulary)
                entry["text"] = segment_text(entry["text"], vocabulary)
            docs.append(entry)
        folder = site / root / "search"
        folder.mkdir(parents=True, exist_ok=True)
        data = {"config": search_config(search.config, language), "docs": docs}
        (folder / "search_index.json").write_text(
            json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )
        if vocabulary is not None:
            (folder / "terms.json").write_text(
                json.dumps(vocabulary.as_json(), ensure_ascii=False, separators=(",", ":")),
                encoding="utf-8",
            )
        if root:
            urls = [url[len(root) :] for url in _PAGES.get(language, [])]
            prefix = f"{config.site_url.rstrip('/')}/{root}" if config.site_url else ""
            (site / root / "sitemap.xml").write_text(_sitemap(urls, prefix), encoding="utf-8")
        log.info("Search index for '%s': %d sections", language, len(docs))


# ---------------------------------------------------------------------------
# Page configuration

_CONFIG = re.compile(r'(<script id="__config" type="application/json">)(.*?)(</script>)', re.S)
_ALTERNATE = re.compile(r'\s*<link rel="alternate" href="[^"]*" hreflang="[^"]*">')


def on_post_page(output, page, config):
    output = _ALTERNATE.sub("", output)
    language = _page_language(page, config)
    default = _default_language(config)
    if language == default:
        return output

    def rebase(match: re.Match) -> str:
        data = json.loads(match.group(2))
        data["base"] = f"{data['base'].rstrip('/')}/{language}/"
        return match.group(1) + json.dumps(data) + match.group(3)

    return _CONFIG.sub(rebase, output, count=1)


_DEFAULT_404: dict[str, str] = {}


def on_post_template(output_content, template_name, config):
    """Keep the default language's ``404.html`` at the site root.

    mkdocs-static-i18n renders the theme's static templates once per language
    into the same site directory, so the last language built would own the root
    ``404.html`` (a Korean 404 page for English readers, with the last page's
    alternate links). The default language's page is kept.
    """
    if template_name != "404.html":
        return output_content
    output_content = _ALTERNATE.sub("", output_content)
    if config.theme.get("language") == _default_language(config):
        _DEFAULT_404["html"] = output_content
        return output_content
    return _DEFAULT_404.get("html", output_content)
