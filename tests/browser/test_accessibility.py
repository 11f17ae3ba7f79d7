"""Accessibility, phones and Korean pages, in Chromium.

- axe-core (npm, package.json's devDependencies) finds no moderate, serious or
  critical violation (landmarks with the same name among them) on any page, in
  either language or palette (every rule in the light palette, the colour rules in the
  dark one); the totals per palette are printed.
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

from tests.browser.conftest import AXE
from tests.browser.crawl import AXE_RESULT, AXE_START, PALETTE_RULES
from tests.conftest import PROJECT
from tools import tooltips

pytestmark = pytest.mark.slow

PALETTES = {"light": "default", "dark": "slate"}
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def axe_page(browser, body: str, style: str = ""):
    """A new page of ``body`` (in ``main``, after a heading), with axe-core loaded."""
    page = browser.new_page()
    page.set_content(
        f'<html lang="en"><head><title>t</title><style>{style}</style></head>'
        f"<body><main><h1>t</h1>{body}</main></body></html>"
    )
    page.add_script_tag(path=str(AXE))
    return page


def violations(page, rules=None) -> dict[str, dict]:
    """The crawl's axe run on ``page`` (crawl.AXE_START): each violated rule's record."""
    page.evaluate(AXE_START, list(rules) if rules else None)
    return {violation["rule"]: violation for violation in page.evaluate(AXE_RESULT)}


def test_axe_finds_no_moderate_serious_or_critical_violation(visits):
    """Every page in both palettes (axe-core runs in the crawl, :mod:`tests.browser.crawl`)."""
    totals: dict[str, Counter[str]] = {palette: Counter() for palette in PALETTES}
    found: dict[str, list[dict]] = {}
    for path, visit in visits.items():
        for palette, scheme in PALETTES.items():
            assert visit.scheme[palette] == scheme, (path, palette)
            for violation in visit.axe[palette]:
                totals[palette][violation["impact"]] += violation["nodes"]
                if violation["impact"] in ("moderate", "serious", "critical"):
                    found.setdefault(f"{palette} {path}", []).append(violation)
    for palette in PALETTES:
        print(f"\naxe-core, {palette} palette, {len(visits)} pages: {dict(totals[palette])} nodes")
    assert len(visits) >= 40
    assert found == {}


def test_the_crawls_axe_run_finds_low_contrast_tokens_and_formula_parts_of_every_kind(browser):
    """The colour-contrast rule checks one highlighted token or KaTeX span per kind
    (crawl.AXE_START): a faint one is found wherever it stands among many of other kinds."""
    tokens = (
        "".join(f'<span class="n" style="color:#000">x{i}</span> ' for i in range(200))
        + '<span class="c1" style="color:#ddd">faint</span> '
        + '<span class="n" style="color:#000">y</span>'
    )
    formula = (
        '<span class="katex"><span class="katex-html">'
        + "".join(f'<span class="mord" style="color:#000">a{i}</span> ' for i in range(100))
        + '<span class="mord" style="color:#e0e0e0">faint part</span>'
        + '<span class="mord" style="color:#000; font-size:2em">c</span>'
        + "</span></span>"
    )
    page = axe_page(
        browser,
        f'<div class="highlight"><pre><code>{tokens}</code></pre></div>'
        '<div class="highlight"><pre><code><span class="c1" style="color:#ccc">faint too</span>'
        f"</code></pre></div><p>{formula}</p>",
    )
    found = violations(page)
    skipped = page.evaluate("document.querySelectorAll('[data-axe-same]').length")
    # As the crawl checks the dark palette.
    dark = {rule: v["nodes"] for rule, v in violations(page, PALETTE_RULES).items()}
    colour = page.evaluate("axe.getRules(['cat.color']).map((rule) => rule.ruleId)")
    page.close()
    # The 201 black tokens are one kind; the formula's 100 black parts are another (black
    # on white at the text's size), checked at the first: its wrappers have no text.
    assert skipped == 200 + 99
    # Both faint token kinds and the faint formula part, each once.
    assert found["color-contrast"]["nodes"] == 3
    assert dark == {"color-contrast": 3}
    # The dark palette is checked with every colour rule a default run checks.
    assert sorted(PALETTE_RULES) == sorted(set(colour) - {"color-contrast-enhanced"})


def test_the_crawls_axe_run_checks_prose_terms_code_and_navigation_one_per_kind(browser):
    """Glossary terms, inline code, links and paragraphs repeat a few kinds too: each kind
    is checked once, and a faint one is found among many of other kinds."""
    items = "".join(f'<li><a href="#{i}">entry {i}</a></li>' for i in range(40))
    prose = "".join(
        f'<p>Text {i} with a <abbr title="term">term</abbr> and <code>code_{i}</code>.</p>'
        for i in range(40)
    )
    faint = '<p>More text with a <abbr title="term" style="color:#ddd">faint term</abbr>.</p>'
    page = axe_page(browser, f"<nav><ul>{items}</ul></nav>{prose}{faint}{prose}")
    found = violations(page)
    skipped = page.evaluate("document.querySelectorAll('[data-axe-same]').length")
    page.close()
    assert found["color-contrast"]["nodes"] == 1, found
    # Three kinds: 40 links; 81 paragraphs and 80 terms (black on white at one size);
    # 80 code spans. The faint term is a fourth, alone.
    assert skipped == 39 + 160 + 79


@pytest.mark.parametrize(
    "body",
    [
        # A faint formula part first met as a symbol (axe does not judge a symbol's
        # contrast), then as a letter.
        '<p><span class="katex"><span style="color:#ddd">\u2212</span>'
        '<span style="color:#ddd">xy</span></span></p>',
        # A faint wrapper whose text is all in its children.
        '<p><span class="katex-html" style="color:#ccc"><span>yz</span></span></p>',
        # Punctuation first, a word after.
        '<div class="highlight"><pre><code><span style="color:#ddd">(</span>'
        '<span style="color:#ddd">name</span></code></pre></div>',
    ],
    ids=["symbol-first", "wrapper-without-text", "punctuation-first"],
)
def test_the_crawls_axe_run_lets_only_an_element_with_letters_stand_for_its_kind(browser, body):
    """axe reads an element's own text and does not judge symbols or punctuation, so such
    an element never stands for a kind that also has words."""
    page = axe_page(browser, body)
    found = violations(page)
    page.close()
    assert found["color-contrast"]["nodes"] == 1, found


def test_the_crawls_axe_run_sorts_the_elements_again_in_each_palette(browser):
    """Two tokens alike in one palette and not in the other: the second run (as the crawl
    runs the dark palette) checks the one that became faint."""
    page = axe_page(
        browser,
        '<div class="highlight"><pre><code><span class="k">def</span> '
        '<span class="n">name</span></code></pre></div>',
        style=".k, .n { color: #000 } .dark .n { color: #ddd }",
    )
    assert violations(page) == {}
    page.evaluate("document.body.classList.add('dark')")
    found = violations(page, PALETTE_RULES)
    page.close()
    assert found["color-contrast"]["nodes"] == 1, found
    [target] = found["color-contrast"]["targets"]
    assert target.endswith(".n"), target


@pytest.mark.parametrize(
    "hidden",
    [
        "<details><summary>Answer</summary>{}</details>",  # closed
        '<div style="display: none">{}</div>',  # a content tab not chosen
        '<div style="visibility: hidden">{}</div>',
        '<div style="opacity: 0">{}</div>',  # a tooltip not shown
    ],
    ids=["closed-details", "display-none", "visibility-hidden", "opacity-0"],
)
def test_the_crawls_axe_run_never_lets_a_hidden_element_stand_for_its_kind(browser, hidden):
    """A faint token or formula part first met where axe does not look (a closed
    ``details``, a content tab not chosen...) is still found where the page shows one of
    its kind."""
    token = '<div class="highlight"><pre><code><span class="s" style="color:#ddd">{}</span>'
    token += "</code></pre></div>"
    part = '<p><span class="katex"><span class="mord" style="color:#ccc">{}</span></span></p>'
    page = axe_page(
        browser,
        hidden.format(token.format("a hidden token") + part.format("a hidden part"))
        + token.format("a shown token")
        + part.format("a shown part"),
    )
    found = violations(page)
    page.close()
    assert found["color-contrast"]["nodes"] == 2, found


@pytest.mark.parametrize(
    ("readable", "faint"),
    [
        # One translucent highlight, over white and over dark grey.
        (
            '<div style="background:#fff"><pre style="background:rgba(255,255,255,.1)">',
            '<div style="background:#444"><pre style="background:rgba(255,255,255,.1)">',
        ),
        # A block at full opacity and one at 40 %.
        ('<div style="opacity:1"><pre>', '<div style="opacity:.4"><pre>'),
    ],
    ids=["translucent-background", "ancestor-opacity"],
)
def test_the_crawls_axe_run_tells_apart_tokens_that_differ_only_around_them(
    browser, readable, faint
):
    """Two tokens of one colour, size and weight are two kinds when what is around them
    changes their contrast: the faint one is found though the readable one comes first."""
    token = '<div class="highlight">{}<code><span style="color:#222">{}</span></code>'
    token += "</pre></div></div>"
    page = axe_page(browser, token.format(readable, "readable") + token.format(faint, "faint"))
    found = violations(page)
    page.close()
    assert found["color-contrast"]["nodes"] == 1
    [target] = found["color-contrast"]["targets"]
    assert target.startswith(".highlight:nth-child(3) "), target  # the faint one


def test_the_crawls_axe_run_waits_for_colour_transitions_to_end(browser):
    """A colour in a transition (a tab just widened, a drawer just closed) is checked
    once the transition has ended, not halfway from a faint colour."""
    page = axe_page(
        browser,
        '<p><a href="#x">a link</a></p>',
        style="a { color: #eee; transition: color 1.5s linear } .ready a { color: #000 }",
    )
    page.evaluate("document.body.classList.add('ready')")
    found = violations(page, PALETTE_RULES)
    page.close()
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


def test_no_page_is_wider_than_a_phone(visits):
    wider = {path: v.overflow for path, v in visits.items() if v.overflow["extra"] > 0}
    print(f"\n{len(visits)} pages at 375 px, {len(wider)} wider than the screen")
    assert wider == {}


@pytest.mark.parametrize("width", [375, 1280])
def test_korean_navigation_breaks_lines_between_words(visits, width):
    korean = [visit for visit in visits.values() if visit.korean]
    assert len(korean) >= 20
    broken = {v.path: v.nav_breaks[width][:3] for v in korean if v.nav_breaks[width]}
    assert broken == {}


def test_every_figure_has_a_width_and_height(visits):
    figures = [
        (path, f) for path, v in visits.items() if "/tutorials/" in f"/{path}" for f in v.figures
    ]
    assert len(figures) >= 10
    missing = [(path, f["src"]) for path, f in figures if not (f["width"] and f["height"])]
    assert missing == []


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


def test_english_pages_mark_their_korean_words(visits):
    english = {path: v for path, v in visits.items() if not v.korean}
    assert {"", "glossary/", "tutorials/01_building_networks/"} <= set(english)
    unmarked = {path: v.unmarked_korean[:5] for path, v in english.items() if v.unmarked_korean}
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


def test_katex_is_loaded_by_exactly_the_pages_with_math(visits):
    loaded = {path for path, v in visits.items() if v.katex_loaded}
    shown = {path for path, v in visits.items() if v.katex_shown}
    assert shown and len(loaded) < len(visits)
    assert loaded == shown


@pytest.mark.parametrize(
    ("lang", "path"),
    [(lang, path) for lang in ("en", "ko") for path in ("", "tutorials/05_training_a_classifier/")],
)
@pytest.mark.parametrize("width", [375, 1280])
def test_phone_and_desktop_screenshots(site, browser, screenshots, lang, path, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(site.url + ("ko/" if lang == "ko" else "") + path)
    name = path.strip("/").split("/")[-1] or "home"
    target = screenshots / f"{width}px-{lang}-{name}.png"
    page.screenshot(path=str(target), full_page=False)
    context.close()
    assert target.stat().st_size > 10_000
