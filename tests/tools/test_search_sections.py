"""The search entries kept for unchanged pages, :mod:`tools.search_sections`.

The key must change with everything Material's search plugin reads to make a page's
entries: the first test runs that plugin's own indexing on a page that records what
it reads. The whole site's indexes, with every page's entries kept, are compared with a
build that parsed every page in ``tests/site/test_site.py``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from material.plugins.search.plugin import SearchIndex
from mkdocs.structure.toc import get_toc

from tools import files, search_sections

CONFIG = {
    "lang": ["en"],
    "separator": r"[\s\-]+",
    "pipeline": ["stemmer"],
    "fields": {},
    "jieba_dict": None,
    "jieba_dict_user": None,
}
CONTENT = (
    "<p>Before any heading.</p>\n"
    '<h1 id="title">Title</h1>\n<p>Intro.</p>\n'
    '<h2 id="one">One</h2>\n<p>Text <code>x</code>.</p>\n'
    '<h2 id="two" data-search-exclude>Two</h2>\n<p>Hidden.</p>\n'
    "<h3>No id</h3>\n<p>More.</p>\n"
)


def toc() -> Any:
    return get_toc(
        [
            {
                "level": 1,
                "id": "title",
                "name": "Title",
                "children": [
                    {"level": 2, "id": "one", "name": "One", "children": []},
                    {"level": 2, "id": "two", "name": "Two", "children": []},
                ],
            }
        ]
    )


def page(**changes: Any) -> SimpleNamespace:
    fields = {
        "url": "lesson/",
        "title": "Lesson",
        "meta": {"tags": ["a", 1], "search": {"boost": 2}},
        "toc": toc(),
        "content": CONTENT,
        "file": SimpleNamespace(src_uri="lesson.md"),
    }
    return SimpleNamespace(**{**fields, **changes})


class Recording:
    """A page that records the attributes and meta keys read from it."""

    def __init__(self, wrapped: SimpleNamespace, read: set[str]) -> None:
        object.__setattr__(self, "_wrapped", wrapped)
        object.__setattr__(self, "_read", read)

    def __getattr__(self, name: str) -> Any:
        self._read.add(name)
        value = getattr(self._wrapped, name)
        if name == "meta":
            read = self._read

            class Meta(dict):
                def get(self, key, default=None):
                    read.add(f"meta.{key}")
                    return super().get(key, default)

                def __getitem__(self, key):
                    read.add(f"meta.{key}")
                    return super().__getitem__(key)

            return Meta(value)
        return value


def entries_of(the_page: Any) -> list[dict[str, Any]]:
    index = SearchIndex(**CONFIG)
    index.add_entry_from_context(the_page)
    return json.loads(json.dumps(index.entries, default=str))


def test_the_key_covers_everything_material_reads_to_index_a_page():
    read: set[str] = set()
    entries = entries_of(Recording(page(), read))
    assert len(entries) >= 3 and any(entry.get("tags") for entry in entries)
    covered = {"url", "title", "toc", "content", "meta", "meta.title", "meta.tags"}
    assert read <= covered | {"meta.search"}, read - covered


@pytest.mark.parametrize(
    "change",
    [
        {"url": "other/"},
        {"title": "Other"},
        {"content": CONTENT.replace("Intro", "Intro!")},
        {"meta": {"tags": ["a"], "search": {"boost": 2}}},
        {"meta": {"tags": ["a", 1], "search": {"boost": 3}}},
        {"meta": {"tags": ["a", 1], "search": {"boost": 2}, "title": "T"}},
        {"toc": get_toc([{"level": 1, "id": "title", "name": "Title", "children": []}])},
    ],
    ids=["url", "title", "content", "tags", "boost", "meta-title", "toc"],
)
def test_the_key_changes_with_each_input(change):
    assert search_sections.page_key(page(**change), CONFIG) != search_sections.page_key(
        page(), CONFIG
    )
    assert search_sections.page_key(page(), {**CONFIG, "jieba_dict": "x.txt"}) != (
        search_sections.page_key(page(), CONFIG)
    )


def test_the_key_of_the_same_page_is_the_same():
    assert search_sections.page_key(page(), CONFIG) == search_sections.page_key(page(), CONFIG)


KEY = search_sections.page_key(page(), CONFIG)


def material() -> SimpleNamespace:
    return SimpleNamespace(config=CONFIG)


def build(
    known: search_sections.KnownSections, pages: list[Any], *, replace: bool = True
) -> dict[str, list[dict[str, Any]]]:
    """One language's build as the plugin runs it, with Material's indexing in between."""
    known.start("en")
    parsed = {}
    for each in pages:
        known.before_search("en", each, material())
        parsed[each.url] = entries_of(each)  # what the search plugin wrote for it
        known.after_search(each)
    return known.take("en", parsed, replace=replace)


def test_a_page_seen_before_is_not_parsed_and_gets_the_same_entries(tmp_path):
    first = build(search_sections.KnownSections(tmp_path), [page()])
    assert first["lesson/"] == entries_of(page())
    known = search_sections.KnownSections(tmp_path)  # the next build: a new process
    again = page()
    meta = copy.deepcopy(again.meta)
    assert build(known, [again]) == first
    assert known.counts["en"] == (0, 1)
    assert again.meta == meta  # the exclusion lasted for the search plugin's turn only


def test_a_changed_page_is_parsed_again(tmp_path):
    build(search_sections.KnownSections(tmp_path), [page()])
    known = search_sections.KnownSections(tmp_path)
    edited = page(content=CONTENT.replace("Intro.", "A new intro."))
    result = build(known, [edited])
    assert known.counts["en"] == (1, 0)
    assert result["lesson/"] == entries_of(edited)
    assert any("A new intro." in entry["text"] for entry in result["lesson/"])


def test_a_page_without_search_meta_gets_none_back(tmp_path):
    plain = page(meta={})
    build(search_sections.KnownSections(tmp_path), [plain])
    again = page(meta={})
    known = search_sections.KnownSections(tmp_path)
    build(known, [again])
    assert known.counts["en"] == (0, 1)
    assert again.meta == {}


def test_a_page_its_author_excluded_stays_excluded(tmp_path):
    excluded = page(meta={"search": {"exclude": True}})
    assert build(search_sections.KnownSections(tmp_path), [excluded]) == {"lesson/": []}
    assert build(search_sections.KnownSections(tmp_path), [excluded]) == {"lesson/": []}


def test_a_search_meta_the_plugin_cannot_read_is_left_to_it(tmp_path):
    odd = page(meta={"search": "yes"})
    known = search_sections.KnownSections(tmp_path)
    known.start("en")
    known.before_search("en", odd, material())
    assert odd.meta == {"search": "yes"}
    assert known.take("en", {"lesson/": []}, replace=True) == {"lesson/": []}
    assert not (tmp_path / "en.json").exists()


def test_without_material_s_search_every_page_is_parsed(tmp_path):
    build(search_sections.KnownSections(tmp_path), [page()])
    known = search_sections.KnownSections(tmp_path)
    known.start("en")
    again = page()
    known.before_search("en", again, None)  # MkDocs' own search plugin
    assert "exclude" not in again.meta["search"]


def test_a_full_build_keeps_only_its_pages_a_dirty_one_adds(tmp_path):
    build(search_sections.KnownSections(tmp_path), [page(), page(url="b/")])
    build(search_sections.KnownSections(tmp_path), [page(url="c/")], replace=False)
    stored = json.loads(files.read_cached(tmp_path / "en.json") or b"{}")
    assert sorted(stored["pages"]) == ["b/", "c/", "lesson/"]
    build(search_sections.KnownSections(tmp_path), [page(url="c/")])
    stored = json.loads(files.read_cached(tmp_path / "en.json") or b"{}")
    assert sorted(stored["pages"]) == ["c/"]


@pytest.mark.parametrize(
    "damage",
    [
        lambda path: path.write_bytes(path.read_bytes()[:-5]),
        lambda path: files.write_cached(path, b'{"format": 1, "pages": []}'),
        lambda path: files.write_cached(path, b'{"format": 99, "pages": {}}'),
        lambda path: files.write_cached(
            path,
            json.dumps({"format": 1, "pages": {"lesson/": {"key": KEY, "entries": [1]}}}).encode(),
        ),
    ],
    ids=["truncated", "pages-not-a-dict", "other-format", "bad-entry"],
)
def test_a_damaged_file_means_every_page_is_parsed(tmp_path, damage):
    build(search_sections.KnownSections(tmp_path), [page()])
    damage(Path(tmp_path / "en.json"))
    known = search_sections.KnownSections(tmp_path)
    assert build(known, [page()]) == {"lesson/": entries_of(page())}
    assert known.counts["en"] == (1, 0)
