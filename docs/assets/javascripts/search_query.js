/*
 * Search queries rewritten before Material's search worker sees them.
 *
 * Segmented languages (Korean). Their search index is segmented at build time
 * (tools/search.py): particles and endings are cut off the words they follow
 * ("가중치|와"), and the build names a vocabulary file in Material's page
 * configuration (__config "nnguide.terms", <language root>/search/terms.json)
 * that lists the index's Korean words and the particles and endings. Each query
 * word is rewritten the same way:
 *
 *   "가중치와"         -> "가중치"        (particle stripped)
 *   "활성화 함수를"    -> "활성화 함수"
 *   "활성화함수"       -> "활성화 함수"   (split into words of the index)
 *   "nn.Sequential을"  -> "nn.Sequential" (particle after an API name)
 *
 * Every page. Material matches every query term as a prefix, so the "nn" of
 * "nn.Module" also matches "nnguide", the name in every page title, and the home
 * page wins. The namespace parts of a dotted name are matched as whole words:
 * "nn.Module" -> "nn^1 Module" ("^1" is lunr's boost syntax; Material leaves a
 * boosted term without its trailing wildcard).
 *
 * It wraps Worker.prototype.postMessage and rewrites only query messages
 * ({type: 2, data: "..."}, Material's SearchMessageType.QUERY); queries wait,
 * in order, until terms.json has loaded, so none is sent unrewritten.
 */
(function () {
  "use strict"

  if (typeof Worker === "undefined")
    return

  var QUERY = 2
  var HANGUL = /[\uac00-\ud7a3]/
  var HANGUL_RUN = /[\uac00-\ud7a3]+|[^\uac00-\ud7a3]+/g
  var DOTTED = /^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\.([A-Za-z_]\w*)$/
  var MAX_SUFFIX = 6
  var EMPTY = { terms: new Set(), prefixes: new Set(), suffixes: new Set() }

  var config = JSON.parse(document.getElementById("__config").textContent)
  var terms = config.nnguide && config.nnguide.terms

  /* Korean vocabulary: terms, every prefix of a term (a word being typed), suffixes */
  function loadVocabulary() {
    var base = new URL(config.base, location.href)
    return fetch(new URL(terms, base))
      .then(function (response) {
        if (!response.ok)
          throw new Error("terms.json: HTTP " + response.status)
        return response.json()
      })
      .then(function (data) {
        var prefixes = new Set()
        data.terms.forEach(function (term) {
          for (var i = 1; i <= term.length; i++)
            prefixes.add(term.slice(0, i))
        })
        return {
          terms: new Set(data.terms),
          prefixes: prefixes,
          suffixes: new Set(data.suffixes)
        }
      })
      .catch(function () {
        return EMPTY
      })
  }

  var vocabulary = terms
    ? loadVocabulary()
    : Promise.resolve(EMPTY)

  /* Fewest index terms that make up a run of Hangul; the last may be a prefix */
  function cover(run, vocab) {
    var best = [[]]
    for (var end = 1; end <= run.length; end++) {
      best[end] = null
      for (var start = 0; start < end; start++) {
        var piece = run.slice(start, end)
        var known = vocab.terms.has(piece) ||
          (end === run.length && vocab.prefixes.has(piece))
        if (known && best[start] &&
            (!best[end] || best[start].length + 1 < best[end].length))
          best[end] = best[start].concat([piece])
      }
    }
    return best[run.length]
  }

  /* Index words of a head (a word without its particle), or null */
  function split(head, vocab) {
    var words = []
    var runs = head.match(HANGUL_RUN) || []
    for (var i = 0; i < runs.length; i++) {
      if (!HANGUL.test(runs[i])) {
        words.push(runs[i])
        continue
      }
      var pieces = cover(runs[i], vocab)
      if (!pieces)
        return null
      words.push.apply(words, pieces)
    }
    return words
  }

  /* A Korean word as index words: kept if indexed, else a suffix stripped and split */
  function korean(word, vocab) {
    if (!HANGUL.test(word) || vocab.terms.has(word))
      return [word]
    var best = null
    for (var k = 0; k <= Math.min(MAX_SUFFIX, word.length - 1); k++) {
      var suffix = word.slice(word.length - k)
      if (k > 0 && !vocab.suffixes.has(suffix))
        continue
      var words = split(word.slice(0, word.length - k), vocab)
      if (words !== null && (!best || words.length < best.length))
        best = words
    }
    return best || [word]
  }

  /* "torch.nn.Linear" -> "torch^1 nn^1 Linear" */
  function dotted(word) {
    var match = DOTTED.exec(word)
    if (!match)
      return word
    return match[1].split(".").map(function (part) {
      return part + "^1"
    }).concat([match[2]]).join(" ")
  }

  function rewriteWord(word, vocab) {
    if (/^[+-]|[*~^]/.test(word))
      return word  /* lunr query syntax typed by the reader: left as it is */
    return korean(word, vocab).map(dotted).join(" ")
  }

  function rewrite(query, vocab) {
    return query.split(/(\s+)/).map(function (part) {
      return /^\s*$/.test(part) ? part : rewriteWord(part, vocab)
    }).join("")
  }

  var postMessage = Worker.prototype.postMessage
  Worker.prototype.postMessage = function (message) {
    var worker = this
    var rest = Array.prototype.slice.call(arguments, 1)
    if (!message || message.type !== QUERY || typeof message.data !== "string")
      return postMessage.apply(worker, arguments)
    /* Every query waits on the same promise, so queries keep their order */
    vocabulary.then(function (vocab) {
      var data = rewrite(message.data, vocab)
      postMessage.apply(worker, [{ type: message.type, data: data }].concat(rest))
    })
  }
})()
