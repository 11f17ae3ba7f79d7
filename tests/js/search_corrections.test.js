// The search's corrections of words that match nothing, and result text without
// zero-width spaces (docs/assets/javascripts/search_protocol.js).
// Run by `node --test tests/js/`, which tests/tools/test_search_js.py runs.
"use strict"

const test = require("node:test")
const assert = require("node:assert/strict")
const path = require("node:path")

const protocol = require(
  path.join(__dirname, "..", "..", "docs", "assets", "javascripts", "search_protocol.js")
)

/* An index of the given words, each with its number of entries */
function indexOf(counts) {
  const words = Object.entries(counts).sort()
  return {
    words,
    starts: (word) => words.some(([w]) => w.startsWith(word)),
  }
}

test("one letter replaced, added or left out, and nothing else, is one edit", () => {
  assert.equal(protocol.oneEditApart("derivitive", "derivative"), true)
  assert.equal(protocol.oneEditApart("unsqeeze", "unsqueeze"), true)
  assert.equal(protocol.oneEditApart("unsqueezee", "unsqueeze"), true)
  assert.equal(protocol.oneEditApart("derivative", "derivative"), false)
  assert.equal(protocol.oneEditApart("drivitive", "derivative"), false)
  assert.equal(protocol.oneEditApart("abc", "abcde"), false)
})

test("British spellings have their American forms", () => {
  const cases = {
    regularisation: "regularization", normalise: "normalize", normalis: "normaliz",
    optimiser: "optimizer", optimisers: "optimizers", colour: "color",
    behaviour: "behavior", modelling: "modeling", labelled: "labeled",
    centre: "center", analyse: "analyze", catalogue: "catalog",
  }
  for (const [british, american] of Object.entries(cases))
    assert.ok(protocol.britishVariants(british).includes(american), british)
  for (const word of ["tensor", "dropout", "pooling", "linear"])
    assert.deepEqual(protocol.britishVariants(word), [], word)
})

test("a typo of five letters or more becomes the index word most entries have", () => {
  const words = indexOf({ derivative: 9, derivatives: 2, derivation: 1, unsqueeze: 3 }).words
  assert.equal(protocol.nearestWord("derivitive", words), "derivative")
  assert.equal(protocol.nearestWord("unsqeeze", words), "unsqueeze")
  // the start of an index word: a query word is matched as a prefix
  assert.equal(protocol.nearestWord("derivitiv", words), "derivativ")
  assert.equal(protocol.nearestWord("unsqe", words), "unsqu", "a word being typed")
  assert.equal(protocol.nearestWord("unsqux", words), "unsque", "the last letter wrong")
  assert.equal(protocol.nearestWord("drvt", words), null, "under five letters")
  assert.equal(protocol.nearestWord("xxxxxxxx", words), null)
})

test("only plain words that start no index word are corrected", () => {
  const index = indexOf({
    derivative: 9, unsqueeze: 3, regularization: 4, optimizer: 5, cross: 3, nn: 9, loss: 7,
  })
  assert.equal(protocol.correctQuery("derivitive", index), "derivative")
  assert.equal(protocol.correctQuery("unsqeeze", index), "unsqueeze")
  assert.equal(protocol.correctQuery("regularisation", index), "regularization")
  assert.equal(protocol.correctQuery("optimiser loss", index), "optimizer loss")
  // lunr syntax, words that match and short words are left as they are
  assert.equal(protocol.correctQuery("+cros* nn^1 los drop", index), "+cros* nn^1 los drop")
  assert.equal(protocol.correctQuery("미분 derivitive", index), "미분 derivative")
  assert.equal(protocol.correctQuery("", index), "")
})

test("result text loses its zero-width spaces, and nothing else", () => {
  assert.equal(protocol.withoutZeroWidth("가중치\u200b와 <mark>편향</mark>\u200b을"),
    "가중치와 <mark>편향</mark>을")
  assert.equal(protocol.withoutZeroWidth("a\u200c\u200d\u2060\ufeffb"), "ab")
  assert.equal(protocol.withoutZeroWidth(undefined), undefined)
})
