// The language switcher's link to the section being read
// (docs/assets/javascripts/language_switch.js).
// Run by `node --test tests/js/`, which tests/tools/test_search_js.py runs.
"use strict"

const test = require("node:test")
const assert = require("node:assert/strict")
const path = require("node:path")

const sw = require(
  path.join(__dirname, "..", "..", "docs", "assets", "javascripts", "language_switch.js")
)

test("the link's hash is the section's, replaced, or dropped at the top", () => {
  assert.equal(sw.withHash("../../ko/tutorials/04/", "the-learning-rate"),
    "../../ko/tutorials/04/#the-learning-rate")
  assert.equal(sw.withHash("../../ko/tutorials/04/#setup", "dataloader"),
    "../../ko/tutorials/04/#dataloader")
  assert.equal(sw.withHash("./#setup", null), "./")
  assert.equal(sw.withHash("/nnguide/ko/", "lessons"), "/nnguide/ko/#lessons")
})

const headings = [{ id: "setup", top: -900 }, { id: "a", top: -20 }, { id: "b", top: 300 }]

test("the scroll spy takes the last heading above the top of the window", () => {
  assert.equal(sw.sectionAt(headings, 60), "a")
  assert.equal(sw.sectionAt(headings, 400), "b")
  assert.equal(sw.sectionAt([{ id: "a", top: 200 }], 60), null, "above the first heading")
  assert.equal(sw.sectionAt([], 60), null)
})

test("the hash's section counts while its heading is on screen", () => {
  // the last section of a page cannot scroll to the top: its heading is lower
  assert.equal(sw.currentSection({ id: "b", top: 300 }, headings, 60, 800), "b")
  // scrolled away from it: the scroll spy's
  assert.equal(sw.currentSection({ id: "setup", top: -900 }, headings, 60, 800), "a")
  assert.equal(sw.currentSection(null, headings, 60, 800), "a")
})

test("the place in the section is kept: the same share of the translation's section", () => {
  const saved = { path: "/ko/tutorials/04/", share: 0.5, section: "b", within: 0.25, time: 1000 }
  const page = { path: "/ko/tutorials/04/", hasSection: true,
    section: { id: "b", start: 3000, end: 5000 }, offset: 60, scrollHeight: 9000,
    height: 1000, now: 2000 }
  assert.equal(sw.landing(saved, page), 3000 + 0.25 * 2000 - 60)
  // at the heading: the browser's scroll to the #hash stays
  assert.equal(sw.landing({ ...saved, within: 0 }, page), null)
  // the address names another section than the one read: the browser's scroll
  assert.equal(sw.landing({ ...saved, section: "a" }, page), null)
  assert.equal(sw.landing(saved, { ...page, section: { id: "b", start: 10, end: 20 } }), 0)
  assert.equal(sw.sectionShare(3000, 5000, 3500), 0.25)
  assert.equal(sw.sectionShare(3000, 5000, 2000), 0)
  assert.equal(sw.sectionShare(3000, 5000, 9000), 1)
  assert.equal(sw.sectionShare(3000, 3000, 3000), 0)
})

test("the place on the page is kept only where the other page lacks the section", () => {
  const saved = { path: "/ko/tutorials/04/", share: 0.5, section: "x", within: 0.5, time: 1000 }
  const page = { path: "/ko/tutorials/04/", hasSection: false, section: null, offset: 60,
    scrollHeight: 5000, height: 1000, now: 2000 }
  assert.equal(sw.landing(saved, page), 2000)
  // an element with the id that is no section heading: the browser's scroll
  assert.equal(sw.landing(saved, { ...page, hasSection: true }), null)
  assert.equal(sw.landing(saved, { ...page, path: "/ko/" }), null, "another page")
  assert.equal(sw.landing(saved, { ...page, now: 1000 + sw.MAX_AGE_MS }), null, "old")
  assert.equal(sw.landing(null, page), null)
  assert.equal(sw.scrollShare(2000, 5000, 1000), 0.5)
  assert.equal(sw.scrollShare(0, 500, 1000), 0)
})
