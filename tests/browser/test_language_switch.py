"""The language switcher keeps the section being read (assets/javascripts/language_switch.js).

Every section of every tutorial, in both directions: the switcher's link names the
section while the reader is at it (the crawl goes to each section: ``Visit.section_links``
of tests/browser/crawl.py), the other language's page has that section, and
following the link lands on it, as far into the section as the reader was. Also after
scrolling (no hash), under a sub-path, and
where the other page lacks the section (the place on the page is kept instead). And on
``mkdocs serve`` as ``make serve`` runs it (live reload, dirty rebuilds), under a sub-path
``site_url``: every section of a lesson, both ways, lands on the section.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import Server, serve
from tests.conftest import (
    LANGUAGES,
    LESSONS,
    PROJECT,
    mkdocs_serve,
    small_project,
)

pytestmark = pytest.mark.slow

_IDS = """() => [...document.querySelectorAll(".md-content h2[id], .md-content h3[id]")]
    .map(h => h.id)"""
_LINK = "lang => document.querySelector(`a.md-select__link[hreflang='${lang}']`).href"
_CLICK = "lang => document.querySelector(`a.md-select__link[hreflang='${lang}']`).click()"
# Where a section's heading is on screen: its top, relative to the window.
_TOP = "id => document.getElementById(id).getBoundingClientRect().top"


def other(lang: str) -> str:
    return next(code for code in LANGUAGES if code != lang)


def open_page(page: Page, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("load")


def switch(page: Page, lang: str) -> None:
    """Follow the switcher's link to ``lang``, as a click does, and wait for the page."""
    with page.expect_navigation():
        page.evaluate(_CLICK, lang)
    page.wait_for_load_state("load")


def wait_for_link(page: Page, lang: str, anchor: str) -> None:
    """Wait until the switcher's link to ``lang`` names the section ``anchor``."""
    page.wait_for_function(
        "([lang, id]) => document.querySelector("
        "`a.md-select__link[hreflang='${lang}']`).hash === '#' + id",
        arg=[lang, anchor],
        timeout=10000,
    )


@pytest.fixture(scope="module")
def tab(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_tutorial_section_links_to_the_same_section_in_the_other_language(site, visits, lang):
    """The crawl went to each section of each tutorial (``Visit.section_links``)."""
    target = other(lang)
    missing, wrong = [], []
    for lesson in LESSONS:
        path = f"tutorials/{lesson}/"
        here = visits[PROJECT.language(lang).root + path]
        there = set(visits[PROJECT.language(target).root + path].ids)
        assert len(here.section_links) >= 5, f"{lang} {lesson}: {list(here.section_links)}"
        expected_page = urlparse(site.page_url(target, path)).path
        for anchor, links in here.section_links.items():
            href = links.get(target)
            link = urlparse(href or "")
            if href is None or link.path != expected_page or link.fragment != anchor:
                wrong.append(f"{lesson}#{anchor} -> {href and link.path}#{link.fragment}")
            if anchor not in there:
                missing.append(f"{lesson}#{anchor}")
    assert wrong == [], f"{lang} -> {target}: links to another place: {wrong}"
    assert missing == [], f"{lang} -> {target}: sections the other language lacks: {missing}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_following_the_link_lands_on_the_section(site, tab, lang):
    target = other(lang)
    anchor = "the-learning-rate"
    open_page(tab, site.page_url(lang, f"tutorials/04_gradient_descent/#{anchor}"))
    switch(tab, target)
    assert (
        urlparse(tab.url).path
        == urlparse(site.page_url(target, "tutorials/04_gradient_descent/")).path
    )
    assert urlparse(tab.url).fragment == anchor
    top = tab.evaluate(_TOP, anchor)
    assert 0 <= top < 200, f"the section's heading is at {top} px, not at the top"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_scrolling_to_a_section_without_a_hash_updates_the_link(site, tab, lang):
    target = other(lang)
    open_page(tab, site.page_url(lang, "tutorials/03_loss_and_autograd/"))
    assert urlparse(tab.evaluate(_LINK, target)).fragment == "", "the page's top: no section"
    tab.evaluate("document.getElementById('finite-differences').scrollIntoView()")
    tab.evaluate("window.scrollBy(0, 150)")  # into the section's text
    wait_for_link(tab, target, "finite-differences")
    switch(tab, target)
    assert urlparse(tab.url).fragment == "finite-differences"


# How far into the section "id" the top of the window is (below the header), 0 to 1.
_WITHIN = """id => {
  const headings = [...document.querySelectorAll(".md-content h2[id], .md-content h3[id]")]
  const i = headings.findIndex((h) => h.id === id)
  const start = headings[i].getBoundingClientRect().top
  const end = i + 1 < headings.length ? headings[i + 1].getBoundingClientRect().top
    : document.querySelector(".md-content article").getBoundingClientRect().bottom
  const offset = document.querySelector(".md-header").getBoundingClientRect().height + 8
  return (offset - start) / (end - start)
}"""


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("within", [0.3, 0.7])
def test_switching_keeps_the_place_inside_the_section(site, tab, lang, within):
    """Halfway down a long section, the other language opens as far into its section."""
    target = other(lang)
    lesson, anchor = "07_overfitting_and_regularization", "dropout"
    open_page(tab, site.page_url(lang, f"tutorials/{lesson}/"))
    tab.evaluate(
        """([id, within]) => {
          const h = document.getElementById(id)
          const headings = [...document.querySelectorAll(".md-content h2[id], .md-content h3[id]")]
          const next = headings[headings.indexOf(h) + 1]
          const start = h.getBoundingClientRect().top + scrollY
          const end = next.getBoundingClientRect().top + scrollY
          const offset = document.querySelector(".md-header").getBoundingClientRect().height + 8
          scrollTo(0, start + within * (end - start) - offset)
        }""",
        [anchor, within],
    )
    assert tab.evaluate(_WITHIN, anchor) == pytest.approx(within, abs=0.02)
    wait_for_link(tab, target, anchor)
    switch(tab, target)
    assert urlparse(tab.url).fragment == anchor
    tab.wait_for_function(f"() => ({_WITHIN})({anchor!r}) > 0.05", timeout=3000)
    assert tab.evaluate(_WITHIN, anchor) == pytest.approx(within, abs=0.05)


def test_a_section_the_other_page_lacks_keeps_the_place_on_the_page(site, tab):
    open_page(tab, site.page_url("en", "tutorials/07_overfitting_and_regularization/"))
    # A section only this language has: its heading's id is nowhere on the Korean page.
    tab.evaluate("document.getElementById('dropout').id = 'only-in-english'")
    tab.evaluate("document.getElementById('only-in-english').scrollIntoView()")
    share = tab.evaluate("() => scrollY / (document.documentElement.scrollHeight - innerHeight)")
    assert 0.2 < share < 0.95, share
    wait_for_link(tab, "ko", "only-in-english")
    switch(tab, "ko")
    assert urlparse(tab.url).fragment == "only-in-english"
    tab.wait_for_function("() => scrollY > 0", timeout=3000)
    landed = tab.evaluate("() => scrollY / (document.documentElement.scrollHeight - innerHeight)")
    assert abs(landed - share) < 0.05, (share, landed)


@contextlib.contextmanager
def under_sub_path(root: Path, name: str) -> Iterator[Server]:
    """The site served at ``/<name>/``, as GitHub Pages serves a project's site."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / name).symlink_to(root, target_is_directory=True)
        with serve(Path(folder)) as server:
            yield Server(server.root / name, server.url + name + "/")


def test_the_switcher_keeps_the_section_under_a_sub_path(built_site, tab):
    with under_sub_path(built_site.root, "nnguide") as site:
        anchor = "broadcasting"
        open_page(tab, site.page_url("en", f"tutorials/00_tensors/#{anchor}"))
        switch(tab, "ko")
        assert urlparse(tab.url).path == "/nnguide/ko/tutorials/00_tensors/"
        assert urlparse(tab.url).fragment == anchor
        switch(tab, "en")
        assert urlparse(tab.url).path == "/nnguide/tutorials/00_tensors/"
        assert urlparse(tab.url).fragment == anchor


@pytest.fixture(scope="module")
def dev_server(executed_project, tmp_path_factory) -> Iterator[Server]:
    """One lesson's site on ``mkdocs serve`` under ``/nnguide/``, for the module."""
    folder = tmp_path_factory.mktemp("serve")
    project = small_project(folder / "project", source=executed_project)
    with mkdocs_serve(project, folder / "serve.log", sub_path="nnguide") as url:
        yield Server(project, url)


# Where a heading is, relative to the window and to the bottom of the sticky header,
# once the page has settled (fonts loaded, two frames drawn).
_PLACE = """async id => {
    await document.fonts.ready
    await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))
    const heading = document.getElementById(id)
    if (!heading) return null
    const top = heading.getBoundingClientRect().top
    const header = document.querySelector(".md-header").getBoundingClientRect().bottom
    return {top, header, height: innerHeight}
}"""


def test_on_mkdocs_serve_every_section_switches_to_the_same_section_both_ways(dev_server, tab):
    """Each section of the lesson: to the other language and back.

    Each switch lands on the page it opened, as a reader who follows the link; the
    page the way back starts from is the one the switcher opened.
    """
    first, second = LANGUAGES
    wrong = []
    try:
        for path in [f"tutorials/{LESSONS[0]}/"]:
            expected = {code: urlparse(dev_server.page_url(code, path)).path for code in LANGUAGES}
            assert expected[first].startswith("/nnguide/"), expected
            open_page(tab, dev_server.page_url(first, path))
            ids = tab.evaluate(_IDS)
            assert len(ids) >= 5, f"{path}: {ids}"
            compared = False
            for anchor in ids:
                tab.evaluate("id => { location.hash = id }", anchor)
                for lang, target in ((first, second), (second, first)):
                    wait_for_link(tab, target, anchor)
                    switch(tab, target)
                    landed = urlparse(tab.url)
                    place = tab.evaluate(_PLACE, anchor)
                    problem = None
                    if (landed.path, landed.fragment) != (expected[target], anchor):
                        problem = f"-> {landed.path}#{landed.fragment}"
                    elif place is None:
                        problem = "no such section there"
                    elif not (place["header"] - 1 <= place["top"] <= place["height"] - 20):
                        problem = f"heading not in view: {place}"
                    elif not compared:  # the other language's page has the same sections
                        there = tab.evaluate(_IDS)
                        if sorted(there) != sorted(ids):
                            problem = f"its sections differ: {there} (here: {ids})"
                        compared = True
                    if problem:
                        wrong.append(f"{lang} -> {target} {path}#{anchor}: {problem}")
                        open_page(tab, dev_server.page_url(first, path))
                        break
    finally:
        tab.goto("about:blank")  # no live-reload request left open on the server
    assert wrong == [], f"on mkdocs serve: {wrong}"
