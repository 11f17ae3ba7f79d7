"""Index terms: what authors mark under a heading, collected into each language's Index.

An author marks the terms a section should be found under, the other names learners use
included, with an HTML comment on the line directly under the section's heading (in a
lesson's Markdown cell, ``# <!-- index: ... -->`` in the script, or in a Markdown page):

.. code-block:: markdown

    ## Mean squared error
    <!-- index: cost function; objective function; MSE -->

An HTML comment is invisible in every Markdown dialect and in notebooks. The build
(:mod:`tools.plugin`) collects every mark of a language (:func:`collect`: the lessons
through :mod:`tools.lessons`, the Markdown pages from ``docs/<lang>``) and

* writes the language's Index page (:func:`index_markdown`): the terms sorted the way
  the language sorts (:func:`sort_key`: English without regard to case, grouped by
  initial letter; Korean in the order of Hangul syllables, grouped by initial
  consonant, ㄱ to ㅎ, then the Latin-script terms), each with links to its sections;
* gives each section's terms to its search entry (:func:`by_location`), a field the
  search weighs like a title (:mod:`tools.search`).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MARK = re.compile(r"^\s*<!--\s*index\s*:(.*?)-->\s*$")
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*$")
EXPLICIT_ANCHOR = re.compile(r"\s*\{\s*#([\w-]+)\s*\}\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")

# Hangul initial consonants (the 19 of Unicode's syllable order); a tense consonant is
# grouped with its plain one, as in a Korean textbook's index.
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
_GROUP = {"ㄲ": "ㄱ", "ㄸ": "ㄷ", "ㅃ": "ㅂ", "ㅆ": "ㅅ", "ㅉ": "ㅈ"}


class IndexTermError(ValueError):
    """A mark that cannot be read; the message names the file and the line."""


@dataclass(frozen=True)
class Mark:
    """The terms marked under one heading."""

    anchor: str  # the heading's id on its page
    heading: str  # the heading's text, without its ``{ #anchor }``
    terms: tuple[str, ...]
    line: int  # 1-based line of the mark in its source


@dataclass(frozen=True)
class Entry:
    """One index term at one section."""

    term: str
    page: str  # the page's source, relative to docs/<lang>: "tutorials/03_x.ipynb"
    url: str  # the page's URL relative to the language root: "tutorials/03_x/"
    anchor: str
    page_title: str
    heading: str


def slugify(text: str) -> str:
    """A heading's id as the site makes it (``toc``'s and the render step's slugify).

    >>> slugify("The learning rate")
    'the-learning-rate'
    >>> slugify("The `state_dict`")
    'the-state_dict'
    """
    from pymdownx.slugs import slugify as make

    plain = re.sub(r"[`*]", "", text)
    return str(make(case="lower")(plain, "-"))


def heading_anchor(text: str) -> str:
    """The id of a heading whose Markdown text is ``text``: its ``{ #anchor }`` or its slug.

    >>> heading_anchor("학습률 { #the-learning-rate }"), heading_anchor("Mini-batches")
    ('the-learning-rate', 'mini-batches')
    """
    explicit = EXPLICIT_ANCHOR.search(text)
    return explicit.group(1) if explicit else slugify(text)


def parse_terms(text: str, label: str, line: int) -> tuple[str, ...]:
    """The terms of a mark's text, ``"a; b"``, in order, without repeats.

    >>> parse_terms(" cost function; 비용 함수 ;cost function ", "x.md", 3)
    ('cost function', '비용 함수')

    Raises:
        IndexTermError: If a term is empty, naming ``label`` and ``line``.
    """
    terms: list[str] = []
    for raw in text.split(";"):
        term = " ".join(raw.split())
        if not term:
            raise IndexTermError(f"{label}:{line}: empty index term in {text.strip()!r}")
        if term not in terms:
            terms.append(term)
    return tuple(terms)


def marks(markdown: str, label: str, first_line: int = 1) -> list[Mark]:
    """The index marks of Markdown text, each with the heading it stands under.

    A mark must be the first non-blank line after a heading; code blocks are skipped.

    Args:
        markdown: The text of a Markdown page or cell.
        label: Names the source in errors (``examples/en/03_x.py``).
        first_line: The source line of the text's first line (a cell's place in its script).

    Returns:
        The marks, in order.

    Raises:
        IndexTermError: If a mark does not stand directly under a heading, or has an
            empty term.

    >>> marks("## Loss { #loss }\\n<!-- index: cost function -->\\ntext", "x.md")
    [Mark(anchor='loss', heading='Loss', terms=('cost function',), line=2)]
    """
    found: list[Mark] = []
    heading: tuple[str, str] | None = None  # (anchor, text) of the heading just above
    fenced = False
    for offset, line in enumerate(markdown.splitlines()):
        number = first_line + offset
        if FENCE.match(line):
            fenced = not fenced
            heading = None
            continue
        if fenced:
            continue
        mark = MARK.match(line)
        if mark:
            if heading is None:
                raise IndexTermError(
                    f"{label}:{number}: an index mark must be the line directly under a heading"
                )
            terms = parse_terms(mark.group(1), label, number)
            found.append(Mark(heading[0], heading[1], terms, number))
            heading = None
            continue
        match = HEADING.match(line)
        if match:
            text = match.group(2)
            heading = (heading_anchor(text), EXPLICIT_ANCHOR.sub("", text).strip())
        elif line.strip():
            heading = None
    return found


def page_url(src: str) -> str:
    """The URL of a page (relative to its language root) from its source path.

    A folder's ``index`` or ``README`` is the folder, as MkDocs makes it
    (``use_directory_urls``); ``src`` may climb (``../glossary.md``: a link's target).

    >>> page_url("index.md"), page_url("api/models.md"), page_url("tutorials/03_x.ipynb")
    ('', 'api/models/', 'tutorials/03_x/')
    >>> page_url("../README.md"), page_url("../glossary.md")
    ('../', '../glossary/')
    """
    path = PurePosixPath(src)
    folder = path.parent.as_posix()
    parts = [] if folder == "." else [folder]
    if path.stem not in ("index", "README"):
        parts.append(path.stem)
    return "".join(f"{part}/" for part in parts)


def _page_title(markdown: str) -> str:
    for line in markdown.splitlines():
        match = HEADING.match(line)
        if match and len(match.group(1)) == 1:
            return EXPLICIT_ANCHOR.sub("", match.group(2)).strip().replace("`", "")
    return ""


def page_entries(markdown: str, src: str, label: str) -> list[Entry]:
    """The index entries of one Markdown page (``src``: its path under docs/<lang>)."""
    title = _page_title(markdown)
    return [
        Entry(term, src, page_url(src), mark.anchor, title, mark.heading.replace("`", ""))
        for mark in marks(markdown, label)
        for term in mark.terms
    ]


def collect(
    project: object, lang: str, skip: Iterable[str] = (), cache: Path | None = None
) -> list[Entry]:
    """Every index entry of a language: its lessons' marks, then its Markdown pages'.

    Args:
        project: The project (:class:`tools.config.Project`).
        lang: The language's code.
        skip: Markdown pages (paths under docs/<lang>) not to read, e.g. the Index itself.
        cache: A file that keeps each lesson's entries by the SHA-256 of its script
            (sealed, :func:`tools.files.write_cached`): a lesson whose script did not
            change is not parsed again (a warm build parses none).

    Raises:
        IndexTermError: If a mark cannot be read (:func:`marks`).
        tools.lessons.LessonError: If a lesson script cannot be read.
    """
    from tools import config, files, lessons

    assert isinstance(project, config.Project)
    known: dict[str, list[list[str]]] = {} if cache is None else files.read_cached_dict(cache)
    found: list[Entry] = []
    kept: dict[str, list[list[str]]] = {}
    for example in lessons.discover(project, (lang,)):
        src = f"{project.tutorials}/{example.name}.ipynb"
        key = hashlib.sha256(
            json.dumps([_code_digest(), example.label, src]).encode() + example.script.read_bytes()
        ).hexdigest()
        rows = known.get(key)
        if rows is None:
            rows = [
                [entry.term, entry.anchor, entry.page_title, entry.heading]
                for entry in _lesson_entries(lessons.read(example, copy=False), src)
            ]
        kept[key] = rows
        found += [
            Entry(term, src, page_url(src), anchor, title, h) for term, anchor, title, h in rows
        ]
    if cache is not None and kept != known:
        files.write_cached(cache, json.dumps(kept, ensure_ascii=False).encode("utf-8"))
    docs = project.docs_dir / lang
    skipped = set(skip)
    for path in sorted(Path(docs).rglob("*.md")):
        src = path.relative_to(docs).as_posix()
        if src in skipped:
            continue
        label = path.relative_to(project.root).as_posix()
        found += page_entries(path.read_text(encoding="utf-8"), src, label)
    return found


@functools.lru_cache(maxsize=1)
def _code_digest() -> str:
    """What reads a lesson's marks (this module and :mod:`tools.lessons`), hashed."""
    from tools import lessons

    code = Path(__file__).read_bytes() + Path(lessons.__file__).read_bytes()
    return hashlib.sha256(code).hexdigest()


def _lesson_entries(lesson: object, src: str) -> list[Entry]:
    from tools import lessons

    assert isinstance(lesson, lessons.Lesson)
    title = (lesson.title or lesson.example.name).replace("`", "")
    return [
        Entry(term, src, page_url(src), mark.anchor, title, mark.heading.replace("`", ""))
        for mark in lesson.index_marks()
        for term in mark.terms
    ]


def initial_group(term: str) -> str:
    """The group a term is listed under: its initial letter or Hangul initial consonant.

    >>> initial_group("cost function"), initial_group("깊은 신경망"), initial_group("NCHW")
    ('C', 'ㄱ', 'N')
    >>> initial_group("1×1 convolution")
    '#'
    """
    first = term[:1]
    if "\uac00" <= first <= "\ud7a3":
        initial = _INITIALS[(ord(first) - 0xAC00) // (21 * 28)]
        return _GROUP.get(initial, initial)
    if first.isascii() and first.isalpha():
        return first.upper()
    return "#"


def sort_key(term: str, lang: str) -> tuple[int, str, str]:
    """How ``lang`` sorts a term: its group's place, then the term without regard to case.

    English: letters A to Z, then other initials. Korean: Hangul in syllable order (the
    dictionary's 가나다 order), then Latin-script terms A to Z, then the rest.

    >>> sorted(["loss", "Adam", "batch"], key=lambda t: sort_key(t, "en"))
    ['Adam', 'batch', 'loss']
    >>> sorted(["ReLU", "학습률", "가중치", "미니배치"], key=lambda t: sort_key(t, "ko"))
    ['가중치', '미니배치', '학습률', 'ReLU']
    """
    group = initial_group(term)
    if group == "#":
        rank = 2
    elif lang == "ko":
        rank = 0 if group in _INITIALS else 1
    else:
        rank = 0
    return (rank, term.casefold(), term)


def grouped(entries: Iterable[Entry], lang: str) -> list[tuple[str, list[tuple[str, list[Entry]]]]]:
    """The entries as the Index lists them: groups, each with its terms and their sections.

    A term marked at several sections lists them in the order of the site (the lessons,
    then the pages, as :func:`collect` reads them).
    """
    by_term: dict[str, list[Entry]] = {}
    for entry in entries:
        listed = by_term.setdefault(entry.term, [])
        if all((e.page, e.anchor) != (entry.page, entry.anchor) for e in listed):
            listed.append(entry)
    groups: dict[str, list[tuple[str, list[Entry]]]] = {}
    for term in sorted(by_term, key=lambda t: sort_key(t, lang)):
        groups.setdefault(initial_group(term), []).append((term, by_term[term]))
    return list(groups.items())


def _group_anchor(group: str, number: int) -> str:
    return f"index-{group.lower()}" if group.isascii() and group.isalpha() else f"index-{number}"


def index_markdown(entries: Iterable[Entry], lang: str, index_src: str) -> str:
    """The Index's list, in Markdown: a heading per group, a line per term.

    Links are to the pages' sources relative to the Index page's source, so MkDocs
    checks and rewrites them like any other link (under any ``site_url``).

    >>> entry = Entry("cost function", "tutorials/03_x.ipynb", "tutorials/03_x/", "mse",
    ...               "Loss", "Mean squared error")
    >>> print(index_markdown([entry], "en", "index-terms.md"))
    ## C { #index-c }
    <BLANKLINE>
    - **cost function**: [Loss › Mean squared error](tutorials/03_x.ipynb#mse)
    <BLANKLINE>
    """
    base = PurePosixPath(index_src).parent
    lines: list[str] = []
    for number, (group, terms) in enumerate(grouped(entries, lang), start=1):
        # Escaped: a heading "## #" would be empty ("#" closes a Markdown heading).
        lines += [f"## {_escape(group)} {{ #{_group_anchor(group, number)} }}", ""]
        for term, found in terms:
            links = "; ".join(
                f"[{_escape(e.page_title)} › {_escape(e.heading)}]"
                f"({_relative(e.page, base)}#{e.anchor})"
                for e in found
            )
            lines.append(f"- **{_escape(term)}**: {links}")
        lines.append("")
    return "\n".join(lines)


def _escape(text: str) -> str:
    r"""``text`` as Markdown that shows it as it is.

    >>> _escape("#define <T> a_b [x] *y")
    '\\#define &lt;T&gt; a\\_b \\[x\\] \\*y'
    """
    text = re.sub(r"([\\\[\]*_#])", r"\\\1", text)
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _relative(src: str, base: PurePosixPath) -> str:
    if base.as_posix() in ("", "."):
        return src
    ups = len(base.parts)
    return "../" * ups + src


def by_location(entries: Iterable[Entry]) -> dict[str, list[str]]:
    """Each section's terms, by search location (``"tutorials/03_x/#mse"``), in order."""
    found: dict[str, list[str]] = {}
    for entry in entries:
        terms = found.setdefault(f"{entry.url}#{entry.anchor}", [])
        if entry.term not in terms:
            terms.append(entry.term)
    return found
