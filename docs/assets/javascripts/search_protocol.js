/*
 * The protocol between the two search scripts, in lunr's query syntax.
 *
 * search_query.js (on the page) rewrites a reader's query before Material's
 * search worker sees it; workers/search_rank.js (in the worker) ranks the
 * entries the worker finds again, and must read the same query the same way.
 * Both load this file: the page lists it before search_query.js (mkdocs.yml,
 * extra_javascript), the worker imports it (importScripts). It defines
 * self.nnguideSearch (and module.exports, for its tests in
 * tests/js/search_protocol.test.js, run by `node --test`).
 *
 * Messages: Material's SearchMessageType numbers of the messages the scripts
 * read or change: SETUP ({type: 0, data: {config, docs}}), QUERY ({type: 2,
 * data: "query"}) and RESULT ({type: 3, data: {items}}).
 *
 * Query words: Material appends a trailing wildcard to every query word, so a
 * word matches the index words it starts. The query side marks the words that
 * must match whole index words:
 *
 *   exact("nn")    -> "nn^1"   a namespace part of a dotted name ("^1" is
 *                              lunr's boost syntax; Material leaves a boosted
 *                              word without its wildcard)
 *   part("cross")  -> "+cross*" a required part of a code name split at
 *                              capitals ("CrossEntropyLoss")
 *
 * and exactWords(query) is how the ranking side finds them again.
 */
(function (root) {
  "use strict"

  var MESSAGE = Object.freeze({ SETUP: 0, QUERY: 2, RESULT: 3 })

  /* A query word in lunr's syntax (a +/- presence, a wildcard, fuzz, boost or field) */
  var SYNTAX = /^[+-]|[*~^:]/

  /* A word matched as a whole index word: "nn" -> "nn^1" */
  function exact(word) {
    return word + "^1"
  }

  /* A required part of a code name, matched as a whole index word: "+cross*" */
  function part(word) {
    return "+" + word + "*"
  }

  /* Whether a query word is lunr query syntax (typed by the reader, or made here) */
  function isSyntax(word) {
    return SYNTAX.test(word)
  }

  /* The lowercase words of a rewritten query that must match whole index words */
  function exactWords(query) {
    var found = new Set()
    String(query || "").split(/\s+/).forEach(function (clause) {
      var match = /^[+-]?([^*~^:]+)\^/.exec(clause) || /^\+([^*~^:]+)\*$/.exec(clause)
      if (match)
        found.add(match[1].toLowerCase())
    })
    return found
  }

  var protocol = Object.freeze({
    MESSAGE: MESSAGE,
    exact: exact,
    part: part,
    isSyntax: isSyntax,
    exactWords: exactWords
  })

  root.nnguideSearch = protocol
  if (typeof module === "object" && module.exports)
    module.exports = protocol
})(typeof self !== "undefined" ? self : globalThis)
