"""Accessibility, phones and Korean pages, in Chromium.

- axe-core (npm, package.json's devDependencies) finds no moderate, serious or
  critical violation (landmarks with the same name among them) on any page, in
  either language or palette; the totals per palette are printed.
- At a phone's 375 px no page is wider than the screen, Korean navigation and table
  of contents lines never end inside a word, and every figure has its size.
- The palette toggle is reached by keyboard, shows its focus, names the action it
  does and does it. A lesson's glossary terms are reached by keyboard and show their
  definition (after the English term, on a Korean page); Escape and leaving hide it.
- Korean pages show the theme's strings in Korean; the 404 page speaks both languages.
- KaTeX is loaded by exactly the pages that show math.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from tests.browser.conftest import SCREENSHOTS
from tests.conftest import PROJECT, ROOT
from tools import tooltips

pytestmark = pytest.mark.slow

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PALETTES = {"light": "default", "dark": "slate"}
HANGUL = re.compile(r"[\uac00-\ud7a3]")

# Starts axe on the page without waiting, so the palettes' tabs run it side by side.
AXE_START = """() => { window.__axe = axe.run(document, {resultTypes: ["violations"]}); }"""
# Every violation axe found, as {rule, impact, nodes, first targets}.
AXE_RESULT = """async () => (await window.__axe).violations
  .map((v) => ({rule: v.id, impact: v.impact, nodes: v.nodes.length,
                targets: v.nodes.slice(0, 3).map((n) => n.target.join(" "))}))"""


@pytest.fixture(scope="module")
def axe_source() -> str:
    assert AXE.exists(), f"{AXE} is missing: run `npm ci` (package.json's devDependencies)"
    return AXE.read_text(encoding="utf-8")


def test_axe_finds_no_moderate_serious_or_critical_violation(site, browser, axe_source):
    """Every page in both palettes; each palette in a tab of its own, the two run at once."""
    contexts = {palette: browser.new_context(color_scheme=palette) for palette in PALETTES}
    tabs = {palette: context.new_page() for palette, context in contexts.items()}
    totals: dict[str, Counter[str]] = {palette: Counter() for palette in PALETTES}
    found: dict[str, list[dict]] = {}
    for path in site.pages():
        for palette, tab in tabs.items():
            tab.goto(site.url + path)
            assert tab.evaluate("document.body.dataset.mdColorScheme") == PALETTES[palette]
            tab.add_script_tag(content=axe_source)
            tab.evaluate(AXE_START)
        for palette, tab in tabs.items():
            for violation in tab.evaluate(AXE_RESULT):
                totals[palette][violation["impact"]] += violation["nodes"]
                if violation["impact"] in ("moderate", "serious", "critical"):
                    found.setdefault(f"{palette} {path}", []).append(violation)
    for context in contexts.values():
        context.close()
    for palette in PALETTES:
        counts = dict(totals[palette])
        print(f"\naxe-core, {palette} palette, {len(site.pages())} pages: {counts} nodes")
    assert len(site.pages()) >= 40
    assert found == {}


def test_the_palette_toggle_is_focused_named_for_its_action_and_works(site, browser):
    probe = """() => {
      const input = document.activeElement, label = input.nextElementSibling
      const style = getComputedStyle(label)
      return {name: input.getAttribute("aria-label"), scheme: document.body.dataset.mdColorScheme,
              shown: style.display !== "none", outline: style.outlineStyle,
              width: parseFloat(style.outlineWidth)}
    }"""
    names = {
        ("", "default"): "Switch to dark mode",
        ("", "slate"): "Switch to light mode",
        ("ko/", "default"): "어두운 화면으로 전환",
        ("ko/", "slate"): "밝은 화면으로 전환",
    }
    for start in PALETTES:
        for root in ("", "ko/"):
            context = browser.new_context(color_scheme=start)
            page = context.new_page()
            page.goto(site.url + root + "glossary/")
            # Skip link, logo, then the toggle.
            for _ in range(3):
                page.keyboard.press("Tab")
            for _ in range(2):  # its action, then back
                found = page.evaluate(probe)
                assert found["name"] == names[root, found["scheme"]]
                assert found["shown"] and found["outline"] != "none" and found["width"] >= 1
                before = found["scheme"]
                page.keyboard.press("Space")
                page.wait_for_function(f"document.body.dataset.mdColorScheme !== '{before}'")
            assert page.evaluate("document.body.dataset.mdColorScheme") == PALETTES[start]
            context.close()


# The abbreviation that has the keyboard focus, and the tooltip that describes it.
FOCUSED_TERM = """() => {
  const abbr = document.activeElement
  if (abbr.tagName !== "ABBR") return null
  const id = abbr.getAttribute("aria-describedby")
  const tip = id && document.getElementById(id)
  return {term: abbr.textContent, tip: id, role: tip && tip.getAttribute("role"),
          text: tip && tip.textContent.trim(),
          shown: !!tip && tip.classList.contains("md-tooltip2--active")
                 && getComputedStyle(tip).opacity === "1"}
}"""
# Whether the tooltip ``id`` is on screen (Material removes it a moment after it hides).
TOOLTIP_SHOWN = """(id) => {
  const tip = document.getElementById(id)
  return !!tip && tip.classList.contains("md-tooltip2--active")
    && getComputedStyle(tip).opacity !== "0"
}"""


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_glossary_terms_show_their_definition_on_keyboard_focus(site, browser, lang):
    language = PROJECT.language(lang)
    terms = tooltips.definitions(
        PROJECT.docs_dir / lang / "glossary.md", with_counterpart=not language.default
    )
    context = browser.new_context()
    page = context.new_page()
    page.goto(site.page_url(lang, "tutorials/03_loss_and_autograd/"))
    marked = page.evaluate(
        """() => [...document.querySelectorAll("article abbr")]
             .map((a) => [a.textContent, a.tabIndex])"""
    )
    assert len(marked) > 10 and {tab for _, tab in marked} == {0}, "every term is reached"
    focused = None
    for _ in range(300):  # past the header, the navigation and the table of contents
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "ABBR":
            page.wait_for_function(
                "document.activeElement.getAttribute('aria-describedby') !== null"
            )
            page.wait_for_timeout(400)  # Material fades it in (0.25 s)
            focused = page.evaluate(FOCUSED_TERM)
            break
    assert focused is not None, "Tab reaches a glossary term"
    # The term's definition from the glossary (in Korean, a term with its particle).
    word = focused["term"]
    known = [t for t in terms if word.lower() == t.lower() or (lang == "ko" and word.startswith(t))]
    assert known, f"{word!r} is a glossary term"
    definition = terms[max(known, key=len)]
    assert focused["role"] == "tooltip" and focused["shown"]
    assert focused["text"] == definition
    if lang == "ko":  # the English term first
        assert re.match(r"[A-Za-z][\w .'()-]*: \S", focused["text"]), focused["text"]
    tip = focused["tip"]
    # Leaving the term hides it; back on the term, it shows again.
    page.keyboard.press("Tab")
    page.wait_for_function(f"!({TOOLTIP_SHOWN})({tip!r})")
    page.keyboard.press("Shift+Tab")
    page.wait_for_function(f"({TOOLTIP_SHOWN})({tip!r})")
    assert page.evaluate(FOCUSED_TERM)["tip"] == tip
    # Escape hides it, the focus staying on the term.
    page.keyboard.press("Escape")
    page.wait_for_function(f"!({TOOLTIP_SHOWN})({tip!r})")
    assert page.evaluate("document.activeElement.textContent") == word
    context.close()


def test_scrolling_output_blocks_are_focusable_regions(site, browser):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(site.url + "ko/tutorials/07_overfitting_and_regularization/")
    regions = page.evaluate(
        """() => [...document.querySelectorAll(".nb-output, .katex-display, div.arithmatex")]
          .filter((e) => e.scrollWidth > e.clientWidth + 1)
          // a formula inside a block that scrolls is reached with that block
          .filter((e) => !e.parentElement.closest(
            ".katex-display[data-nnguide-scroll], div.arithmatex[data-nnguide-scroll]"))
          .map((e) => [e.tabIndex, e.getAttribute("role"), e.getAttribute("aria-label")])"""
    )
    context.close()
    assert len(regions) > 1, "a narrow page has output blocks that scroll"
    assert {(tab, role) for tab, role, _ in regions} == {(0, "region")}
    # Each named in the page's language, numbered where there are more of a kind.
    names = [name for _, _, name in regions]
    assert len(set(names)) == len(names), names
    assert all(re.fullmatch(r"(출력|수식)( [1-9][0-9]*)?", name) for name in names), names
    assert "출력 2" in names


# Pixels by which the page is wider than the window, and what sticks out.
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth
  const wide = [...document.querySelectorAll("body *")].filter((e) => {
    const r = e.getBoundingClientRect()
    if (r.width === 0 || r.right <= width + 1) return false
    for (let p = e.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p)
      if (s.overflowX !== "visible" && p.getBoundingClientRect().right <= width + 1) return false
    }
    return true
  }).slice(0, 3).map((e) => e.tagName + "." + e.className)
  return {extra: document.documentElement.scrollWidth - width, wide}
}"""


def test_no_page_is_wider_than_a_phone(site, browser):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    wider = {}
    for path in site.pages():
        page.goto(site.url + path)
        page.wait_for_load_state("load")
        found = page.evaluate(OVERFLOW)
        if found["extra"] > 0:
            wider[path] = found
    context.close()
    print(f"\n{len(site.pages())} pages at 375 px, {len(wider)} wider than the screen")
    assert wider == {}


# Korean lines in the navigation and table of contents that end inside a word.
NAV_BREAKS = r"""() => {
  const hangul = /[\uac00-\ud7a3]/
  const inside = []
  const range = document.createRange()
  for (const link of document.querySelectorAll(".md-nav__link")) {
    const walker = document.createTreeWalker(link, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent
      let previousTop = null
      for (let i = 0; i < text.length; i++) {
        range.setStart(node, i)
        range.setEnd(node, i + 1)
        const rects = range.getClientRects()
        if (!rects.length || !text[i].trim()) continue
        if (previousTop !== null && rects[0].top > previousTop + 2
            && hangul.test(text[i]) && hangul.test(text[i - 1]))
          inside.push(text.trim())
        previousTop = rects[0].top
      }
    }
  }
  return inside
}"""


@pytest.mark.parametrize("width", [375, 1280])
def test_korean_navigation_breaks_lines_between_words(site, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    broken = {}
    for path in [p for p in site.pages() if p.startswith("ko/")]:
        page.goto(site.url + path)
        if width < 1220:  # the drawer holds the navigation on a phone
            page.evaluate("document.getElementById('__drawer').checked = true")
        found = page.evaluate(NAV_BREAKS)
        if found:
            broken[path] = found[:3]
    context.close()
    assert broken == {}


def test_every_figure_has_a_width_and_height(site, browser):
    context = browser.new_context()
    page = context.new_page()
    counted = 0
    missing = {}
    for path in [p for p in site.pages() if "/tutorials/" in f"/{p}"]:
        page.goto(site.url + path)
        found = page.evaluate(
            """() => [...document.querySelectorAll("article img")].map((i) =>
                 [i.getAttribute("width"), i.getAttribute("height"), i.src.slice(-40)])"""
        )
        counted += len(found)
        bad = [src for width, height, src in found if not (width and height)]
        if bad:
            missing[path] = bad
    context.close()
    assert counted >= 10
    assert missing == {}


def test_korean_pages_show_the_theme_in_korean(site, browser):
    context = browser.new_context()
    page = context.new_page()
    page.goto(site.url + "ko/glossary/")
    found = page.evaluate(
        """() => ({
          footer: document.querySelector(".md-copyright").textContent.replace(/\\s+/g, " ").trim(),
          permalink: document.querySelector("a.headerlink").title,
          toggle: [...document.querySelectorAll("input.md-option")]
            .map((i) => i.getAttribute("aria-label")),
          search: document.querySelector(".md-search__input").placeholder,
          dialog: document.querySelector(".md-search").getAttribute("aria-label"),
          english: [...document.querySelectorAll("[lang=en]")].map((e) => e.textContent.trim()),
          headers: [...document.querySelectorAll("article th")]
            .map((e) => [e.textContent.trim(), e.closest("[lang]").lang])
        })"""
    )
    context.close()
    assert found["footer"] == "Material for MkDocs로 만들었습니다"
    assert found["permalink"] == "이 부분으로 바로 가는 링크"
    assert found["toggle"] == ["어두운 화면으로 전환", "밝은 화면으로 전환"]
    assert HANGUL.search(found["search"]) and HANGUL.search(found["dialog"])
    assert "Material for MkDocs" in found["english"] and "English" in found["english"]
    # Every header is Korean, or an English word marked as one (the English column).
    assert found["headers"]
    assert [h for h, lang in found["headers"] if not HANGUL.search(h) and lang != "en"] == []
    assert ["English", "en"] in found["headers"]


def test_english_pages_mark_their_korean_words(site, browser):
    context = browser.new_context()
    page = context.new_page()
    unmarked = {}
    for path in ["", "glossary/", "tutorials/01_building_networks/"]:
        page.goto(site.url + path)
        found = page.evaluate(
            r"""() => {
              const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
              const out = []
              for (let n = walker.nextNode(); n; n = walker.nextNode())
                if (/[\uac00-\ud7a3]/.test(n.textContent) && !n.parentElement.closest("[lang=ko]"))
                  out.push(n.textContent.trim().slice(0, 40))
              return out
            }"""
        )
        if found:
            unmarked[path] = found[:5]
    context.close()
    assert unmarked == {}


def test_the_404_page_speaks_both_languages(site, browser):
    context = browser.new_context()
    page = context.new_page()
    response = page.goto(site.url + "ko/no-such-page/")
    assert response.status == 404
    page.goto(site.url + "404.html")
    found = page.evaluate(
        """() => ({h1: document.querySelector("article h1").textContent,
                   ko: document.querySelector("article [lang=ko]").textContent,
                   homes: [...document.querySelectorAll("article a[hreflang]")]
                     .map((a) => a.href)})"""
    )
    context.close()
    assert "Page not found" in found["h1"]
    assert "페이지를 찾을 수 없습니다" in found["ko"]
    assert found["homes"] == [site.url, site.url + "ko/"]


def test_katex_is_loaded_by_exactly_the_pages_with_math(site, browser):
    context = browser.new_context()
    page = context.new_page()
    loaded: dict[str, bool] = {}
    shown: dict[str, bool] = {}
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    for path in site.pages():
        requests.clear()
        page.goto(site.url + path)
        page.wait_for_load_state("load")
        loaded[path] = any(url.endswith("/katex.min.js") for url in requests)
        shown[path] = page.evaluate("document.querySelectorAll('article .katex').length > 0")
    context.close()
    assert any(shown.values()) and not all(loaded.values())
    assert {p for p, v in loaded.items() if v} == {p for p, v in shown.items() if v}


@pytest.mark.parametrize(
    ("lang", "path"),
    [(lang, path) for lang in ("en", "ko") for path in ("", "tutorials/05_training_a_classifier/")],
)
@pytest.mark.parametrize("width", [375, 1280])
def test_phone_and_desktop_screenshots(site, browser, lang, path, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(site.url + ("ko/" if lang == "ko" else "") + path)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = path.strip("/").split("/")[-1] or "home"
    target = SCREENSHOTS / f"{width}px-{lang}-{name}.png"
    page.screenshot(path=str(target), full_page=False)
    context.close()
    assert target.stat().st_size > 10_000
