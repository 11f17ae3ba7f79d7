"""Every page in Chromium: no console errors, no request to another host; fonts.

Also: the language switcher lands on the counterpart page both ways, a click on the
download links saves the script and a valid notebook (one lesson per language), and
``make screenshots`` photographs each tutorial page whole in both colour schemes (tested
on one lesson).
The pages are visited once, by the session's crawl (``tests/browser/crawl.py``).
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest
from PIL import Image, ImageStat

from tests.browser import screenshots
from tests.browser.crawl import DESKTOP, tutorial_of
from tests.conftest import LANGUAGES, LESSONS, PROJECT, ROOT

pytestmark = pytest.mark.slow

SCHEMES = {"light": "default", "dark": "slate"}
FONT_WARNINGS = re.compile(
    r"Glyph \d+ .*missing from|findfont: Font family|missing from font", re.I
)


def lessons(lang: str) -> list[str]:
    return [name for name in LESSONS if (ROOT / "examples" / lang / f"{name}.py").exists()]


def tutorial_paths() -> set[str]:
    """The site path of every tutorial page, in every language."""
    return {
        PROJECT.language(lang).root + f"tutorials/{name}/"
        for lang in LANGUAGES
        for name in lessons(lang)
    }


def test_every_page_loads_without_console_errors(site, visits):
    assert len(visits) >= 2 * (len(LESSONS) + 5)
    problems = {
        path: visit.console + visit.failed
        for path, visit in visits.items()
        if [m for m in visit.console if not m.startswith(("log:", "debug:", "info:"))]
        or visit.failed
    }
    statuses = {path: visit.status for path, visit in visits.items() if path != "404.html"}
    assert set(statuses.values()) == {200}
    assert problems == {}


def test_no_page_requests_another_host(site, visits):
    requests = [url for visit in visits.values() for url in visit.requests]
    other = sorted({url for url in requests if urlparse(url).netloc != site.host})
    print(f"\n{len(visits)} pages made {len(requests)} requests, all to {site.host}")
    assert other == []
    assert any(url.endswith("/ko/search/search_index.json") for url in requests)
    assert any(url.endswith("/search/terms.json") for url in requests)


def test_no_page_contains_a_font_warning(built_site):
    pages = list(built_site.root.rglob("*.html"))
    warnings = {
        p.relative_to(built_site.root).as_posix(): FONT_WARNINGS.findall(p.read_text("utf-8"))
        for p in pages
    }
    assert {page: found for page, found in warnings.items() if found} == {}


def hangul_fonts() -> set[str]:
    listed = subprocess.run(
        ["fc-list", ":lang=ko", "family"], capture_output=True, text=True, check=True
    ).stdout
    return {family.strip() for line in listed.splitlines() for family in line.split(",")}


@pytest.mark.parametrize(
    ("path", "selector"),
    [
        ("ko/", "article h1"),
        ("ko/tutorials/01_building_networks/", "article h2"),
        ("ko/tutorials/01_building_networks/", ".nb-output pre"),
    ],
)
def test_hangul_is_drawn_with_a_korean_font(site, browser, path, selector):
    """Chromium draws the page's Hangul with a font that has Hangul glyphs (not boxes)."""
    korean_fonts = hangul_fonts()
    assert korean_fonts, "no font with Hangul is installed (fonts-nanum)"
    context = browser.new_context()
    page = context.new_page()
    page.goto(site.url + path)
    cdp = context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    found = None
    for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"]:
        text = cdp.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"]
        if re.search(r"[\uac00-\ud7a3]", text):
            found = node
            break
    assert found is not None, f"no {selector} with Hangul on {path}"
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": found})["fonts"]
    used = {font["familyName"] for font in fonts if font["glyphCount"] > 0}
    context.close()
    assert used & korean_fonts, f"{selector} on {path} drawn with {used} only"


def counterpart(path: str, lang: str) -> str:
    """The path of the page ``path`` in ``lang``: the same page under its language's root."""
    roots = [PROJECT.language(code).root for code in LANGUAGES]
    own = max((root for root in roots if root and path.startswith(root)), key=len, default="")
    return PROJECT.language(lang).root + path[len(own) :]


def test_the_language_switcher_of_every_page_opens_its_counterpart(site, visits):
    """On every page, each language's switcher link opens the same page in that language
    (the section's #hash aside), and that page exists."""
    wrong = {}
    for path, visit in visits.items():
        if path == "404.html":
            continue
        expected = {lang: site.url + counterpart(path, lang) for lang in LANGUAGES}
        found = {lang: url.partition("#")[0] for lang, url in visit.switcher.items()}
        if found != expected:
            wrong[path] = found
        for lang in LANGUAGES:
            assert visits[counterpart(path, lang)].status == 200, (path, lang)
    assert len(visits) >= 40
    assert wrong == {}


@pytest.mark.parametrize(
    ("en", "ko"), [("tutorials/04_gradient_descent/", "ko/tutorials/04_gradient_descent/")]
)
def test_language_switcher_goes_both_ways(site, browser, en, ko):
    """A reader's hover and click on the switcher, both ways (every page's links: above)."""
    context = browser.new_context()
    page = context.new_page()
    for start, lang, target in ((en, "ko", ko), (ko, "en", en)):
        page.goto(site.url + start)
        page.hover(".md-header__option .md-select")
        with page.expect_navigation():
            page.click(f"a.md-select__link[hreflang={lang}]")
        assert page.url == site.url + target
        assert page.evaluate("document.documentElement.lang") == lang
    context.close()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_download_links_return_the_script_and_a_valid_notebook(site, browser, lang, tmp_path):
    """Clicking a tutorial page's two links downloads the files under their names.

    On the last lesson of each language: every tutorial page's links and what they return
    are checked over HTTP in ``tests/downloads`` (the same template writes every page's).
    """
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    for name in lessons(lang)[-1:]:
        page.goto(site.page_url(lang, f"tutorials/{name}/"))
        with page.expect_download() as script:
            page.click("a[download][href$='.py']")
        assert script.value.suggested_filename == f"{name}.py"
        script_path = Path(script.value.path())
        assert script_path.read_bytes() == (ROOT / "examples" / lang / f"{name}.py").read_bytes()
        with page.expect_download() as notebook:
            page.click("a[download][href$='.ipynb']")
        assert notebook.value.suggested_filename == f"{name}.ipynb"
        saved = tmp_path / f"{lang}-{name}.ipynb"
        notebook.value.save_as(saved)
        executed = nbformat.read(saved, as_version=4)
        nbformat.validate(executed)
        assert any(cell.get("outputs") for cell in executed.cells if cell.cell_type == "code")
    context.close()


def test_every_tutorial_page_shows_its_images(visits):
    tutorials = {path: visit for path, visit in visits.items() if tutorial_of(path)}
    assert set(tutorials) == tutorial_paths()
    assert {path: visit.broken_images for path, visit in tutorials.items()} == {
        path: [] for path in tutorials
    }
    assert any(visit.figures for visit in tutorials.values())


def test_the_screenshot_tool_photographs_each_tutorial_whole_in_both_schemes(
    site, browser, tmp_path
):
    """``make screenshots`` (:mod:`tests.browser.screenshots`), on one lesson per language."""
    pages = screenshots.tutorial_pages(site.pages())
    assert pages == sorted(tutorial_paths())
    picked = [path for path in pages if path.endswith(f"/{LESSONS[-1]}/")]
    taken = screenshots.photograph(browser, site.url, picked, tmp_path)
    assert sorted(taken) == picked and len(picked) == len(LANGUAGES)
    for path, shots in taken.items():
        assert set(shots) == set(SCHEMES), path
        brightness = {}
        for palette, target in shots.items():
            with Image.open(target) as image:
                assert image.format == "JPEG"
                assert image.width == DESKTOP["width"]
                assert image.height > 3 * DESKTOP["height"], "the whole page, not the window"
                brightness[palette] = ImageStat.Stat(image.convert("L")).mean[0]
        assert brightness["dark"] < 100 < brightness["light"], (path, brightness)


def test_the_screenshot_tool_names_a_missing_site(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        screenshots.main([str(tmp_path / "nothing"), str(tmp_path / "out")])
    assert exit_info.value.code == 2
    assert f"site: {tmp_path / 'nothing'} holds no built site" in capsys.readouterr().err


def test_math_is_rendered_on_every_page_that_has_some_and_no_tex_is_left(visits):
    raw = {path: visit.math["raw"] for path, visit in visits.items() if visit.math["raw"]}
    assert raw == {}, "TeX left as text"
    for lang in LANGUAGES:
        for name in lessons(lang):
            source = (ROOT / "examples" / lang / f"{name}.py").read_text(encoding="utf-8")
            path = PROJECT.language(lang).root + f"tutorials/{name}/"
            has_math = bool(re.search(r"\$[^$\n]+\$", source))
            rendered = visits[path].math["rendered"]
            assert (rendered > 0) == has_math, f"{path}: {rendered} formulas rendered"


def test_korean_lines_break_between_words_not_inside_them(visits):
    """At 375 px no line of a Korean page's article ends inside a word."""
    korean = {path: visit for path, visit in visits.items() if visit.korean}
    inside = {
        path: v.article_breaks["inside"][:5]
        for path, v in korean.items()
        if v.article_breaks["inside"]
    }
    assert inside == {}, "lines broken inside Korean words"
    # A narrow page wraps many lines, between words.
    for path in ["ko/", "ko/tutorials/05_training_a_classifier/", "ko/build-status/"]:
        assert korean[path].article_breaks["between"] > 20, path


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_figure_has_alt_text_in_the_page_language(visits, lang):
    described = 0
    prefix = PROJECT.language(lang).labels.figure.split("{")[0]
    for name in lessons(lang):
        for figure in visits[PROJECT.language(lang).root + f"tutorials/{name}/"].figures:
            alt = figure["alt"]
            assert alt.startswith(prefix) and len(alt) > len(prefix) + 3, (name, alt)
            assert "No description" not in alt
            if lang == "ko":
                assert re.search(r"[\uac00-\ud7a3]", alt[len(prefix) :]), (name, alt)
            described += 1
    assert described >= len(lessons(lang)), "the tutorials have figures"


# Where each line of a printed table ends (its last column is right-aligned), in pixels,
# and the widths of probe strings in the output font: a table padded by display width
# lines up only if a Hangul syllable (and an ambiguous character such as λ) is exactly
# two Latin characters wide.
TABLE_PROBE = r"""(header) => {
  const pre = [...document.querySelectorAll(".nb-output > pre")]
    .find((p) => p.textContent.split("\n")[0].startsWith(header))
  if (!pre) return null
  const width = (text) => {
    const span = document.createElement("span")
    span.textContent = text
    pre.appendChild(span)
    const w = span.getBoundingClientRect().width
    span.remove()
    return w
  }
  const node = pre.firstChild
  const ends = []
  let offset = 0
  for (const line of node.textContent.split("\n")) {
    const last = line.trimEnd().length
    // The table's lines have gaps of two spaces or more; a print after it has none.
    if (!line.includes("  ")) break
    const range = document.createRange()
    range.setStart(node, offset + last - 1)
    range.setEnd(node, offset + last)
    ends.push(range.getBoundingClientRect().right)
    offset += line.length + 1
  }
  return {ends, hangul: width("가나"), latin: width("abcd"), lambda: width("λ"),
          times: width("×"), two: width("ab"),
          font: document.fonts.check('16px "Nanum Gothic Coding"', "가")}
}"""


@pytest.mark.parametrize(
    ("name", "header"),
    [("07_overfitting_and_regularization", "설정"), ("08_first_cnn", "모델")],
)
def test_korean_printed_tables_line_up_on_the_page(site, browser, name, header):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(site.page_url("ko", f"tutorials/{name}/"))
    page.evaluate("document.fonts.ready.then(() => true)")
    found = page.evaluate(TABLE_PROBE, header)
    page.close()
    assert found is not None, f"no printed table starting with {header!r} on ko/{name}"
    assert found["font"], "the Korean code font (Nanum Gothic Coding) is not loaded"
    assert found["hangul"] == pytest.approx(found["latin"], abs=0.01)
    assert found["lambda"] == pytest.approx(found["two"], abs=0.01)
    assert found["times"] == pytest.approx(found["two"], abs=0.01)
    assert len(found["ends"]) >= 3
    assert max(found["ends"]) - min(found["ends"]) < 0.5, found["ends"]
