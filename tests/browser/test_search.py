"""Material's search, typed into the real search box, in each language.

The queries and the section each must find are in ``search_queries.yml``. A query
is a hit when its section is shown among the first three results: a result is a
page (Material groups the matching sections of a page), and the section must be
one of the links it shows without expanding "more".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from playwright.sync_api import Page

from tests.conftest import LANGUAGES, ROOT

pytestmark = pytest.mark.slow

QUERIES = Path(__file__).with_name("search_queries.yml")
RECALL_AT_3 = 0.95
MIN_QUERIES = 20


@dataclass(frozen=True)
class Query:
    lang: str
    query: str
    page: str
    anchor: str

    @property
    def lesson(self) -> str | None:
        parts = self.page.strip("/").split("/")
        return parts[1] if parts[0] == "tutorials" and len(parts) > 1 else None


def load_queries(lang: str, path: Path = QUERIES, root: Path = ROOT) -> list[Query]:
    """The queries of ``lang`` whose page exists: lessons only once their script does."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))[lang]
    queries = [Query(lang, **entry) for entry in entries]
    return [
        q
        for q in queries
        if q.lesson is None or (root / "examples" / lang / f"{q.lesson}.py").exists()
    ]


def _results(page: Page) -> list[list[str]]:
    """The shown results: for each page, the paths+fragments of its visible links."""
    return page.eval_on_selector_all(
        ".md-search-result__item",
        """items => items.map(item => [...item.querySelectorAll("a.md-search-result__link")]
            .filter(a => !a.closest("details"))
            .map(a => { const url = new URL(a.href); return url.pathname + url.hash }))""",
    )


class SearchBox:
    """The search box of one open page."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.input = page.locator("input.md-search__input")
        self.meta = page.locator(".md-search-result__meta")
        self.input.click()
        self.placeholder = self.meta.inner_text()

    def search(self, query: str) -> list[list[str]]:
        """Type ``query`` and return the results once they are shown."""
        wait = "p => document.querySelector('.md-search-result__meta').textContent !== p"
        self.page.bring_to_front()  # a background tab renders results slowly
        self.input.fill("")
        self.input.press("End")  # Material searches on keyup
        self.page.wait_for_function(wait.replace("!==", "==="), arg=self.placeholder)
        self.input.fill(query)
        self.input.press("End")
        self.page.wait_for_function(wait, arg=self.placeholder)
        return _results(self.page)


def expected_link(site, query: Query) -> str:
    path = urlparse(site.page_url(query.lang, query.page)).path
    return path + (f"#{query.anchor}" if query.anchor else "")


@pytest.fixture(scope="module")
def search_boxes(site, browser):
    context = browser.new_context()
    boxes = {}
    for lang in LANGUAGES:
        page = context.new_page()
        page.goto(site.page_url(lang, ""))
        page.wait_for_load_state("networkidle")
        boxes[lang] = SearchBox(page)
    yield boxes
    context.close()


def test_query_file_is_well_formed():
    for lang in LANGUAGES:
        queries = load_queries(lang)
        assert len(queries) >= MIN_QUERIES, f"{lang}: only {len(queries)} queries"
        assert len({q.query for q in queries}) == len(queries), f"{lang}: a query repeats"
        for q in queries:
            assert q.page == "" or q.page.endswith("/"), q
            assert "#" not in q.anchor, q


def test_lessons_not_written_yet_are_left_out(tmp_path):
    (tmp_path / "examples" / "ko").mkdir(parents=True)
    (tmp_path / "examples" / "ko" / "01_first.py").write_text("")
    queries = tmp_path / "q.yml"
    queries.write_text(
        "ko:\n"
        "  - {query: a, page: '', anchor: x}\n"
        "  - {query: b, page: tutorials/01_first/, anchor: y}\n"
        "  - {query: c, page: tutorials/02_second/, anchor: z}\n",
        encoding="utf-8",
    )
    assert [q.query for q in load_queries("ko", queries, tmp_path)] == ["a", "b"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_recall_at_3(site, search_boxes, lang):
    box = search_boxes[lang]
    misses, foreign = [], []
    queries = load_queries(lang)
    for query in queries:
        results = box.search(query.query)
        shown = [link for links in results[:3] for link in links]
        if expected_link(site, query) not in shown:
            misses.append(f"{query.query!r}: expected {expected_link(site, query)}, got {shown}")
        for links in results:
            in_korean = links[0].startswith("/ko/")
            if in_korean != (lang == "ko"):
                foreign.append(f"{query.query!r}: {links[0]}")
    recall = 1 - len(misses) / len(queries)
    print(f"\nSearch recall@3 ({lang}): {recall:.1%} ({len(queries) - len(misses)}/{len(queries)})")
    for miss in misses:
        print("  miss", miss)
    assert foreign == [], f"results from the other language: {foreign}"
    assert recall >= RECALL_AT_3, "\n".join(misses)


@pytest.mark.parametrize(
    ("query", "bare", "anchor"),
    [
        ("가중치와", "가중치", None),  # in many lessons now: no one right section
        ("nn.Sequential을", "nn.Sequential", "one-module-with-sequential"),
        ("활성화 함수를", "활성화 함수", "activation-functions"),
    ],
)
def test_korean_query_with_a_particle_finds_the_section(site, search_boxes, query, bare, anchor):
    results = search_boxes["ko"].search(query)
    assert results, f"no result for {query!r}"
    assert results == search_boxes["ko"].search(bare), "the particle changes nothing"
    if anchor is not None:
        page = urlparse(site.page_url("ko", "tutorials/01_building_networks/")).path
        assert f"{page}#{anchor}" in [link for links in results[:3] for link in links]


def test_korean_query_with_or_without_the_space_finds_the_same(search_boxes):
    spaced = search_boxes["ko"].search("활성화 함수")
    joined = search_boxes["ko"].search("활성화함수")
    assert spaced and spaced == joined
    assert search_boxes["ko"].search("평균 제곱 오차") == search_boxes["ko"].search("평균제곱오차")


def test_english_api_names_are_found_inside_dotted_names(site, search_boxes):
    results = search_boxes["en"].search("Sequential")
    link = urlparse(site.page_url("en", "tutorials/01_building_networks/")).path
    assert f"{link}#one-module-with-sequential" in results[0]
