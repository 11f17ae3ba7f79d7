/*
 * Search queries rewritten before Material's search worker sees them.
 *
 * English words. Material appends a wildcard to every query word, so a stop
 * word becomes a prefix search ("a*" matches "API" in a title) and "saving*"
 * never meets "save". Stop words (lunr's English list) are left out of a query
 * that has other words, and each other word is sent as the start its inflected
 * forms share, which Material's wildcard completes: "gradients" -> "gradient",
 * "saving" -> "sav", "accumulated" -> "accumulat", "losses" -> "loss". The
 * index keeps whole words (no stemmer), so Material's highlighting and its list
 * of missing words still see the words of the page.
 *
 * Code names. The index's separator splits "CrossEntropyLoss" at capitals into
 * "cross", "entropy", "loss"; <language root>/search/compounds.json (written by
 * tools/search.py) lists such names in lowercase, and "crossentropyloss" or
 * "CrossEntropyLoss" becomes "+cross* +entropy* +loss*" (each part required).
 * The namespace parts of a dotted name are matched as whole words: Material
 * matches every query term as a prefix, so the "nn" of "nn.Module" would also
 * match "nnguide", the name in every page title: "nn.Module" -> "nn^1 module"
 * ("^1" is lunr's boost syntax; Material leaves a boosted term without its
 * trailing wildcard).
 *
 * Segmented languages (Korean). Their search index is segmented at build time
 * (tools/search.py): particles and endings are cut off the words they follow
 * ("가중치|와"), and the build names a vocabulary file in Material's page
 * configuration (__config "nnguide.terms", <language root>/search/terms.json)
 * that lists the index's Korean words, the particles and endings, and the
 * spellings the glossary says not to use with the term to search instead. Each
 * query word is rewritten the same way:
 *
 *   "가중치와"         -> "가중치"        (particle stripped)
 *   "활성화 함수를"    -> "활성화 함수"
 *   "활성화함수"       -> "활성화 함수"   (split into words of the index)
 *   "nn.Sequential을"  -> "nn.Sequential" (particle after an API name)
 *   "에폭", "웨이트 디케이" -> "에포크", "가중치 감쇠" (the glossary's term)
 *   "소프트멕스"       -> "소프트맥스"    (one wrong, missing or extra letter)
 *   "zero_grad는 왜 하나요" -> "zero_grad" (question words and endings left out)
 *   "외워요", "쌓으면"  -> "외우", "쌓"   (a verb's stem: the index holds the
 *                                      stems of its verbs in a field of their own)
 *   "늘리고 싶어요"    -> "늘리"         (an auxiliary verb left out)
 *   "검증용", "수치적으로" -> "검증", "수치" (a noun's 용/적/별/들 left to the
 *                                      wildcard: protocol.nounHead)
 *
 * It wraps Worker.prototype.postMessage and rewrites only query messages
 * ({type: 2, data: "..."}, Material's SearchMessageType.QUERY); queries wait,
 * in order, until the vocabulary files have loaded, so none is sent unrewritten.
 * The messages and the marks of whole words are search_protocol.js's, which the
 * page loads first and the ranking worker (workers/search_rank.js) reads alike.
 */
(function () {
  "use strict"

  if (typeof Worker === "undefined")
    return

  var protocol = self.nnguideSearch
  if (!protocol)
    throw new Error("search_query.js: search_protocol.js must be loaded before it")
  var QUERY = protocol.MESSAGE.QUERY
  var HANGUL = /[\uac00-\ud7a3]/
  var HANGUL_RUN = /[\uac00-\ud7a3]+|[^\uac00-\ud7a3]+/g
  var DOTTED = /^([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)\.([A-Za-z_]\w*)$/
  var MAX_SUFFIX = 6
  var MAX_PHRASE = 3
  var MIN_FUZZY = 3

  var STOP_WORDS = protocol.STOP_WORDS

  /* Korean words that name no topic: of a question ("왜", "뭐예요", "방법"), the
     bound nouns ("수", "것"), which as prefixes would match any word, and the
     adverbs of a complaint ("너무", "자꾸") */
  var QUESTION_WORDS = new Set((
    "왜 뭐 뭐예요 뭔가요 뭔지 무엇 무엇인가요 어떻게 어떤 언제 어디 방법 이유 차이 " +
    "안 돼요 되나요 하나요 나요 요 법 수 것 때 등 데 " +
    "너무 그냥 자꾸 계속 좀 잘 더 못"
  ).split(" "))

  /* Korean words typed as they are, never read as a verb's form: the
     determiners ("여러 층" is no form of "열다") */
  var AS_TYPED = new Set("여러 모든 각 몇 온갖 이런 그런 저런".split(" "))

  var config = JSON.parse(document.getElementById("__config").textContent)
  var base = new URL(config.base, location.href)
  var terms = config.nnguide && config.nnguide.terms

  function load(path) {
    return fetch(new URL(path, base))
      .then(function (response) {
        if (!response.ok)
          throw new Error(path + ": HTTP " + response.status)
        return response.json()
      })
      .catch(function () {
        return null
      })
  }

  /* The vocabulary: Korean terms, every prefix of a term (a word being typed),
     suffixes, glossary synonyms, and the code names split at capitals */
  function vocabularyOf(korean, names) {
    var data = korean || { terms: [], suffixes: [], synonyms: {} }

    var prefixes = new Set()
    var byLength = {}
    data.terms.forEach(function (term) {
      for (var i = 1; i <= term.length; i++)
        prefixes.add(term.slice(0, i))
      ;(byLength[term.length] = byLength[term.length] || []).push(term)
    })
    return {
      terms: new Set(data.terms),
      prefixes: prefixes,
      byLength: byLength,
      suffixes: new Set(data.suffixes),
      synonyms: data.synonyms || {},
      stems: new Set(data.stems || []),
      forms: data.forms || {},
      endings: new Set(data.endings || []),
      auxiliaries: new Set(data.auxiliaries || []),
      compounds: names || {}
    }
  }

  var vocabulary = Promise.all([
    terms ? load(terms) : Promise.resolve(null),
    load("search/compounds.json")
  ]).then(function (files) {
    return vocabularyOf(files[0], files[1])
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

  /* The index term one letter away from a Hangul word, or null */
  function nearest(head, vocab) {
    if (head.length < MIN_FUZZY || !/^[\uac00-\ud7a3]+$/.test(head))
      return null
    for (var d = 0; d <= 1; d++)
      for (var sign = -1; sign <= 1; sign += 2) {
        var candidates = vocab.byLength[head.length + d * sign] || []
        for (var i = 0; i < candidates.length; i++)
          if (protocol.oneEditApart(head, candidates[i]))
            return candidates[i]
        if (d === 0)
          break
      }
    return null
  }

  /* The stem of a conjugated verb or adjective ("쌓으면" -> "쌓", "외워요" ->
     "외우", "다릅니다" -> "다르"), or null: the word less a suffix is a stem of
     the index, or less a suffix or an ending, a start the build saw a stem
     conjugated to */
  function stemOf(word, vocab) {
    var limit = Math.min(MAX_SUFFIX, word.length - 1)
    for (var k = 0; k <= limit; k++) {
      var rest = word.slice(word.length - k)
      var suffix = k === 0 || vocab.suffixes.has(rest)
      if (!suffix && !vocab.endings.has(rest))
        continue
      var head = word.slice(0, word.length - k)
      if (suffix && (vocab.stems.has(head) || vocab.auxiliaries.has(head)))
        return head
      if (vocab.forms.hasOwnProperty(head))
        return vocab.forms[head]
    }
    return null
  }

  /* A Korean word as index words: kept if indexed, else a suffix stripped and
     split into nouns, else a verb's stem (none for an auxiliary: "싶어요") */
  function korean(word, vocab) {
    if (!HANGUL.test(word) || vocab.terms.has(word) || QUESTION_WORDS.has(word) ||
        AS_TYPED.has(word))
      return [word]
    if (vocab.suffixes.has(word))
      return []  /* an ending on its own: "하나요", "되나요" */
    var best = null
    var limit = Math.min(MAX_SUFFIX, word.length - 1)
    for (var k = 0; k <= limit; k++) {
      var suffix = word.slice(word.length - k)
      if (k > 0 && !vocab.suffixes.has(suffix))
        continue
      var words = split(word.slice(0, word.length - k), vocab)
      if (words !== null && (!best || words.length < best.length))
        best = words
    }
    /* nouns, each a whole index term, before a verb: "가중치와", "활성화함수";
       but not a word cut into syllables that are nouns of their own ("채운" is
       no "채" + "운": it is "채우" + "ㄴ") */
    var hangul = best ? best.filter(function (w) { return HANGUL.test(w) }) : []
    var nouns = best && best.every(function (w) {
      return !HANGUL.test(w) || vocab.terms.has(w)
    }) && !(hangul.length > 1 && hangul.some(function (w) { return w.length === 1 }))
    if (!nouns && word.length > 1) {  /* one syllable: "할", "줄" are too many things */
      var stem = stemOf(word, vocab)
      if (stem !== null)
        return vocab.auxiliaries.has(stem) ? [] : [stem]
    }
    for (k = 0; !best && k <= limit; k++) {
      suffix = word.slice(word.length - k)
      if (k > 0 && !vocab.suffixes.has(suffix))
        continue
      var near = nearest(word.slice(0, word.length - k), vocab)
      if (near)
        best = [near]
    }
    return best || [word]
  }

  /* The glossary's term for a spelling it says not to use, with any particle */
  function synonym(text, vocab) {
    if (vocab.synonyms.hasOwnProperty(text))
      return vocab.synonyms[text]
    for (var k = 1; k <= Math.min(MAX_SUFFIX, text.length - 1); k++) {
      var head = text.slice(0, text.length - k)
      if (vocab.suffixes.has(text.slice(text.length - k)) &&
          vocab.synonyms.hasOwnProperty(head))
        return vocab.synonyms[head]
    }
    return null
  }

  /* Words (and runs of words: "웨이트 디케이") replaced by the glossary's terms */
  function synonyms(words, vocab) {
    var out = []
    for (var i = 0; i < words.length; i++) {
      var found = null
      for (var n = Math.min(MAX_PHRASE, words.length - i); n > 0 && !found; n--) {
        var phrase = words.slice(i, i + n)
        if (!phrase.some(protocol.isSyntax)) {
          var term = synonym(phrase.join(""), vocab)
          if (term)
            found = { term: term, length: n }
        }
      }
      if (found) {
        out.push.apply(out, found.term.split(/\s+/))
        i += found.length - 1
      } else {
        out.push(words[i])
      }
    }
    return out
  }

  /* A word without Hangul as query clauses: a prefix Material completes with a
     wildcard, or each part of a code name, required ("+part*") */
  function latin(word, vocab) {
    var lower = word.toLowerCase()
    if (vocab.compounds.hasOwnProperty(lower))
      return vocab.compounds[lower].map(protocol.part)
    return [protocol.wordStart(word)]
  }

  /* "torch.nn.Linear" -> "torch^1 nn^1 Linear" */
  function dotted(word, vocab) {
    var match = DOTTED.exec(word)
    if (!match)
      return HANGUL.test(word) ? [word] : latin(word, vocab)
    return match[1].split(".").map(protocol.exact).concat(latin(match[2], vocab))
  }

  function rewrite(query, vocab) {
    var typed = synonyms(query.trim().split(/\s+/).filter(Boolean), vocab)
    var words = []
    typed.forEach(function (word) {
      if (protocol.isSyntax(word))
        words.push(word)  /* lunr query syntax typed by the reader: left as it is */
      else
        words.push.apply(words, korean(word, vocab).map(function (w) {
          return protocol.nounHead(w, function (head) { return vocab.terms.has(head) })
        }))
    })
    if (!words.length)
      words = typed  /* only an ending, or the first letter of a word being typed */
    var content = words.filter(function (word) {
      return !STOP_WORDS.has(word.toLowerCase()) && !QUESTION_WORDS.has(word)
    })
    if (content.length)
      words = content
    var clauses = []
    words.forEach(function (word) {
      if (protocol.isSyntax(word))
        clauses.push(word)
      else
        clauses.push.apply(clauses, dotted(word, vocab))
    })
    return clauses.join(" ")
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
