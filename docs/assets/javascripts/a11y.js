/*
 * Keyboard access to what scrolls sideways: a notebook output block, a display
 * formula or a table wider than the screen becomes a focusable, named region (the
 * arrow keys then scroll it), as Material does for code blocks. Checked again when
 * the window's width changes: on a phone more of them scroll. Where a page has more
 * than one region of a kind, each is numbered ("Output 2"): a landmark's name is
 * unique on its page.
 */
(function () {
  "use strict"

  var NAMES = {
    en: { output: "Output", formula: "Formula", table: "Table" },
    ko: { output: "출력", formula: "수식", table: "표" }
  }
  var KINDS = [
    [".md-typeset .nb-output", "output"],
    [".md-typeset .katex-display, .md-typeset div.arithmatex", "formula"],
    [".md-typeset .md-typeset__scrollwrap", "table"]
  ]

  function update() {
    var lang = document.documentElement.lang in NAMES ? document.documentElement.lang : "en"
    KINDS.forEach(function (kind) {
      document.querySelectorAll(kind[0]).forEach(function (element) {
        // A formula inside an arithmatex block is named once: on the outer block when
        // that one scrolls, otherwise on the inner one that does.
        var outer = kind[1] === "formula" && element.parentElement.closest(".katex-display, div.arithmatex")
        if (outer && outer.hasAttribute("data-nnguide-scroll")) return
        var scrolls = element.scrollWidth > element.clientWidth + 1
        if (scrolls && !element.hasAttribute("data-nnguide-scroll")) {
          element.setAttribute("data-nnguide-scroll", "")
          element.setAttribute("tabindex", "0")
          element.setAttribute("role", "region")
          element.setAttribute("aria-label", NAMES[lang][kind[1]])
        } else if (!scrolls && element.hasAttribute("data-nnguide-scroll")) {
          ;["data-nnguide-scroll", "tabindex", "role", "aria-label"].forEach(function (name) {
            element.removeAttribute(name)
          })
        }
      })
      var regions = document.querySelectorAll(
        kind[0].split(", ").map(function (part) { return part + "[data-nnguide-scroll]" }).join(", "))
      regions.forEach(function (element, index) {
        var name = NAMES[lang][kind[1]] + (regions.length > 1 ? " " + (index + 1) : "")
        element.setAttribute("aria-label", name)
      })
    })
  }

  /*
   * Material puts each code block's copy button in a <nav> of its own: dozens of
   * navigation landmarks with the same (no) name, which crowd the landmarks a screen
   * reader lists. A button bar is not a page's navigation: it keeps its button and
   * loses the landmark.
   */
  function codeButtons() {
    document.querySelectorAll(".md-typeset nav.md-code__nav:not([role])").forEach(function (nav) {
      nav.setAttribute("role", "none")
    })
  }

  /*
   * Glossary terms (and any other abbreviation with a title) show their definition in
   * Material's tooltip (content.tooltips) on hover and on focus: made focusable, the
   * Tab key reaches them. Escape hides the tooltip shown, until the term is left and
   * reached again.
   */
  function focusableTerms() {
    document.querySelectorAll(".md-content abbr[title]:not([tabindex])").forEach(function (abbr) {
      abbr.setAttribute("tabindex", "0")
    })
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return
    document.querySelectorAll(".md-tooltip2--active[role=tooltip]").forEach(function (tip) {
      tip.classList.remove("md-tooltip2--active")
    })
  })

  /*
   * The palette toggle is a pair of hidden radio buttons, each named for the action of
   * the visible label after it ("Switch to light mode" after the dark one). Material
   * leaves both unchecked when the scheme comes from the system's preference, so the
   * Tab key lands on the first one, which names the wrong action in dark mode and whose
   * label is hidden (no focus ring). Check the current scheme's button, and let Space
   * and Enter on it do what its name says, as a click on its label does.
   */
  function syncPalette() {
    var scheme = document.body.getAttribute("data-md-color-scheme")
    document.querySelectorAll("input.md-option[name='__palette']").forEach(function (input) {
      input.checked = input.getAttribute("data-md-color-scheme") === scheme
    })
  }
  document.addEventListener("keydown", function (event) {
    var input = event.target
    if (!(input instanceof HTMLInputElement) || input.name !== "__palette")
      return
    if (event.key !== " " && event.key !== "Enter")
      return
    var label = input.nextElementSibling
    if (label && label.tagName === "LABEL") {
      event.preventDefault()
      label.click()
      var next = document.getElementById(label.htmlFor)
      if (next) next.focus()
    }
  })
  new MutationObserver(syncPalette).observe(document.body, {
    attributes: true, attributeFilter: ["data-md-color-scheme"]
  })
  syncPalette()

  /*
   * Words of the other language, marked with their `lang` so that a screen reader
   * reads them in the right voice: on an English page every run of Hangul (the
   * glossary's Korean column, Korean names), on a Korean page the table cells written
   * in Latin script only (the glossary's English column).
   */
  var HANGUL = /[\uac00-\ud7a3]+/
  function markLanguages() {
    var lang = document.documentElement.lang
    var article = document.querySelector("article")
    if (!article) return
    if (lang === "ko") {
      article.querySelectorAll("th, td").forEach(function (cell) {
        var text = cell.textContent
        if (/[A-Za-z]{2}/.test(text) && !HANGUL.test(text) && !cell.querySelector("code, pre")
            && !cell.closest("[lang]:not(html)"))
          cell.setAttribute("lang", "en")
      })
      return
    }
    var walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT)
    var found = []
    for (var node = walker.nextNode(); node; node = walker.nextNode())
      if (HANGUL.test(node.textContent) && !node.parentElement.closest("[lang=ko]"))
        found.push(node)
    found.forEach(function (node) {
      var parent = node.parentElement
      if (parent.childNodes.length === 1 && parent !== article && !/^(PRE|CODE)$/.test(parent.tagName)) {
        parent.setAttribute("lang", "ko")
        return
      }
      var span = document.createElement("span")
      span.setAttribute("lang", "ko")
      node.parentNode.replaceChild(span, node)
      span.appendChild(node)
    })
  }

  var timer = null
  window.addEventListener("resize", function () {
    clearTimeout(timer)
    timer = setTimeout(update, 100)
  })
  // After math.js: KaTeX changes the width of what it renders.
  function ready() {
    markLanguages()
    focusableTerms()
    setTimeout(function () { codeButtons(); update() }, 0)
  }
  if (typeof document$ !== "undefined")
    document$.subscribe(ready)
  else
    document.addEventListener("DOMContentLoaded", ready)
  window.addEventListener("load", function () { codeButtons(); update() })
})()
