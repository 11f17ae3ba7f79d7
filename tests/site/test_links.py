"""Links and anchors of the whole built site, both languages.

Every heading has a unique, non-empty id; every table-of-contents link and every
in-site link (with or without a fragment) resolves; the ids do not change from
one build to the next.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest

from tests.conftest import LANGUAGES, LESSONS

pytestmark = pytest.mark.slow

SITE_HOST = "site.test"
RESOURCE_TAGS = {"img": "src", "script": "src", "link": "href", "source": "src"}


@dataclass
class Page:
    """What the link check needs from one HTML file."""

    path: Path
    ids: list[str] = field(default_factory=list)
    headings: list[tuple[str, str | None, str]] = field(default_factory=list)  # tag, id, text
    links: list[str] = field(default_factory=list)
    toc_links: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)


class _Parser(HTMLParser):
    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.heading: list | None = None
        self.in_toc = 0
        self.depth = 0
        self.toc_depth: list[int] = []
        self.in_article = False

    def handle_starttag(self, tag, attrs):
        attributes = {key: value or "" for key, value in attrs}
        if tag not in {"img", "link", "meta", "input", "br", "hr", "source"}:
            self.depth += 1
        targets = {attributes.get("id"), attributes.get("name") if tag == "a" else None}
        self.page.ids.extend(sorted(targets - {None, ""}))
        if tag == "article":
            self.in_article = True
        if tag == "nav" and "md-nav--secondary" in attributes.get("class", ""):
            self.toc_depth.append(self.depth)
        if tag == "a" and "href" in attributes:
            self.page.links.append(attributes["href"])
            if self.toc_depth:
                self.page.toc_links.append(attributes["href"])
        loads = tag != "link" or attributes.get("rel") in {"stylesheet", "icon"}
        if tag in RESOURCE_TAGS and attributes.get(RESOURCE_TAGS[tag]) and loads:
            self.page.resources.append(attributes[RESOURCE_TAGS[tag]])
        if self.in_article and re.fullmatch(r"h[1-6]", tag):
            self.heading = [tag, attributes.get("id"), ""]

    def handle_endtag(self, tag):
        if tag == "article":
            self.in_article = False
        if self.heading and tag == self.heading[0]:
            self.page.headings.append((tag, self.heading[1], self.heading[2].strip()))
            self.heading = None
        if self.toc_depth and tag == "nav" and self.depth == self.toc_depth[-1]:
            self.toc_depth.pop()
        if tag not in {"img", "link", "meta", "input", "br", "hr", "source"}:
            self.depth -= 1

    def handle_data(self, data):
        if self.heading is not None:
            self.heading[2] += data


def parse(path: Path) -> Page:
    page = Page(path)
    _Parser(page).feed(path.read_text(encoding="utf-8"))
    return page


def url_of(root: Path, html_file: Path) -> str:
    relative = html_file.relative_to(root).as_posix()
    if relative.endswith("index.html"):
        relative = relative[: -len("index.html")]
    return f"http://{SITE_HOST}/{relative}"


def target_of(root: Path, url: str) -> Path | None:
    """The file a site URL serves, or None if it serves nothing."""
    path = root / unquote(urlparse(url).path).lstrip("/")
    if path.is_dir():
        path = path / "index.html"
    return path if path.is_file() else None


def is_internal(url: str) -> bool:
    return urlparse(url).netloc == SITE_HOST


@pytest.fixture(scope="module")
def pages(built_site) -> dict[Path, Page]:
    return {path: parse(path) for path in sorted(built_site.root.rglob("*.html"))}


def content_pages(site_root: Path, pages: dict[Path, Page]) -> dict[Path, Page]:
    """Every page of the site except the 404 page."""
    return {path: page for path, page in pages.items() if path != site_root / "404.html"}


def test_site_has_every_page_in_both_languages(built_site, pages):
    en = {
        p.relative_to(built_site.root)
        for p in pages
        if not p.is_relative_to(built_site.root / "ko")
    }
    ko = {
        p.relative_to(built_site.root / "ko")
        for p in pages
        if p.is_relative_to(built_site.root / "ko")
    }
    assert en - {Path("404.html")} == ko
    for lesson in LESSONS:
        assert Path("tutorials") / lesson / "index.html" in ko


def test_every_heading_has_a_unique_non_empty_id(built_site, pages):
    problems = []
    headings = 0
    for path, page in content_pages(built_site.root, pages).items():
        name = path.relative_to(built_site.root).as_posix()
        assert page.headings, f"{name} has no headings"
        for tag, anchor, text in page.headings:
            headings += 1
            if not anchor:
                problems.append(f"{name}: <{tag}> {text!r} has no id")
        duplicates = {i for i in page.ids if page.ids.count(i) > 1}
        if duplicates:
            problems.append(f"{name}: ids used twice: {sorted(duplicates)}")
    print(f"\n{headings} headings on {len(pages)} pages have unique, non-empty ids")
    assert problems == []


def test_korean_section_anchors_are_the_english_ones(built_site, pages):
    """Below the title, a Korean heading's id is its English heading's id."""
    checked = 0
    for path, page in pages.items():
        if not path.is_relative_to(built_site.root / "ko"):
            continue
        if path.parent.name == "index-terms":  # the Index: each language's initials
            continue
        english = pages.get(built_site.root / path.relative_to(built_site.root / "ko"))
        ko_ids = [anchor for tag, anchor, _ in page.headings if tag != "h1"]
        en_ids = [anchor for tag, anchor, _ in english.headings if tag != "h1"]
        assert ko_ids == en_ids, path.relative_to(built_site.root).as_posix()
        assert all(re.fullmatch(r"[\w.\-]+", i, flags=re.ASCII) for i in ko_ids), ko_ids
        checked += len(ko_ids)
    assert checked > 50


def test_every_toc_link_points_at_a_heading_of_its_page(built_site, pages):
    checked = 0
    for path, page in content_pages(built_site.root, pages).items():
        heading_ids = {anchor for _, anchor, _ in page.headings}
        base = url_of(built_site.root, path)
        assert page.toc_links or len(page.headings) == 1, f"{path}: no table of contents"
        for href in page.toc_links:
            url = urljoin(base, href)
            assert target_of(built_site.root, url) == path, f"{path}: TOC link {href}"
            fragment = unquote(urlparse(url).fragment)
            assert fragment in heading_ids, f"{path}: TOC link {href} has no heading"
            checked += 1
    assert checked > 100


def test_no_broken_internal_link_or_anchor(built_site, pages):
    ids = {path: set(page.ids) for path, page in pages.items()}
    broken = []
    counts = {"link": 0, "anchor": 0, "resource": 0}
    for path, page in pages.items():
        base = url_of(built_site.root, path)
        if path == built_site.root / "404.html":
            base = f"http://{SITE_HOST}/"  # served for any URL; its links are root-absolute
        for kind, hrefs in (("link", page.links), ("resource", page.resources)):
            for href in hrefs:
                url = urljoin(base, href)
                if not is_internal(url):
                    continue
                counts[kind] += 1
                where = f"{path.relative_to(built_site.root)}: {href}"
                target = target_of(built_site.root, url)
                if target is None:
                    broken.append(f"{where} (no such file)")
                    continue
                fragment = unquote(urlparse(url).fragment)
                if fragment:
                    counts["anchor"] += 1
                    if target.suffix == ".html" and fragment not in ids[target]:
                        broken.append(f"{where} (no id {fragment!r})")
    print(
        f"\nLink check: {len(pages)} pages, {counts['link']} internal links "
        f"({counts['anchor']} with an anchor), {counts['resource']} page resources; "
        f"{len(broken)} broken"
    )
    assert broken == []
    assert counts["link"] > 500 and counts["anchor"] > 200


def test_the_link_check_finds_broken_links(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "index.html").write_text(
        '<article><h1 id="t">T</h1><a href="../b/">b</a><a href="../b/#x">x</a>'
        '<a href="#t">t</a><a href="#nope">n</a><a href="https://example.org/">e</a></article>',
        encoding="utf-8",
    )
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "index.html").write_text('<h2 id="y">Y</h2>', encoding="utf-8")
    page = parse(tmp_path / "a" / "index.html")
    base = url_of(tmp_path, tmp_path / "a" / "index.html")
    results = {}
    for href in page.links:
        url = urljoin(base, href)
        target = target_of(tmp_path, url) if is_internal(url) else "external"
        fragment = unquote(urlparse(url).fragment)
        ok = target == "external" or (
            target is not None and (not fragment or fragment in parse(target).ids)
        )
        results[href] = ok
    assert results == {
        "../b/": True,
        "../b/#x": False,
        "#t": True,
        "#nope": False,
        "https://example.org/": True,
    }
    assert page.headings == [("h1", "t", "T")]


def test_heading_ids_are_the_same_in_a_second_build(built_site, pages, hosted_site):
    """Anchors are stable: a rebuild of the same sources gives the same ids.

    The session's hosted build is that second build (its URLs change no heading).
    """
    second = hosted_site.root
    for path, page in content_pages(built_site.root, pages).items():
        again = parse(second / path.relative_to(built_site.root))
        assert [h[1] for h in again.headings] == [h[1] for h in page.headings], path
    assert len(list(second.rglob("*.html"))) == len(pages)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_tutorial_headings_match_the_script_headings(built_site, pages, lang):
    """Every ``##``/``###`` heading of a lesson script is a heading of its page."""
    root = Path(__file__).resolve().parents[2]
    for lesson in LESSONS:
        script = (root / "examples" / lang / f"{lesson}.py").read_text(encoding="utf-8")
        expected = re.findall(r"^# #{2,3} .*?\{ #([\w-]+) \}\s*$", script, flags=re.M)
        page = pages[built_site.page(lang, f"tutorials/{lesson}")]
        ids = [anchor for tag, anchor, _ in page.headings if tag in {"h2", "h3"}]
        if lang == "ko":
            assert ids == expected, lesson
        else:
            assert len(ids) == len(re.findall(r"^# #{2,3} ", script, flags=re.M)), lesson
