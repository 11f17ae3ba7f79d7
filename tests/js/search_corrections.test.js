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

test("two letters next to each other swapped are one typo", () => {
  assert.equal(protocol.oneEditApart("checkpiont", "checkpoint"), true)
  assert.equal(protocol.oneEditApart("broadcsating", "broadcasting"), true)
  assert.equal(protocol.oneEditApart("chekcpiont", "checkpoint"), false, "two swaps")
  assert.equal(protocol.oneEditApart("checkpoitn", "checkpoint"), true, "the last two")
  assert.equal(protocol.oneEditApart("chcekpoint", "checkpoint"), true)
  assert.equal(protocol.oneEditApart("ckechpoint", "checkpoint"), false, "not next to each other")
  const words = indexOf({ checkpoint: 3, checkpoints: 2 }).words
  assert.equal(protocol.nearestWord("checkpiont", words), "checkpoint")
  assert.equal(protocol.nearestWord("checkpionts", words), "checkpoints")
})

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

test("an English word is sent as the start its inflected forms share", () => {
  const starts = {
    gradients: "gradient", saving: "sav", accumulated: "accumulat", losses: "loss",
    probabilities: "probabilit", randomly: "random", numerically: "numeric",
    manually: "manual", exactly: "exact",
    // short adverbs and words that only end like one stay as they are
    early: "early", apply: "apply", only: "only", family: "family", nn: "nn",
  }
  for (const [word, start] of Object.entries(starts))
    assert.equal(protocol.wordStart(word), start, word)
  // words that only end like a verb's form are not cut: "str" would find "stride"
  for (const word of ["string", "during", "something", "speed", "seed", "embed"])
    assert.equal(protocol.wordStart(word), word, word)
  assert.equal(protocol.wordStart("embedding"), "embed")
  assert.equal(protocol.wordStart("padding"), "pad")
  // words of quantity and time a question adds are stop words, as lunr's are
  for (const word of ["during", "many", "more", "each", "the", "vs"])
    assert.ok(protocol.STOP_WORDS.has(word), word)
  assert.ok(!protocol.STOP_WORDS.has("two") && !protocol.STOP_WORDS.has("one"))
  assert.equal(protocol.wordStart("Sequential"), "sequential")
  assert.equal(protocol.wordStart("in_features"), "in_features", "code is left as typed")
})

test("a word of code or printed output counts CODE_WEIGHT of a word of prose", () => {
  const w = protocol.CODE_WEIGHT
  assert.ok(w > 0 && w < 1)
  const html = "<p>The <code>in_features</code> of a layer</p><pre><code>nn.Linear(in_features=2)" +
    "</code></pre><pre>Linear(in_features=2, out_features=1)</pre> in_features"
  const { counts, length } = protocol.countWords(html, /[\s(),=.]+/)
  assert.equal(counts.get("in_features"), 2 + 2 * w)
  assert.equal(counts.get("out_features"), w)
  assert.equal(counts.get("layer"), 1)
  assert.equal(counts.get("linear"), 2 * w, "lowercase, as the index holds it")
  assert.equal(length, 6 + 9 * w)
  assert.deepEqual(protocol.countWords(undefined, /\s+/), { counts: new Map(), length: 0 })
})

test("an entry with some of the query's words loses less than their share", () => {
  assert.equal(protocol.coverage(3, 3), 1)
  assert.ok(protocol.coverage(1, 3) > 1 / 3 && protocol.coverage(1, 3) < protocol.coverage(2, 3))
  assert.equal(protocol.coverage(0, 3), 0)
  assert.equal(protocol.coverage(0, 0), 0)
})

test("a Korean noun's 용, 적, 별 or 들 is left to the wildcard where the noun is indexed", () => {
  const terms = new Set(["검증", "수치", "클래스", "모듈", "재현", "학습", "비용"])
  const isTerm = (word) => terms.has(word)
  assert.equal(protocol.nounHead("검증용", isTerm), "검증")
  assert.equal(protocol.nounHead("수치적", isTerm), "수치")
  assert.equal(protocol.nounHead("클래스별", isTerm), "클래스")
  assert.equal(protocol.nounHead("모듈들", isTerm), "모듈")
  // other suffixes change what the word names; one syllable is too little a noun
  assert.equal(protocol.nounHead("재현성", isTerm), "재현성")
  assert.equal(protocol.nounHead("학습률", isTerm), "학습률")
  assert.equal(protocol.nounHead("비용", isTerm), "비용", "용 is part of the noun")
  assert.equal(protocol.nounHead("평가용", isTerm), "평가용", "the noun is not indexed")
  assert.equal(protocol.nounHead("models", isTerm), "models")
})

test("a query with every word of an entry's title or of an index term names it", () => {
  const separator = /[\s\-,]+|(?!\b)(?=[A-Z][a-z])/
  const phrases = protocol.phrasesOf("The <code>state_dict</code> of a model",
    "parameter count, number of parameters, count_parameters, GPU", separator)
  // stop words left out, lowercase; a name of one word is BM25's to weigh
  assert.deepEqual(phrases,
    [["state_dict", "model"], ["parameter", "count"], ["number", "parameters"]])
  const terms = (...words) => words.map((word) => ({ word, exact: false }))
  assert.equal(protocol.namedBy(phrases, terms("number", "parameter", "network")), true)
  assert.equal(protocol.namedBy(phrases, terms("model", "state_dict")), true, "in any order")
  assert.equal(protocol.namedBy(phrases, terms("number", "network")), false)
  assert.equal(protocol.namedBy(phrases, terms("gpu")), false)
  assert.equal(protocol.namedBy(phrases, [{ word: "paramet", exact: true },
    { word: "count", exact: false }]), false, "a whole-word term matches only itself")
  assert.deepEqual(protocol.phrasesOf("시드 고정", "랜덤 시드, 시드", /[\s]+/),
    [["시드", "고정"], ["랜덤", "시드"]])
  assert.ok(protocol.PHRASE_BOOST > 1)
})

/* One page's results as the ranking worker sends them, best first */
function page(scores) {
  return scores.map(([location, score]) => ({ location, score }))
}

test("a section scoring nearly as high as its page's best is shown beside it", () => {
  const near = protocol.NEAR_BEST
  const shown = protocol.showNearBest(page([
    ["p/#a", 10], ["p/#b", 10 * near], ["p/", 0.4], ["p/#c", 10 * near - 0.01],
  ]))
  assert.deepEqual(shown.map((item) => item.score), [10, 10, 0.4, 10 * near - 0.01])
  assert.deepEqual(shown.map((item) => item.location), ["p/#a", "p/#b", "p/", "p/#c"])
  // Material shows the sections that score at least as high as the page's first entry
  const threshold = shown[0].score
  const visible = shown.filter((item) => item.location.includes("#") && item.score >= threshold)
  assert.deepEqual(visible.map((item) => item.location), ["p/#a", "p/#b"])
})

test("at most MAX_SHOWN sections of a page are shown, and the page's own entry is kept", () => {
  const many = page([["p/#a", 10], ["p/#b", 9.9], ["p/#c", 9.8], ["p/#d", 9.7], ["p/", 0]])
  const scores = protocol.showNearBest(many).map((item) => item.score)
  assert.equal(scores.filter((score) => score === 10).length, protocol.MAX_SHOWN)
  assert.equal(scores[4], 0)
  // a page whose own entry comes first: its sections are compared with the best section
  const top = protocol.showNearBest(page([["p/", 12], ["p/#a", 10], ["p/#b", 9]]))
  assert.deepEqual(top.map((item) => item.score), [12, 10, 10])
  assert.deepEqual(protocol.showNearBest(page([["p/#a", 0], ["p/#b", 0]])).map((i) => i.score),
    [0, 0])
  assert.deepEqual(protocol.showNearBest([]), [])
})

test("result text loses its zero-width spaces, and nothing else", () => {
  assert.equal(protocol.withoutZeroWidth("가중치\u200b와 <mark>편향</mark>\u200b을"),
    "가중치와 <mark>편향</mark>을")
  assert.equal(protocol.withoutZeroWidth("a\u200c\u200d\u2060\ufeffb"), "ab")
  assert.equal(protocol.withoutZeroWidth(undefined), undefined)
})

test("a learner's word is searched with the guide's word beside it", () => {
  const index = indexOf({ optimiser: 1, optimizer: 9, cost: 1, loss: 40, node: 5, mini: 4, batch: 9 })
  // "optimiser" is an index term, so it is kept, but every "optimizer" is found too
  assert.equal(protocol.correctQuery("optimiser converge", index), "optimiser optimizer converge")
  assert.equal(protocol.correctQuery("cost function", index), "cost loss function")
  // a word no entry has is replaced: "minibatch" is the guide's "mini-batch"
  assert.equal(protocol.correctQuery("minibatch", index), "mini batch")
  assert.equal(protocol.correctQuery("neuron", index), "node")
  // "error" is the guide's own word (mean squared error): no synonym
  assert.equal(protocol.correctQuery("error", indexOf({ error: 3, loss: 9 })), "error")
})

test("a word and the guide's word beside it are one term of the ranking", () => {
  const terms = protocol.groupTerms([
    { word: "optimiser", exact: false }, { word: "optimizer", exact: false },
    { word: "cost", exact: false }, { word: "loss", exact: false }, { word: "adam", exact: false },
  ])
  assert.deepEqual(terms, [
    { word: "optimiser", exact: false, alts: ["optimizer"] },
    { word: "cost", exact: false, alts: ["loss"] },
    { word: "adam", exact: false },
  ])
  assert.equal(protocol.termMatches(terms[0], "optimizers"), true)
  assert.equal(protocol.termMatches(terms[1], "cost"), true)
  assert.equal(protocol.termMatches(terms[2], "loss"), false)
  // an entry named "loss function" is named by "cost function"
  assert.equal(protocol.namedBy([["loss", "function"]], [terms[1], { word: "function" }]), true)
})

test("a section at 60 % of its page's best is shown, one at half of it is not", () => {
  // "calling backward on the loss": the section on backward() at 63 % of the best
  const shown = protocol.showNearBest(page([
    ["p/#gradients-accumulate", 6.6], ["p/#backward-and-grad", 4.19], ["p/#graph", 3.2],
  ]))
  assert.deepEqual(shown.map((item) => item.score), [6.6, 6.6, 3.2])
})
