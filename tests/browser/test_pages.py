"""Every page in Chromium: no console errors, no request to another host; fonts.

Also: the language switcher lands on the counterpart page both ways, the
download links return the script and a valid notebook, and each tutorial page
is photographed in both languages and both colour schemes into
``artifacts/screenshots/`` for a person to look at.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest

from tests.browser.conftest import SCREENSHOTS
from tests.conftest import LANGUAGES, LESSONS, PROJECT, ROOT

pytestmark = pytest.mark.slow

SCHEMES = {"light": "default", "dark": "slate"}
FONT_WARNINGS = re.compile(
    r"Glyph \d+ .*missing from|findfont: Font family|missing from font", re.I
)


# Rendered formulas on the page, and TeX commands left as text outside code.
MATH_PROBE = r"""() => {
  const article = document.querySelector("article")
  if (!article) return {rendered: 0, raw: []}
  const clone = article.cloneNode(true)
  clone.querySelectorAll(".katex, pre, code, script").forEach((e) => e.remove())
  const raw = clone.textContent.match(
    /\\(frac|sum|sigma|mathrm|begin|left|right|cdot|partial|nabla|sqrt|lfloor|leftarrow)\b/g
  ) || []
  return {rendered: article.querySelectorAll(".katex").length, raw: raw.slice(0, 5)}
}"""


def lessons(lang: str) -> list[str]:
    return [name for name in LESSONS if (ROOT / "examples" / lang / f"{name}.py").exists()]


@pytest.fixture(scope="module")
def visits(site, browser):
    """Every page of the site loaded once, with its console messages and requests."""
    context = browser.new_context()
    page = context.new_page()
    records = {}
    current: dict = {}
    page.on("console", lambda m: current["console"].append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: current["console"].append(f"pageerror: {e}"))
    page.on("request", lambda r: current["requests"].append(r.url))
    # A lazy image still loading when the test moves on is aborted by the navigation,
    # not refused by the site: only other failures count.
    page.on(
        "requestfailed",
        lambda r: None if "ERR_ABORTED" in (r.failure or "") else current["failed"].append(r.url),
    )
    page.on(
        "response",
        lambda r: current["failed"].append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    for path in site.pages():
        current.update(console=[], requests=[], failed=[])
        response = page.goto(site.url + path)
        page.wait_for_load_state("networkidle")
        records[path] = {
            "status": response.status,
            "console": list(current["console"]),
            "requests": list(current["requests"]),
            "failed": list(current["failed"]),
            "math": page.evaluate(MATH_PROBE),
        }
    context.close()
    return records


def test_every_page_loads_without_console_errors(site, visits):
    assert len(visits) >= 2 * (len(LESSONS) + 5)
    problems = {
        path: record["console"] + record["failed"]
        for path, record in visits.items()
        if [m for m in record["console"] if not m.startswith(("log:", "debug:", "info:"))]
        or record["failed"]
    }
    statuses = {path: r["status"] for path, r in visits.items() if path != "404.html"}
    assert set(statuses.values()) == {200}
    assert problems == {}


def test_no_page_requests_another_host(site, visits):
    requests = [url for record in visits.values() for url in record["requests"]]
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


def counterpart_pairs() -> list[tuple[str, str]]:
    pages = ["", "glossary/", "api/", "api/layers/"]
    pages += [f"tutorials/{name}/" for name in lessons("ko")]
    return [(path, f"ko/{path}") for path in pages]


@pytest.mark.parametrize(("en", "ko"), counterpart_pairs())
def test_language_switcher_goes_both_ways(site, browser, en, ko):
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
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    for name in lessons(lang):
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


def screenshot_cases() -> list[tuple[str, str, str]]:
    return [
        (lang, name, scheme) for lang in LANGUAGES for name in lessons(lang) for scheme in SCHEMES
    ]


@pytest.mark.parametrize(
    ("lang", "name", "scheme"), screenshot_cases(), ids=["-".join(c) for c in screenshot_cases()]
)
def test_tutorial_screenshots(site, browser, lang, name, scheme):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(site.page_url(lang, f"tutorials/{name}/"))
    assert page.evaluate("document.body.dataset.mdColorScheme") == SCHEMES[scheme]
    broken = page.evaluate(
        """async () => {
            const images = [...document.images].filter(i => i.closest("article"));
            images.forEach(i => { i.loading = "eager" });
            await Promise.all(images.map(i => i.complete ? null
                : new Promise(done => { i.onload = i.onerror = done })));
            return images.filter(i => i.naturalWidth === 0).map(i => i.src);
        }"""
    )
    assert broken == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{lang}-{name}-{scheme}.png"
    page.screenshot(path=str(target), full_page=True)
    context.close()
    assert target.stat().st_size > 50_000


def test_math_is_rendered_on_every_page_that_has_some_and_no_tex_is_left(visits):
    raw = {path: record["math"]["raw"] for path, record in visits.items() if record["math"]["raw"]}
    assert raw == {}, "TeX left as text"
    for lang in LANGUAGES:
        for name in lessons(lang):
            source = (ROOT / "examples" / lang / f"{name}.py").read_text(encoding="utf-8")
            path = PROJECT.language(lang).root + f"tutorials/{name}/"
            has_math = bool(re.search(r"\$[^$\n]+\$", source))
            rendered = visits[path]["math"]["rendered"]
            assert (rendered > 0) == has_math, f"{path}: {rendered} formulas rendered"


# Line boxes of the article's Korean text: every place where a line ends between two
# Hangul syllables (inside a word) and how many lines ended after a space.
LINE_BREAKS = r"""() => {
  const hangul = /[\uac00-\ud7a3]/
  const walker = document.createTreeWalker(
    document.querySelector("article"), NodeFilter.SHOW_TEXT,
    {acceptNode: (n) => n.parentElement.closest("pre, code, .katex, script, style")
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT})
  const inside = []
  let between = 0
  const range = document.createRange()
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent
    let previousTop = null
    for (let i = 0; i < text.length; i++) {
      range.setStart(node, i)
      range.setEnd(node, i + 1)
      const rects = range.getClientRects()
      if (!rects.length || !text[i].trim()) continue
      const top = rects[0].top
      if (previousTop !== null && top > previousTop + 2) {
        let j = i - 1
        while (j >= 0 && !text[j].trim()) j--
        if (j < i - 1) between++
        else if (hangul.test(text[i]) && hangul.test(text[j]))
          inside.push(text.slice(Math.max(0, j - 6), i + 6))
      }
      previousTop = top
    }
  }
  return {inside, between}
}"""


@pytest.mark.parametrize(
    "path", ["ko/", "ko/tutorials/05_training_a_classifier/", "ko/build-status/"]
)
def test_korean_lines_break_between_words_not_inside_them(site, browser, path):
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(site.url + path)
    found = page.evaluate(LINE_BREAKS)
    context.close()
    assert found["between"] > 20, "a narrow page wraps many lines between words"
    assert found["inside"] == [], f"lines broken inside Korean words: {found['inside'][:5]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_figure_has_alt_text_in_the_page_language(site, browser, lang):
    context = browser.new_context()
    page = context.new_page()
    described = 0
    prefix = PROJECT.language(lang).labels.figure.split("{")[0]
    for name in lessons(lang):
        page.goto(site.page_url(lang, f"tutorials/{name}/"))
        for alt in page.eval_on_selector_all("article img", "imgs => imgs.map(i => i.alt)"):
            assert alt.startswith(prefix) and len(alt) > len(prefix) + 3, (name, alt)
            assert "No description" not in alt
            if lang == "ko":
                assert re.search(r"[\uac00-\ud7a3]", alt[len(prefix) :]), (name, alt)
            described += 1
    context.close()
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
