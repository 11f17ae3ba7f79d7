"""The language switcher keeps the section being read (assets/javascripts/language_switch.js).

Every section of every tutorial, in both directions: the switcher's link names the
section while the reader is at it, the other language's page has that section, and
following the link lands on it. Also after scrolling (no hash), under a sub-path, and
where the other page lacks the section (the place on the page is kept instead).
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
from tests.conftest import LANGUAGES, LESSONS

pytestmark = pytest.mark.slow

_IDS = """() => [...document.querySelectorAll(".md-content h2[id], .md-content h3[id]")]
    .map(h => h.id)"""
_ALL_IDS = "() => [...document.querySelectorAll('[id]')].map(e => e.id)"
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


@pytest.fixture(scope="module")
def tab(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_tutorial_section_links_to_the_same_section_in_the_other_language(site, tab, lang):
    target = other(lang)
    missing, wrong = [], []
    for lesson in LESSONS:
        open_page(tab, site.page_url(target, f"tutorials/{lesson}/"))
        there = set(tab.evaluate(_ALL_IDS))
        open_page(tab, site.page_url(lang, f"tutorials/{lesson}/"))
        ids = tab.evaluate(_IDS)
        assert len(ids) >= 5, f"{lang} {lesson}: {ids}"
        expected_page = urlparse(site.page_url(target, f"tutorials/{lesson}/")).path
        for anchor in ids:
            tab.evaluate("id => { location.hash = id }", anchor)
            tab.wait_for_function(
                "([lang, id]) => document.querySelector("
                "`a.md-select__link[hreflang='${lang}']`).hash === '#' + id",
                arg=[target, anchor],
                timeout=10000,
            )
            link = urlparse(tab.evaluate(_LINK, target))
            if link.path != expected_page or link.fragment != anchor:
                wrong.append(f"{lesson}#{anchor} -> {link.path}#{link.fragment}")
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
    tab.wait_for_function(
        "lang => document.querySelector(`a.md-select__link[hreflang='${lang}']`).hash"
        " === '#finite-differences'",
        arg=target,
        timeout=10000,
    )
    switch(tab, target)
    assert urlparse(tab.url).fragment == "finite-differences"


def test_a_section_the_other_page_lacks_keeps_the_place_on_the_page(site, tab):
    open_page(tab, site.page_url("en", "tutorials/07_overfitting_and_regularization/"))
    # A section only this language has: its heading's id is nowhere on the Korean page.
    tab.evaluate("document.getElementById('dropout').id = 'only-in-english'")
    tab.evaluate("document.getElementById('only-in-english').scrollIntoView()")
    share = tab.evaluate("() => scrollY / (document.documentElement.scrollHeight - innerHeight)")
    assert 0.2 < share < 0.95, share
    tab.wait_for_function(
        "() => document.querySelector(\"a.md-select__link[hreflang='ko']\").hash"
        " === '#only-in-english'",
        timeout=10000,
    )
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
