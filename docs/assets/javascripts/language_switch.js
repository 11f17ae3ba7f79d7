/*
 * The language switcher keeps the reader's section and place on the page.
 *
 * mkdocs-static-i18n links each page to the same page in the other language
 * (Material's header, "md-select__link" links with an hreflang), without the
 * section. Korean headings keep the English anchors ("## 학습률
 * { #the-learning-rate }"), so a section has the same id in both languages.
 * This script gives each switcher link the id of the section being read:
 *
 *   - the section named by the address's #hash while its heading is on screen;
 *   - else the last heading above the top of the window (a scroll spy), or no
 *     hash above the first heading;
 *
 * kept up to date on load, on hashchange and as the reader scrolls, and again
 * after each of Material's instant page loads (its document$). The links stay
 * relative, so the same holds on `mkdocs serve` and under a sub-path
 * (site_url /<repo>/).
 *
 * Where the other language lacks the section, the place is kept instead: a
 * click on a switcher link stores how far down the page the reader was
 * (sessionStorage), and the page it opens, if the address's section is not on
 * it (or it has none), scrolls as far down.
 *
 * The pure functions are exported (module.exports) for the tests in
 * tests/js/language_switch.test.js.
 */
(function (root) {
  "use strict"

  var KEY = "nnguide.languageSwitch"
  var LINKS = "a.md-select__link[hreflang]"
  var HEADINGS = ".md-content h2[id], .md-content h3[id]"
  var MAX_AGE_MS = 60000

  /* "href" with its #hash replaced by "#<id>" (none where id is empty) */
  function withHash(href, id) {
    var cut = href.indexOf("#")
    var bare = cut < 0 ? href : href.slice(0, cut)
    return id ? bare + "#" + encodeURIComponent(id) : bare
  }

  /* The id of the last heading whose top is at or above "offset", or null.
     headings: [{id, top}] in the order of the page, tops as on screen */
  function sectionAt(headings, offset) {
    var found = null
    for (var i = 0; i < headings.length; i++) {
      if (headings[i].top > offset)
        break
      found = headings[i].id
    }
    return found
  }

  /* The section being read: the #hash's while its heading is on screen, else
     the scroll spy's. hashed: {id, top} of the hash's heading, or null */
  function currentSection(hashed, headings, offset, height) {
    if (hashed && hashed.top >= 0 && hashed.top < height)
      return hashed.id
    return sectionAt(headings, offset)
  }

  /* How far down the page the window is, from 0 (top) to 1 (bottom) */
  function scrollShare(scrollY, scrollHeight, height) {
    var room = scrollHeight - height
    return room > 0 ? Math.min(1, Math.max(0, scrollY / room)) : 0
  }

  /* Where to scroll a page opened by the switcher, or null to leave it where
     the browser put it. saved: the stored {path, share, time}; page: {path,
     hasSection (the address's #hash names an element on it), scrollHeight,
     height, now} */
  function landing(saved, page) {
    if (!saved || saved.path !== page.path || page.hasSection)
      return null
    if (!(page.now - saved.time >= 0 && page.now - saved.time < MAX_AGE_MS))
      return null
    return Math.round(saved.share * Math.max(0, page.scrollHeight - page.height))
  }

  var api = {
    KEY: KEY,
    MAX_AGE_MS: MAX_AGE_MS,
    withHash: withHash,
    sectionAt: sectionAt,
    currentSection: currentSection,
    scrollShare: scrollShare,
    landing: landing
  }
  if (typeof module === "object" && module.exports)
    module.exports = api
  if (typeof document === "undefined")
    return
  root.nnguideLanguageSwitch = api

  /* The page's top offset under Material's sticky header */
  function headerOffset() {
    var header = document.querySelector(".md-header")
    return (header ? header.getBoundingClientRect().height : 0) + 8
  }

  function hashId() {
    try {
      return decodeURIComponent(location.hash.slice(1))
    } catch (error) {
      return location.hash.slice(1)
    }
  }

  function section() {
    var headings = Array.prototype.map.call(document.querySelectorAll(HEADINGS), function (h) {
      return { id: h.id, top: h.getBoundingClientRect().top }
    })
    var id = hashId()
    var element = id ? document.getElementById(id) : null
    var hashed = element ? { id: id, top: element.getBoundingClientRect().top } : null
    return currentSection(hashed, headings, headerOffset(), window.innerHeight)
  }

  function update() {
    var id = section()
    Array.prototype.forEach.call(document.querySelectorAll(LINKS), function (link) {
      link.setAttribute("href", withHash(link.getAttribute("href"), id))
    })
  }

  var pending = false
  function soon() {
    if (pending)
      return
    pending = true
    requestAnimationFrame(function () {
      pending = false
      update()
    })
  }

  /* A click on a switcher link: the place on the page, for a page without the section */
  function remember(event) {
    var link = event.target.closest && event.target.closest(LINKS)
    if (!link)
      return
    update()
    var target = new URL(link.href, location.href)
    var share = scrollShare(window.scrollY, document.documentElement.scrollHeight,
      window.innerHeight)
    try {
      sessionStorage.setItem(KEY, JSON.stringify({
        path: target.pathname, share: share, time: Date.now()
      }))
    } catch (error) { /* storage blocked: the section alone is kept */ }
  }

  function restore() {
    var saved = null
    try {
      saved = JSON.parse(sessionStorage.getItem(KEY) || "null")
      sessionStorage.removeItem(KEY)
    } catch (error) {
      return
    }
    var id = hashId()
    var y = landing(saved, {
      path: location.pathname,
      hasSection: Boolean(id && document.getElementById(id)),
      scrollHeight: document.documentElement.scrollHeight,
      height: window.innerHeight,
      now: Date.now()
    })
    if (y !== null)
      window.scrollTo(0, y)
  }

  function start() {
    restore()
    update()
  }

  document.addEventListener("click", remember, true)
  document.addEventListener("auxclick", remember, true)
  window.addEventListener("hashchange", update)
  window.addEventListener("scroll", soon, { passive: true })
  window.addEventListener("resize", soon)
  if (root.document$ && typeof root.document$.subscribe === "function")
    root.document$.subscribe(start)  /* Material: every page, instant loads included */
  else if (document.readyState === "loading")
    document.addEventListener("DOMContentLoaded", start)
  else
    start()
})(typeof self !== "undefined" ? self : globalThis)
