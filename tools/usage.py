"""Usage step: which lessons use which ``nnguide`` objects, and the API pages' lists of them.

The lessons' code is read once per build (:func:`find`, with :mod:`ast` through
:func:`tools.linkcode.lesson_usage`); on an API page, each object's entry then lists
the lessons of the page's language that use it (:func:`add_lesson_lists`).

Both answers, which lessons use what and which public objects none uses, are kept on
disk (``.cache/usage``) under a hash of everything they depend on: the scripts, the
resolver's fingerprint (the nnguide sources, the API pages' modules, the inventory)
and this module's code. A build whose scripts and package did not change reads them
back without parsing a lesson or importing nnguide (and torch). Each lesson's answer
is kept there too, under a hash of its code's syntax trees (comments and blank lines
do not count): after an edit of a lesson's prose or comments (``mkdocs serve``), no
name is resolved again, so nnguide and torch are not imported.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

from mkdocs.utils import get_relative_url

from tools import config, lessons, linkcode, tutorial_page
from tools.files import write_atomic

# language -> nnguide API identifier -> the lessons using it: (name, title)
Usage = dict[str, dict[str, list[tuple[str, str]]]]
# (resolver fingerprint, a lesson's code cells) -> the API identifiers it uses
Memo = dict[tuple[str, tuple[str, ...]], set[str]]

# A mkdocstrings block without options: "::: nnguide.layers"
_DIRECTIVE = re.compile(r":::[ \t]+(?P<id>[\w.]+)[ \t]*")


def find(
    project: config.Project,
    resolver: linkcode.Resolver,
    memo: Memo,
    cache_dir: Path | None = None,
) -> Usage:
    """Which lessons of each language use which API objects, lessons sorted by name.

    ``memo`` keeps each lesson's answer across builds (``mkdocs serve`` reloads);
    ``cache_dir`` keeps the whole answer on disk (:func:`cached`).

    Raises:
        lessons.LessonError: If a script cannot be read.
    """
    return cached(
        cache_dir,
        "usage",
        _key(project, resolver),
        lambda: _find(project, resolver, memo, cache_dir),
        lambda data: {
            lang: {name: [tuple(user) for user in users] for name, users in found.items()}
            for lang, found in data.items()
        },
    )


def preload(
    project: config.Project,
    resolver: linkcode.Resolver,
    memo: Memo,
    cache_dir: Path | None = None,
) -> None:
    """Read every lesson and keep its answer in ``memo`` (from ``cache_dir`` where it is).

    A build whose answer comes whole from the disk (:func:`find`) reads no lesson;
    ``mkdocs serve`` calls this after it, while it waits for an edit, whose rebuild
    then parses and looks at the edited script only.

    Raises:
        lessons.LessonError: If a script cannot be read.
    """
    _find(project, resolver, memo, cache_dir)


def _find(
    project: config.Project,
    resolver: linkcode.Resolver,
    memo: Memo,
    cache_dir: Path | None = None,
) -> Usage:
    usage: Usage = {}
    kept: set[Path] = set()  # each lesson's answer on disk, when none came from the memo
    remembered = False
    for example in lessons.discover(project):
        lesson = lessons.read(example, copy=False)  # only read
        sources = lesson.code()
        found = usage.setdefault(example.lang, {})
        key = (resolver.fingerprint(), sources)
        if key in memo:
            remembered = True
        else:
            memo[key] = _lesson_usage(sources, resolver, cache_dir, kept)
        for identifier in memo[key]:
            found.setdefault(identifier, []).append((example.name, lesson.title or example.name))
    for by_identifier in usage.values():
        for used_by in by_identifier.values():
            used_by.sort()
    if cache_dir is not None and kept and not remembered:  # the older answers go
        for old in Path(cache_dir).glob("lesson-*.json"):
            if old not in kept:
                old.unlink(missing_ok=True)
    return usage


def code_digest(sources: tuple[str, ...]) -> str:
    """A hash of code cells that only a change of their syntax trees changes.

    The names a lesson uses are read from its cells' syntax trees (:mod:`ast`), which
    hold neither comments nor blank lines; a cell that does not parse counts as text.

    >>> code_digest(("x = 1  # one\\n\\ny = x",)) == code_digest(("x = 1\\ny = x  # two",))
    True
    >>> code_digest(("x = 1",)) == code_digest(("x = 2",))
    False
    """
    digest = hashlib.sha256()
    for source in sources:
        try:
            digest.update(ast.dump(ast.parse(source)).encode("utf-8"))
        except SyntaxError:
            digest.update(b"\0text\0" + source.encode("utf-8"))
        digest.update(b"\0cell\0")
    return digest.hexdigest()


def _lesson_usage(
    sources: tuple[str, ...],
    resolver: linkcode.Resolver,
    cache_dir: Path | None,
    kept: set[Path],
) -> set[str]:
    """:func:`tools.linkcode.lesson_usage`, kept in ``cache_dir/lesson-<key>.json``."""
    if cache_dir is None:
        return linkcode.lesson_usage(sources, resolver)
    key = hashlib.sha256(
        f"{resolver.fingerprint()}\n{_CODE}\n{code_digest(sources)}".encode()
    ).hexdigest()
    path = Path(cache_dir) / f"lesson-{key}.json"
    kept.add(path)
    try:
        return set(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        pass
    used = linkcode.lesson_usage(sources, resolver)
    write_atomic(path, json.dumps(sorted(used)).encode("utf-8"))
    return used


def public_api(resolver: linkcode.Resolver, cache_dir: Path | None = None) -> set[str]:
    """:func:`tools.linkcode.public_api`, kept on disk in ``cache_dir`` (:func:`cached`)."""
    key = hashlib.sha256(f"{resolver.fingerprint()}\n{_CODE}".encode()).hexdigest()
    return cached(cache_dir, "public", key, lambda: linkcode.public_api(resolver), set)


def cached(
    cache_dir: Path | None,
    name: str,
    key: str,
    compute: Callable[[], Any],
    load: Callable[[Any], Any],
) -> Any:
    """``compute()``, or ``load`` of its JSON from ``cache_dir/<name>-<key>.json``.

    A computed answer is written there (sets as sorted lists), and the files of
    ``name`` with another key are removed: one answer per name is kept.
    """
    if cache_dir is None:
        return compute()
    path = Path(cache_dir) / f"{name}-{key}.json"
    try:
        return load(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        pass
    answer = compute()
    data = sorted(answer) if isinstance(answer, set) else answer
    write_atomic(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))
    for old in Path(cache_dir).glob(f"{name}-*.json"):
        if old != path:
            old.unlink(missing_ok=True)
    return answer


# What decides the answers besides the scripts and the resolver: this step's code.
_CODE = hashlib.sha256(
    b"".join(Path(module.__file__ or "").read_bytes() for module in (lessons, linkcode))
    + Path(__file__).read_bytes()
).hexdigest()


def _key(project: config.Project, resolver: linkcode.Resolver) -> str:
    digest = hashlib.sha256(f"{resolver.fingerprint()}\n{_CODE}\n".encode())
    for example in lessons.discover(project):
        digest.update(f"{example.lang}/{example.name}\n".encode())
        digest.update(example.script.read_bytes())
    return digest.hexdigest()


def api_language(project: config.Project, src_uri: str, folder: str) -> config.Language | None:
    """The language of ``src_uri`` if it is an API page (``<lang>/<folder>/...``)."""
    parts = PurePosixPath(src_uri).parts
    if len(parts) >= 3 and parts[0] in project.codes and parts[1] == folder:
        return project.language(parts[0])
    return None


def add_lesson_lists(
    markdown: str,
    used_by: dict[str, list[tuple[str, str]]],
    tutorial_url: Callable[[str], str],
    label: str,
    locale: str | None = None,
) -> str:
    """An API page's Markdown, each ``::: identifier`` block given the lessons that use it.

    The lists are mkdocstrings-python options of the block (``extra.nnguide_used_in``:
    the label, and each object's lessons as ``[title, URL]``, the title numbered as in
    the navigation: "1. Building a neural network"), which the project's
    templates (``tools/templates/python/material/``, mkdocs.yml's ``custom_templates``)
    put after each object's heading. With ``locale``, every block also gets
    ``extra.nnguide_locale``, the language of the strings mkdocstrings-python writes
    ("Parameters:", the tables' "Name", "Type", ...): the project's
    ``language.html.jinja`` prefers it to mkdocstrings' one ``locale`` for the build.

    Args:
        markdown: The page's Markdown.
        used_by: API identifier -> ``(name, title)`` of the lessons using it.
        tutorial_url: A lesson's name -> the URL of its page, relative to this page.
        label: The words before a list ("Used in the lessons:").
        locale: The page's language code ("ko"), or None to leave the language to
            mkdocstrings.

    Returns:
        ``markdown`` with an ``options:`` block under each ``:::`` line that documents
        a used object or its members (under every one with ``locale``); unchanged
        where none is needed.

    Raises:
        ValueError: If a ``:::`` block that needs options already has some.
    """
    lines = markdown.splitlines(keepends=True)
    out = []
    for number, line in enumerate(lines):
        out.append(line)
        match = _DIRECTIVE.fullmatch(line.rstrip("\n"))
        if match is None:
            continue
        identifier = match["id"]
        lessons = {
            name: [
                [tutorial_page.numbered_title(lesson, title), tutorial_url(lesson)]
                for lesson, title in found
            ]
            for name, found in sorted(used_by.items())
            if found and (name == identifier or name.startswith(identifier + "."))
        }
        extra: dict[str, Any] = {}
        if lessons:
            extra["nnguide_used_in"] = {"label": label, "lessons": lessons}
        if locale is not None:
            extra["nnguide_locale"] = locale
        if not extra:
            continue
        following = lines[number + 1] if number + 1 < len(lines) else ""
        if following.strip() and following[0] in " \t":
            raise ValueError(
                f"::: {identifier} already has options; the lessons that use it "
                "and the page's language cannot be added to them"
            )
        if not line.endswith("\n"):
            out.append("\n")
        out.append("    options:\n      extra:\n")
        for key, value in extra.items():
            out.append(f"        {key}: {json.dumps(value, ensure_ascii=False)}\n")
    return "".join(out)


def tutorial_urls(project: config.Project, language: config.Language, page_url: str):
    """A lesson's name -> its page's URL relative to the page at ``page_url``."""
    folder = f"{language.root}{project.tutorials}"
    return lambda name: get_relative_url(f"{folder}/{name}/", page_url)


def report(
    project: config.Project,
    resolver: linkcode.Resolver,
    usage: Usage,
    code_links: dict[str, dict[str, tuple[int, int]]],
    cache_dir: Path | None = None,
) -> list[str]:
    """Per language: the code names linked, and the public objects no lesson uses.

    ``cache_dir``: where the public objects are kept (:func:`public_api`).
    """
    public = public_api(resolver, cache_dir)
    lines = []
    for language in project.languages:
        pages = code_links.get(language.code)
        if pages:
            api = sum(counts[0] for counts in pages.values())
            torch = sum(counts[1] for counts in pages.values())
            lines.append(
                f"Linked code ({language.code}): {api + torch} names in {len(pages)} lessons: "
                f"{api} to the API pages, {torch} to PyTorch"
            )
        unused = sorted(public - set(usage.get(language.code, {})))
        lines.append(
            f"nnguide API used by no lesson ({language.code}): {', '.join(unused) or 'none'}"
        )
    return lines
