"""The search entries of pages that have not changed since the last build, kept on disk.

Material's search plugin parses every page's HTML into search entries on every build
(``on_page_context``): in a warm build of this site, about 1.3 s of its 7–8 s, the
tutorial pages' highlighted code being thousands of tags each. A page whose inputs to
that parse are the same as in the last build gets the same entries, so the plugin keeps
each page's entries, read from the index the search plugin wrote, under a key of those
inputs (:func:`page_key`), one file per language in ``.cache/search/sections/``.

A page whose key is known is marked excluded from search for the search plugin's turn
(Material's documented front matter ``search: exclude: true``, set in ``page.meta``
just before the search plugin's ``on_page_context`` and put back just after it), and
its kept entries take its place in the language's entries (:meth:`KnownSections.take`).
Only Material's search plugin reads that option; with MkDocs' own, every page is parsed.
"""

from __future__ import annotations

import functools
import hashlib
import json
from importlib import metadata
from pathlib import Path
from typing import Any

from tools import files

Entries = list[dict[str, Any]]
_FORMAT = 1
_ABSENT = object()  # a page without ``search`` in its meta


@functools.lru_cache(maxsize=1)
def _versions() -> list[str | None]:
    """The versions of MkDocs, Material and jieba, looked up once per process."""
    found: list[str | None] = []
    for distribution in ("mkdocs", "mkdocs-material", "jieba"):
        try:
            found.append(metadata.version(distribution))
        except metadata.PackageNotFoundError:
            found.append(None)
    return found


def _toc(items: Any) -> list[Any]:
    return [
        [item.id, item.url, item.title, item.level, _toc(item.children)] for item in items or ()
    ]


def page_key(page: Any, search_config: Any) -> str:
    """The SHA-256 of everything the search plugin's entries for ``page`` depend on.

    That is the page's HTML, URL, title, table of contents and the meta it reads
    (``title``, ``tags``, ``search``), the plugin's options, and the versions of MkDocs,
    Material and jieba (which Material uses to segment Chinese where it is installed).
    """
    meta = page.meta or {}
    parts = [
        _FORMAT,
        _versions(),
        dict(search_config),
        page.url,
        page.title,
        {key: meta.get(key) for key in ("title", "tags", "search")},
        _toc(page.toc),
        page.content,
    ]
    text = json.dumps(parts, default=repr, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class KnownSections:
    """Each language's pages' search entries by key, kept in ``folder``."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._known: dict[str, dict[str, dict[str, Any]]] = {}  # language -> url -> entry
        self._keys: dict[str, dict[str, str]] = {}  # language -> url -> key, this build
        self._skipped: dict[str, dict[str, Entries]] = {}  # language -> url -> entries
        self._hidden: tuple[Any, Any] | None = None  # (page, its meta's old ``search``)
        # language -> (pages the search plugin parsed, pages whose entries were kept)
        self.counts: dict[str, tuple[int, int]] = {}

    def _path(self, code: str) -> Path:
        return self.folder / f"{code}.json"

    def _pages(self, code: str) -> dict[str, dict[str, Any]]:
        if code not in self._known:
            stored = files.read_cached_dict(self._path(code))
            pages = stored.get("pages") if stored.get("format") == _FORMAT else None
            self._known[code] = pages if isinstance(pages, dict) else {}
        return self._known[code]

    def start(self, code: str) -> None:
        """A build of language ``code`` starts: no page of it is rendered yet."""
        self._keys[code], self._skipped[code] = {}, {}

    def before_search(self, code: str, page: Any, search_plugin: Any) -> None:
        """Just before the search plugin indexes ``page``: skip it if its key is known.

        ``search_plugin``: Material's search plugin, or None (nothing is skipped).
        """
        if search_plugin is None or page.content is None:
            return
        meta = page.meta if isinstance(page.meta, dict) else None
        old = meta.get("search", _ABSENT) if meta is not None else None
        if meta is None or not (old is _ABSENT or old is None or isinstance(old, dict)):
            return  # the search plugin reads it as it is
        key = page_key(page, search_plugin.config)
        self._keys.setdefault(code, {})[page.url] = key
        known = self._pages(code).get(page.url)
        if not isinstance(known, dict) or known.get("key") != key:
            return
        entries = known.get("entries")
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            return
        self._skipped.setdefault(code, {})[page.url] = entries
        meta["search"] = {**(old if isinstance(old, dict) else {}), "exclude": True}
        self._hidden = (page, old)

    def after_search(self, page: Any) -> None:
        """Just after the search plugin's turn: ``page``'s meta is as it was."""
        if self._hidden is None or self._hidden[0] is not page:
            return
        _, old = self._hidden
        self._hidden = None
        if old is _ABSENT:
            page.meta.pop("search", None)
        else:
            page.meta["search"] = old

    def take(self, code: str, found: dict[str, Entries], *, replace: bool) -> dict[str, Entries]:
        """The entries of this build's pages: ``found`` in the index, or kept.

        ``found``: each rendered page's entries in the index the search plugin wrote
        (:func:`tools.search.page_sections`); a skipped page has none there and gets
        its kept entries. The entries of every page whose key is known are kept for the
        next build: with ``replace``, only this build's pages (a full build), otherwise
        added to those kept (a dirty rebuild renders only some pages).
        """
        skipped = self._skipped.get(code, {})
        result = {url: skipped.get(url, entries) for url, entries in found.items()}
        kept = sum(url in skipped for url in found)
        self.counts[code] = (len(found) - kept, kept)
        keys = self._keys.get(code, {})
        pages = {} if replace else dict(self._pages(code))
        pages.update(
            {url: {"key": keys[url], "entries": result[url]} for url in result if url in keys}
        )
        if pages != self._pages(code):
            data = json.dumps({"format": _FORMAT, "pages": pages}, ensure_ascii=False)
            files.write_cached(self._path(code), data.encode("utf-8"))
            self._known[code] = pages
        return result
