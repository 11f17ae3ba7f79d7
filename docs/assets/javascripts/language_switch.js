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
 * A click on a switcher link also stores the place (sessionStorage): how far
 * into the section the top of the window was, and how far down the page. The
 * page it opens scrolls as far into the same section (the translation's
 * section is as long as its text, so the share of it is kept, not the pixels);
 * where the other language lacks the section (or the address has none), it
 * scrolls as far down the page.
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

  /* How far into its section "offset" is, from 0 (the heading) to 1 (the next
     heading, or the end of the article). start, end: page coordinates */
  function sectionShare(start, end, offset) {
    var length = end - start
    return length > 0 ? Math.min(1, Math.max(0, (offset - start) / length)) : 0
  }

  /* Where to scroll a page opened by the switcher, or null to leave it where
     the browser put it. saved: the stored {path, share, section, within, time};
     page: {path, hasSection (the address's #hash names an element on it),
     section (the #hash's section: {id, start, end} in page coordinates, or
     null), offset (the header's height), scrollHeight, height, now} */
  function landing(saved, page) {
    if (!saved || saved.path !== page.path)
      return null
    if (!(page.now - saved.time >= 0 && page.now - saved.time < MAX_AGE_MS))
      return null
    var section = page.section
    if (section) {
      if (section.id !== saved.section || !(saved.within > 0))
        return null  /* the browser has put the heading at the top */
      var y = section.start + saved.within * (section.end - section.start) - page.offset
      return Math.round(Math.max(0, y))
    }
    if (page.hasSection)
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
    sectionShare: sectionShare,
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

  /* The section whose heading has the id, in page coordinates: {id, start, end},
     or null where no such heading is on the page */
  function sectionSpan(id) {
    var headings = Array.prototype.slice.call(document.querySelectorAll(HEADINGS))
    for (var i = 0; i < headings.length; i++) {
      if (headings[i].id !== id)
        continue
      var start = headings[i].getBoundingClientRect().top + window.scrollY
      var next = headings[i + 1]
      var article = document.querySelector(".md-content article") || document.body
      var end = next ? next.getBoundingClientRect().top + window.scrollY
        : article.getBoundingClientRect().bottom + window.scrollY
      return { id: id, start: start, end: end }
    }
    return null
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
    var id = section()
    var span = id ? sectionSpan(id) : null
    var within = span ? sectionShare(span.start, span.end, window.scrollY + headerOffset()) : 0
    try {
      sessionStorage.setItem(KEY, JSON.stringify({
        path: target.pathname, share: share, section: id, within: within, time: Date.now()
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
    function place() {
      var id = hashId()
      var y = landing(saved, {
        path: location.pathname,
        hasSection: Boolean(id && document.getElementById(id)),
        section: id ? sectionSpan(id) : null,
        offset: headerOffset(),
        scrollHeight: document.documentElement.scrollHeight,
        height: window.innerHeight,
        now: Date.now()
      })
      if (y !== null)
        window.scrollTo(0, y)
    }
    place()
    /* Once the page has loaded (fonts, formulas), its sections have their final
       length, and the browser has scrolled to the #hash's element again */
    if (document.readyState !== "complete")
      window.addEventListener("load", function () { requestAnimationFrame(place) },
        { once: true })
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
