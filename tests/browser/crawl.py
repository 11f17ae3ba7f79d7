"""One visit of every page of the built site, recording what the page tests check.

Each page is loaded once, in one of two tabs that take two pages side by side: at a
desktop width in the light palette; then the palette toggle switches it to the dark
palette, and the window narrows to a phone's 375 px (a palette changes the colours, not
the layout, so the page is not loaded again for either). While the page is open the tab
records what several tests look at (console messages, requests, rendered math, figures,
Korean line breaks, the width of the page, axe-core's violations in both palettes), so
the site is crawled once per session instead of once per test. The tests then assert on
the records (``tests/browser/test_pages.py``, ``tests/browser/test_accessibility.py``).
Screenshots for a person to look at are a tool of their own
(:mod:`tests.browser.screenshots`, ``make screenshots``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from playwright.sync_api import Browser, Page

from tests.conftest import PROJECT

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}
PALETTES = {"light": "default", "dark": "slate"}
# The rules of axe's colour category ("cat.color") that a default run checks (its third,
# "color-contrast-enhanced", is AAA and off by default). Only their outcome depends on
# the palette: Material's palettes change the colours, not the page, so the dark palette
# is checked with these and the light palette with every rule.
PALETTE_RULES = ("color-contrast", "link-in-text-block")

# Starts axe on the page and returns at once: the work runs in the page's own task
# (``setTimeout``), so the tabs run it side by side while the crawl goes on; the result
# keeps the violations only (axe's documented ``resultTypes``).
#
# A page repeats a few kinds of text thousands of times (highlighted tokens, KaTeX's
# spans, glossary terms, inline code, navigation entries: 3151 and 1421 of one lesson's
# 4973 elements with text are tokens and formula parts), and axe's colour-contrast rule
# takes most of its time on them. An element's contrast is fixed by its colour, the
# backgrounds behind it, its size, weight, text shadow and opacity (its own times its
# ancestors'), so the rule checks one element of each such kind per page: the others
# are marked ``data-axe-same`` and left out of that rule's selector (``axe.configure``).
# The rule reads an element's own text only and does not judge text without a letter or
# digit (symbols, punctuation), so the element that stands for its kind is one whose own
# text has one, and that is shown. The marks are made again for each run: a palette
# changes which elements are alike. Every other rule checks every element. The styles
# are all read before any element is marked: a mark written between two reads would make
# the browser compute the page's styles again for the next read.
#
# ``rules``: the rules to run, or ``null`` for every rule a default run checks.
AXE_START = r"""(rules = null) => {
  const start = async () => {
    // Colours in a CSS transition (a tab just widened, a drawer just closed) are not
    // the page's colours yet: axe starts once the transitions have ended.
    await Promise.all(document.getAnimations()
      .filter((animation) => animation instanceof CSSTransition)
      .map((animation) => animation.finished.catch(() => null)))
    // The backgrounds behind an element, from it up to the first opaque one: a colour
    // with alpha (a highlighted line's) shows what is behind it.
    const backgrounds = new Map()
    const background = (e) => {
      if (!e) return ""
      if (!backgrounds.has(e)) {
        const color = getComputedStyle(e).backgroundColor
        const behind = color.startsWith("rgb(") ? "" : background(e.parentElement)
        backgrounds.set(e, color === "rgba(0, 0, 0, 0)" ? behind : `${color} ${behind}`)
      }
      return backgrounds.get(e)
    }
    const opacities = new Map()  // an element's opacity times its ancestors'
    const opacity = (e) => {
      if (!e) return 1
      if (!opacities.has(e))
        opacities.set(e, Number(getComputedStyle(e).opacity) * opacity(e.parentElement))
      return opacities.get(e)
    }
    for (const marked of document.querySelectorAll("[data-axe-same]"))
      delete marked.dataset.axeSame
    // Each element's own text (axe's rule reads no other), in the page's order.
    const texts = new Map()
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node; node = walker.nextNode())
      if (node.data.trim())
        texts.set(node.parentElement, (texts.get(node.parentElement) ?? "") + node.data)
    const kinds = []
    for (const [element, text] of texts) {
      const style = getComputedStyle(element)
      kinds.push([element, /[\p{L}\p{N}]/u.test(text), [style.color, background(element),
        style.fontSize, style.fontWeight, opacity(element), style.textShadow].join("|")])
    }
    // The first shown element of each kind with a letter or digit in its own text: a
    // hidden element (in a closed details, a content tab not chosen, a transparent
    // tooltip) is not checked by axe, nor is text of symbols only.
    const stands = new Map()
    for (const [element, letters, kind] of kinds)
      if (letters && !stands.has(kind)
          && element.checkVisibility({visibilityProperty: true, opacityProperty: true}))
        stands.set(kind, element)
    for (const [element, , kind] of kinds)
      if (stands.has(kind) && stands.get(kind) !== element) element.dataset.axeSame = ""
    axe.configure({rules: [{id: "color-contrast", selector: "*:not([data-axe-same])"}]})
    const only = rules ? {runOnly: {type: "rule", values: rules}} : {}
    return axe.run(document, {resultTypes: ["violations"], ...only})
  }
  window.__axe = new Promise((done) => setTimeout(() => done(start()), 0))
}"""
# Every violation axe found, as {rule, impact, nodes, first targets}.
AXE_RESULT = """async () => (await window.__axe).violations
  .map((v) => ({rule: v.id, impact: v.impact, nodes: v.nodes.length,
                targets: v.nodes.slice(0, 3).map((n) => n.target.join(" "))}))"""

# Rendered formulas on the page, and TeX commands left as text outside code.
MATH = r"""() => {
  const article = document.querySelector("article")
  if (!article) return {rendered: 0, raw: []}
  const clone = article.cloneNode(true)
  clone.querySelectorAll(".katex, pre, code, script").forEach((e) => e.remove())
  const raw = clone.textContent.match(
    /\\(frac|sum|sigma|mathrm|begin|left|right|cdot|partial|nabla|sqrt|lfloor|leftarrow)\b/g
  ) || []
  return {rendered: article.querySelectorAll(".katex").length, raw: raw.slice(0, 5)}
}"""

# The article's figures: width and height attributes, alt text, and the file's name.
FIGURES = """() => [...document.querySelectorAll("article img")].map((i) =>
  ({width: i.getAttribute("width"), height: i.getAttribute("height"), alt: i.alt,
    src: i.src.slice(-40)}))"""

# Text with Hangul that no element marks as Korean (``lang="ko"``), on an English page.
UNMARKED_KOREAN = r"""() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
  const out = []
  for (let n = walker.nextNode(); n; n = walker.nextNode())
    if (/[\uac00-\ud7a3]/.test(n.textContent) && !n.parentElement.closest("[lang=ko]"))
      out.push(n.textContent.trim().slice(0, 40))
  return out
}"""

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

# Lines of the elements ``selector`` finds that end between two Hangul syllables
# (inside a word), and how many lines ended after a space. Code, formulas and scripts
# are left out.
LINE_BREAKS = r"""(selector) => {
  const hangul = /[\uac00-\ud7a3]/
  const inside = []
  let between = 0
  const range = document.createRange()
  for (const root of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT,
      {acceptNode: (n) => n.parentElement.closest("pre, code, .katex, script, style")
        ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT})
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
            inside.push(text.slice(Math.max(0, j - 6), i + 6).trim())
        }
        previousTop = top
      }
    }
  }
  return {inside, between}
}"""
# Loads the article's lazy images now; the ones that failed to load.
BROKEN_IMAGES = """async () => {
  const images = [...document.images].filter((i) => i.closest("article"))
  images.forEach((i) => { i.loading = "eager" })
  await Promise.all(images.map((i) => i.complete ? null
    : new Promise((done) => { i.onload = i.onerror = done })))
  return images.filter((i) => i.naturalWidth === 0).map((i) => i.src)
}"""
# The language switcher's links, by language: the URLs a click opens.
SWITCHER = """() => Object.fromEntries([...document.querySelectorAll("a.md-select__link[hreflang]")]
  .map((a) => [a.hreflang, a.href]))"""
# Every id on the page.
IDS = "() => [...document.querySelectorAll('[id]')].map((e) => e.id)"
# Goes to each section of the page (its heading's id, as the hash) in turn and returns,
# per section, the switcher's link to each of ``langs`` there, once every one of them
# names the section, or ``null`` for a link that does not within 10 s
# (assets/javascripts/language_switch.js updates them).
SECTION_LINKS = """async (langs) => {
  const ids = [...document.querySelectorAll(".md-content h2[id], .md-content h3[id]")]
    .map((h) => h.id)
  const link = (lang) => document.querySelector(`a.md-select__link[hreflang='${lang}']`)
  const names = (lang, id) => link(lang) !== null && link(lang).hash === "#" + id
  const tick = () => new Promise((done) => setTimeout(done, 5))
  const found = {}
  for (const id of ids) {
    location.hash = id
    const until = performance.now() + 10000
    while (!langs.every((lang) => names(lang, id)) && performance.now() < until) await tick()
    found[id] = Object.fromEntries(langs.map((lang) => [lang, names(lang, id) ? link(lang).href
      : null]))
  }
  return found
}"""
ARTICLE = "article"
NAVIGATION = ".md-nav__link"


@dataclass
class Visit:
    """What one page showed in its tab, in both palettes and at both widths."""

    path: str
    status: int = 0
    console: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    math: dict = field(default_factory=dict)
    figures: list[dict] = field(default_factory=list)
    unmarked_korean: list[str] = field(default_factory=list)
    # Korean lines broken inside a word: navigation at both widths, article on a phone.
    nav_breaks: dict[int, list[str]] = field(default_factory=dict)
    article_breaks: dict = field(default_factory=dict)
    overflow: dict = field(default_factory=dict)
    axe: dict[str, list[dict]] = field(default_factory=dict)
    scheme: dict[str, str] = field(default_factory=dict)
    broken_images: list[str] = field(default_factory=list)
    # The language switcher's links: language code -> the URL it opens.
    switcher: dict[str, str] = field(default_factory=dict)
    ids: list[str] = field(default_factory=list)  # every id on the page
    # Tutorials: section (heading id) -> other language -> its switcher link there.
    section_links: dict[str, dict[str, str | None]] = field(default_factory=dict)

    @property
    def korean(self) -> bool:
        return self.path.startswith("ko/")

    @property
    def katex_shown(self) -> bool:
        """Whether the article shows a formula KaTeX rendered."""
        return self.math.get("rendered", 0) > 0

    @property
    def katex_loaded(self) -> bool:
        return any(url.endswith("/katex.min.js") for url in self.requests)


def tutorial_of(path: str) -> tuple[str, str] | None:
    """``(language, lesson)`` of a tutorial page's path (``ko/tutorials/00_x/``), else None."""
    parts = path.strip("/").split("/")
    lang = parts[0] if parts[0] in PROJECT.codes else PROJECT.default.code
    rest = parts[1:] if parts[0] in PROJECT.codes else parts
    if len(rest) != 2 or rest[0] != "tutorials":
        return None
    return lang, rest[1]


def _recorder(page: Page, current: Callable[[], Visit]) -> None:
    """Record the console, requests and failed requests of ``page`` into the current visit."""
    page.on("console", lambda m: current().console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: current().console.append(f"pageerror: {e}"))
    page.on("request", lambda r: current().requests.append(r.url))
    # A lazy image still loading when the tab moves on is aborted by the navigation,
    # not refused by the site: only other failures count.
    page.on(
        "requestfailed",
        lambda r: None if "ERR_ABORTED" in (r.failure or "") else current().failed.append(r.url),
    )
    page.on(
        "response",
        lambda r: current().failed.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )


# The palette a reader chose is kept in the browser's storage (Material's ``__palette``),
# and a page opens in it: every visit forgets it, so the page opens in the light palette.
FORGET_PALETTE = "try { localStorage.clear() } catch (error) {}"
# The palette toggle's action (to the palette it names), as a click on it does.
TOGGLE_PALETTE = """() => document.querySelector(
  "form[data-md-component=palette] input:checked + label").click()"""
TABS = 2


def crawl(
    browser: Browser,
    base_url: str,
    paths: list[str],
    axe_source: str,
) -> dict[str, Visit]:
    """Visit every page of ``paths`` under ``base_url``, two pages at a time in two tabs.

    A tab loads its page once: at a desktop width in the light palette for the page's
    checks and axe-core's run with every rule; then the palette toggle switches it to
    the dark palette, where axe-core runs the colour rules (a palette changes the
    colours, not the page); then the window narrows to a phone's width for the layout
    checks. The two tabs take each step side by side: axe-core runs in the page's own
    task (``AXE_START``) while the other tab goes on.
    """
    visits: dict[str, Visit] = {}
    current: list[Visit] = [Visit("")] * TABS
    contexts = [browser.new_context(color_scheme="light", viewport=DESKTOP) for _ in range(TABS)]
    tabs: list[Page] = []
    for index, context in enumerate(contexts):
        # axe-core is in every page the tabs open, from its start: the browser adds it
        # itself, where ``add_script_tag`` sent its 500 kB to the page on every visit.
        context.add_init_script(axe_source)
        context.add_init_script(FORGET_PALETTE)
        tab = context.new_page()
        _recorder(tab, lambda index=index: current[index])
        tabs.append(tab)
    try:
        for first in range(0, len(paths), TABS):
            # The last batch may hold one page.
            batch = list(zip(tabs, paths[first : first + TABS], strict=False))
            for index, (tab, path) in enumerate(batch):
                visit = current[index] = visits[path] = Visit(path)
                tab.set_viewport_size(DESKTOP)
                response = tab.goto(base_url + path)
                visit.status = response.status if response else 0
                visit.math = tab.evaluate(MATH)
                visit.figures = tab.evaluate(FIGURES)
                visit.switcher = tab.evaluate(SWITCHER)
                if not visit.korean:
                    visit.unmarked_korean = tab.evaluate(UNMARKED_KOREAN)
                else:
                    nav = tab.evaluate(LINE_BREAKS, NAVIGATION)
                    visit.nav_breaks[DESKTOP["width"]] = nav["inside"]
                visit.broken_images = tab.evaluate(BROKEN_IMAGES)
                visit.ids = tab.evaluate(IDS)
                tab.evaluate(AXE_START)
            for palette in PALETTES:
                if palette == "dark":  # axe-core's run in the light palette has ended
                    for tab, _ in batch:
                        tab.evaluate(TOGGLE_PALETTE)
                        tab.wait_for_function(
                            f"document.body.dataset.mdColorScheme === '{PALETTES[palette]}'"
                        )
                        tab.evaluate(AXE_START, list(PALETTE_RULES))
                for index, (tab, _) in enumerate(batch):
                    current[index].axe[palette] = tab.evaluate(AXE_RESULT)
                    scheme = tab.evaluate("document.body.dataset.mdColorScheme")
                    current[index].scheme[palette] = scheme
            for index, (tab, path) in enumerate(batch):
                visit = current[index]
                tab.set_viewport_size(PHONE)
                visit.overflow = tab.evaluate(OVERFLOW)
                if visit.korean:
                    visit.article_breaks = tab.evaluate(LINE_BREAKS, ARTICLE)
                    # The drawer holds the navigation on a phone.
                    tab.evaluate("document.getElementById('__drawer').checked = true")
                    nav = tab.evaluate(LINE_BREAKS, NAVIGATION)
                    visit.nav_breaks[PHONE["width"]] = nav["inside"]
                    tab.evaluate("document.getElementById('__drawer').checked = false")
                tutorial = tutorial_of(path)
                if tutorial is not None:  # last: it scrolls the page
                    tab.set_viewport_size(DESKTOP)
                    others = [lang for lang in visit.switcher if lang != tutorial[0]]
                    visit.section_links = tab.evaluate(SECTION_LINKS, others)
    finally:
        for context in contexts:
            context.close()
    return visits
