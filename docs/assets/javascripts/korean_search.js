/*
 * Korean queries for Material's search, on the Korean pages of the site.
 *
 * The Korean search index is segmented at build time (tools/i18n_search.py):
 * particles and endings are cut off the words they follow ("가중치|와"), and
 * <language root>/search/terms.json lists the index's Korean words and the
 * particles and endings. This script rewrites each query word the same way
 * before Material's search worker sees it:
 *
 *   "가중치와"         -> "가중치"        (particle stripped)
 *   "nn.Sequential을"  -> "nn.Sequential" (particle after an API name)
 *   "활성화 함수를"    -> "활성화 함수"
 *   "활성화함수"       -> "활성화 함수"   (split into words of the index)
 *
 * It wraps Worker.prototype.postMessage and rewrites only query messages
 * ({type: 2, data: "..."}, Material's SearchMessageType.QUERY); queries wait,
 * in order, until terms.json has loaded, so none is sent unnormalised. Pages in
 * other languages are left alone.
 */
(function () {
  "use strict"

  if (document.documentElement.lang !== "ko" || typeof Worker === "undefined")
    return

  var QUERY = 2
  var HANGUL = /[\uac00-\ud7a3]/
  var HANGUL_RUN = /[\uac00-\ud7a3]+|[^\uac00-\ud7a3]+/g
  var MAX_SUFFIX = 6

  var config = JSON.parse(document.getElementById("__config").textContent)
  var base = new URL(config.base, location.href)

  /* Vocabulary: terms, every prefix of a term (for a word still being typed), suffixes */
  var vocabulary = fetch(new URL("search/terms.json", base))
    .then(function (response) {
      if (!response.ok)
        throw new Error("terms.json: HTTP " + response.status)
      return response.json()
    })
    .then(function (data) {
      var terms = new Set(data.terms)
      var prefixes = new Set()
      data.terms.forEach(function (term) {
        for (var i = 1; i <= term.length; i++)
          prefixes.add(term.slice(0, i))
      })
      return { terms: terms, prefixes: prefixes, suffixes: new Set(data.suffixes) }
    })
    .catch(function () {
      return { terms: new Set(), prefixes: new Set(), suffixes: new Set() }
    })

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

  /* Index words for a head (a word without its particle), or null */
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
    return words.join(" ")
  }

  /* One query word: keep it if the index has it, else strip a suffix and split */
  function normalizeWord(word, vocab) {
    var match = /^([+-]?)(.*?)([*~^\d]*)$/.exec(word)
    var core = match[2].toLowerCase()
    if (!HANGUL.test(core) || vocab.terms.has(core))
      return word
    var best = null
    for (var k = 0; k <= Math.min(MAX_SUFFIX, core.length - 1); k++) {
      var suffix = core.slice(core.length - k)
      if (k > 0 && !vocab.suffixes.has(suffix))
        continue
      var head = core.slice(0, core.length - k)
      var words = split(head, vocab)
      if (words !== null) {
        var size = words.split(" ").length
        if (!best || size < best.size)
          best = { words: words, size: size }
      }
    }
    if (!best)
      return word
    return best.words.split(" ").map(function (part) {
      return match[1] + part + match[3]
    }).join(" ")
  }

  function normalize(query, vocab) {
    return query.split(/(\s+)/).map(function (part) {
      return /^\s*$/.test(part) ? part : normalizeWord(part, vocab)
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
      var data = normalize(message.data, vocab)
      postMessage.apply(worker, [{ type: message.type, data: data }].concat(rest))
    })
  }
})()
