// The search scripts' shared protocol (docs/assets/javascripts/search_protocol.js).
// Run by `node --test tests/js/`, which tests/tools/test_search_js.py runs.
"use strict"

const test = require("node:test")
const assert = require("node:assert/strict")
const path = require("node:path")

const protocol = require(
  path.join(__dirname, "..", "..", "docs", "assets", "javascripts", "search_protocol.js")
)

test("the messages are Material's setup, query and result types", () => {
  assert.deepEqual({ ...protocol.MESSAGE }, { SETUP: 0, QUERY: 2, RESULT: 3 })
})

test("a whole word is boosted and a code name's part is required", () => {
  assert.equal(protocol.exact("nn"), "nn^1")
  assert.equal(protocol.part("cross"), "+cross*")
})

test("the ranking side reads back exactly the words the query side marked", () => {
  const query = [protocol.exact("torch"), protocol.exact("nn"), "Linear",
    protocol.part("cross"), protocol.part("entropy"), "loss*"].join(" ")
  assert.deepEqual(protocol.exactWords(query), new Set(["torch", "nn", "cross", "entropy"]))
})

test("typed lunr syntax is kept apart, plain words are not", () => {
  for (const word of ["+must", "-not", "gra*", "gradient~1", "title:loss", "nn^1"])
    assert.equal(protocol.isSyntax(word), true, word)
  for (const word of ["gradient", "nn.Module", "가중치", "zero_grad"])
    assert.equal(protocol.isSyntax(word), false, word)
})

test("a query without marked words has none, whatever its case", () => {
  assert.deepEqual(protocol.exactWords("Gradient descent"), new Set())
  assert.deepEqual(protocol.exactWords(""), new Set())
  assert.deepEqual(protocol.exactWords(protocol.exact("NN")), new Set(["nn"]))
})
