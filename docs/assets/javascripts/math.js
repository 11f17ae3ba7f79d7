/*
 * Math, rendered by KaTeX (served from this site: assets/katex/).
 *
 * Markdown pages mark math up with pymdownx.arithmatex (generic mode: \( \) and
 * \[ \]); tutorial pages keep the $ $ and $$ $$ of their notebook's Markdown cells.
 * Both are rendered here; code blocks are left alone.
 */
(function () {
  "use strict"

  function render(root) {
    if (typeof renderMathInElement !== "function")
      return
    renderMathInElement(root, {
      delimiters: [
        { left: "$$", right: "$$", display: true },
        { left: "\\[", right: "\\]", display: true },
        { left: "\\(", right: "\\)", display: false },
        { left: "$", right: "$", display: false }
      ],
      ignoredClasses: ["highlight", "nb-output"],
      throwOnError: false
    })
  }

  if (typeof document$ !== "undefined")
    document$.subscribe(function () { render(document.body) })
  else
    document.addEventListener("DOMContentLoaded", function () { render(document.body) })
})()
