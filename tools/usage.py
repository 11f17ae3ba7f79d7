"""Usage step: which lessons use which ``nnguide`` objects, and the API pages' lists of them.

The lessons' code is read once per build (:func:`find`, with :mod:`ast` through
:func:`tools.linkcode.lesson_usage`); on an API page, each object's entry then lists
the lessons of the page's language that use it (:func:`add_lesson_lists`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from pathlib import PurePosixPath

from mkdocs.utils import get_relative_url

from tools import config, lessons, linkcode

# language -> nnguide API identifier -> the lessons using it: (name, title)
Usage = dict[str, dict[str, list[tuple[str, str]]]]
# (resolver fingerprint, a lesson's code cells) -> the API identifiers it uses
Memo = dict[tuple[str, tuple[str, ...]], set[str]]

_DOC_HEADING = re.compile(
    r'<h[1-6] id="(?P<id>[\w.]+)" class="doc doc-heading">.*?</h[1-6]>.*?'
    r'<div class="doc doc-contents[^"]*">',
    re.S,
)


def find(project: config.Project, resolver: linkcode.Resolver, memo: Memo) -> Usage:
    """Which lessons of each language use which API objects, lessons sorted by name.

    ``memo`` keeps each lesson's answer across builds (``mkdocs serve`` reloads).

    Raises:
        lessons.LessonError: If a script cannot be read.
    """
    usage: Usage = {}
    for example in lessons.discover(project):
        lesson = lessons.read(example)
        sources = lesson.code()
        found = usage.setdefault(example.lang, {})
        key = (resolver.fingerprint(), sources)
        if key not in memo:
            memo[key] = linkcode.lesson_usage(sources, resolver)
        for identifier in memo[key]:
            found.setdefault(identifier, []).append((example.name, lesson.title or example.name))
    for by_identifier in usage.values():
        for used_by in by_identifier.values():
            used_by.sort()
    return usage


def api_language(project: config.Project, src_uri: str, folder: str) -> config.Language | None:
    """The language of ``src_uri`` if it is an API page (``<lang>/<folder>/...``)."""
    parts = PurePosixPath(src_uri).parts
    if len(parts) >= 3 and parts[0] in project.codes and parts[1] == folder:
        return project.language(parts[0])
    return None


def add_lesson_lists(
    html: str,
    used_by: dict[str, list[tuple[str, str]]],
    tutorial_url: Callable[[str], str],
    label: str,
) -> str:
    """An API page's HTML with, after each object's heading, the lessons that use it.

    Args:
        html: The page's HTML from mkdocstrings.
        used_by: API identifier -> ``(name, title)`` of the lessons using it.
        tutorial_url: A lesson's name -> the URL of its page, relative to this page.
        label: The words before the list ("Used in the lessons:").
    """

    def add(match: re.Match[str]) -> str:
        found = used_by.get(match["id"])
        if not found:
            return match[0]
        links = ", ".join(
            f'<a href="{tutorial_url(name)}">{escape(title)}</a>' for name, title in found
        )
        return f'{match[0]}<p class="nb-used-in"><strong>{escape(label)}</strong> {links}</p>'

    return _DOC_HEADING.sub(add, html)


def tutorial_urls(project: config.Project, language: config.Language, page_url: str):
    """A lesson's name -> its page's URL relative to the page at ``page_url``."""
    folder = f"{language.root}{project.tutorials}"
    return lambda name: get_relative_url(f"{folder}/{name}/", page_url)


def report(
    project: config.Project,
    resolver: linkcode.Resolver,
    usage: Usage,
    code_links: dict[str, dict[str, tuple[int, int]]],
) -> list[str]:
    """Per language: the code names linked, and the public objects no lesson uses."""
    public = linkcode.public_api(resolver)
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
