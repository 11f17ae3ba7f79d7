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
 *
 * Words that match nothing: the ranking worker knows the index's words and
 * corrects a plain query word that starts none of them (correctQuery): a
 * British spelling becomes the American one the guide writes
 * (britishVariants: "regularisation" -> "regularization", "normalise",
 * "optimiser", "colour", "modelling"), and a word of MIN_TYPO letters or more
 * becomes the index word it is one letter away from (nearestWord: one letter
 * replaced, added or left out, or two next to each other swapped:
 * "derivitive" -> "derivative", "unsqeeze" -> "unsqueeze", "checkpiont" ->
 * "checkpoint"), the one in the most entries. A learner's word for what the
 * guide names otherwise (SYNONYMS: "cost" for "loss", "neuron" for "node"), and
 * a British spelling that an index term also spells ("optimiser"), is searched
 * with the guide's word beside it, or instead of it where it matches nothing
 * ("minibatch" -> "mini batch"); the ranking reads the two as one term
 * (groupTerms).
 *
 * English inflections (wordStart, which search_query.js sends for each plain
 * English word): the start an inflected word shares with its other forms, which
 * Material's wildcard completes ("gradients" -> "gradient", "saving" -> "sav",
 * "randomly" -> "random").
 *
 * Sections shown (showNearBest): Material shows a page's sections only where they
 * score at least as high as the page's best entry, so of two sections that answer
 * a query almost equally well it hides the second under "more". A section that
 * scores at least NEAR_BEST of its page's best section is shown beside it (at
 * most MAX_SHOWN sections a page): a learner's words rarely tell apart the
 * section that explains an idea from the one that uses it next ("calling
 * backward on the loss": the section on backward() scores 63 % of the one on
 * gradients accumulating, which calls it twice as often).
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

  /* lunr's English stop words (lunr.stopWordFilter), the words that join the
     two things a question compares ("mse vs bce"), and the words of quantity
     and time a question adds ("how many updates", "more than two classes",
     "during training") */
  var STOP_WORDS = new Set(("vs versus during each many more much very via " +
    "a able about across after all almost also am among an and any are as at be " +
    "because been but by can cannot could dear did do does either else ever every " +
    "for from get got had has have he her hers him his how however i if in into is " +
    "it its just least let like likely may me might most must my neither no nor " +
    "not of off often on only or other our own rather said say says she should " +
    "since so some than that the their them then there these they this tis to too " +
    "twas us wants was we were what when where which while who whom why will with " +
    "would yet you your"
  ).split(" "))

  var TAG = /<[^>]*>/g
  var PHRASE_BOOST = 2

  /* The names of an entry as phrases: its title and each of its index terms
     (the keywords field, terms joined by ", "), each as its words (split by the
     index's separator, lowercase, without stop words); only names of two words
     or more, since one word is what BM25 already weighs */
  function phrasesOf(title, keywords, separator) {
    var names = [String(title || "")].concat(String(keywords || "").split(/,\s+/))
    var phrases = []
    names.forEach(function (name) {
      var words = name.replace(TAG, " ").split(separator).map(function (word) {
        return (word || "").trim().toLowerCase()
      }).filter(function (word) {
        return word && !STOP_WORDS.has(word)
      })
      if (words.length > 1)
        phrases.push(words)
    })
    return phrases
  }

  /* Whether index word "word" answers query term "term" ({word, exact, alts}):
     the word the term starts (or is, where exact), or one its alternatives start
     (groupTerms) */
  function termMatches(term, word) {
    if (term.exact)
      return word === term.word
    if (word.lastIndexOf(term.word, 0) === 0)
      return true
    return (term.alts || []).some(function (alt) { return word.lastIndexOf(alt, 0) === 0 })
  }

  /* Whether the query (terms: [{word, exact, alts}]) names the entry: has every
     word of one of its phrases (termMatches). Such an entry's score is multiplied
     by PHRASE_BOOST: "number of parameters", an index term of the model summary,
     or "the learning rate", a section's title, typed among other words */
  function namedBy(phrases, terms) {
    return phrases.some(function (words) {
      return words.every(function (word) {
        return terms.some(function (term) { return termMatches(term, word) })
      })
    })
  }

  var MIN_TYPO = 5
  var LATIN = /^[a-z][a-z0-9_]*$/

  /* Whether a and b differ by one letter replaced, added or left out, or by
     two letters next to each other swapped ("checkpiont", "checkpoint") */
  function oneEditApart(a, b) {
    if (a === b || Math.abs(a.length - b.length) > 1)
      return false
    var i = 0
    while (i < a.length && i < b.length && a[i] === b[i])
      i++
    if (a.length === b.length)
      return a.slice(i + 1) === b.slice(i + 1) ||
        (a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2))
    return a.length < b.length
      ? a.slice(i) === b.slice(i + 1)
      : a.slice(i + 1) === b.slice(i)
  }

  /* The American spellings of a British one (or of the start of one, as the
     query side sends "normalis" for "normalised"): [] if it has none */
  var BRITISH = [
    [/is(ation|ations|e|es|ed|er|ers|ing)?$/, "iz$1"],
    [/ys(e|es|ed|er|ing)$/, "yz$1"],
    [/([a-z]{2})our(s|ed|ing|ful|less|ite|ites)?$/, "$1or$2"],
    [/([^aeiou])re(s|d)?$/, "$1er$2"],
    [/ogue(s)?$/, "og$1"],
    [/([aeiou][a-z]*[aeiou])ll(ed|ing|er|ers)?$/, "$1l$2"],
    [/ence$/, "ense"]
  ]
  function britishVariants(word) {
    var found = []
    BRITISH.forEach(function (rule) {
      var variant = word.replace(rule[0], rule[1])
      if (variant !== word && found.indexOf(variant) < 0)
        found.push(variant)
    })
    return found
  }

  /* The index word (or start of one) one letter away from "word", found in the
     most entries, or null. words: [index word, entries with it] pairs. A query
     word matches the index words it starts, so besides whole words (one letter
     replaced, added or left out) it is compared with the start of each index
     word as long as itself (one letter replaced: "derivitiv", the start the
     query side sends for "derivitives", finds "derivativ"). */
  function nearestWord(word, words) {
    if (word.length < MIN_TYPO)
      return null
    var best = null, bestCount = -1
    for (var i = 0; i < words.length; i++) {
      var candidate = words[i][0]
      for (var n = word.length - 1; n <= word.length + 1; n++) {
        if (candidate.length < n || (n < candidate.length && n !== word.length))
          continue
        var start = candidate.slice(0, n)
        if (oneEditApart(word, start) && words[i][1] > bestCount) {
          best = start
          bestCount = words[i][1]
        }
      }
    }
    return best
  }

  /* A learner's words for what the guide names otherwise, as the start the query
     side sends (wordStart), each with the guide's word: the same idea in a
     beginner's course ("cost" for the loss, "neuron" for a layer's node), not a
     related one ("error" stays: the guide's "mean squared error") */
  var SYNONYMS = Object.freeze({
    cost: "loss", neuron: "node", minibatch: "mini batch", minibatche: "mini batch"
  })

  /* The words searched beside a query word, or instead of it where it starts no
     index word (starts: whether it does): the guide's word for a learner's
     (SYNONYMS) and the American spelling of a British word
     (britishVariants) that starts index words. [] if none */
  function alternativesOf(word, starts) {
    var found = []
    if (SYNONYMS.hasOwnProperty(word))
      found.push(SYNONYMS[word])
    britishVariants(word).forEach(function (variant) {
      if (!found.length && starts(variant))
        found.push(variant)
    })
    return found
  }

  /* A rewritten query with its plain words that start no index word corrected,
     and the guide's words added beside a learner's (alternativesOf): a British
     spelling that an index term also spells ("optimiser") still finds every
     "optimizer". index.starts(word): whether the word starts an index word;
     index.words: [index word, entries with it] pairs */
  function correctQuery(query, index) {
    return String(query || "").split(/\s+/).filter(Boolean).map(function (clause) {
      var word = clause.toLowerCase()
      if (isSyntax(clause) || !LATIN.test(word))
        return clause
      var known = index.starts(word)
      var alternatives = alternativesOf(word, index.starts)
      if (alternatives.length)
        return (known ? [clause] : []).concat(alternatives).join(" ")
      if (known)
        return clause
      return nearestWord(word, index.words) || clause
    }).join(" ")
  }

  /* The query's terms ([{word, exact}]) with each learner's word and the guide's
     word correctQuery added beside it made one term ({word, exact, alts}): an
     entry that has either counts as having the term once, so a query with
     "optimiser" does not rank an entry with both spellings above one with the
     idea */
  function groupTerms(terms) {
    var grouped = []
    var merged = new Set()
    terms.forEach(function (term, i) {
      if (merged.has(i))
        return
      var alts = []
      if (!term.exact) {
        var others = alternativesOf(term.word, function () { return true })
        terms.forEach(function (other, j) {
          if (j !== i && !other.exact && !merged.has(j) && others.indexOf(other.word) >= 0) {
            alts.push(other.word)
            merged.add(j)
          }
        })
      }
      grouped.push(alts.length ? { word: term.word, exact: false, alts: alts } : term)
    })
    return grouped
  }

  /* The start every inflected form of an English word shares: "gradients" ->
     "gradient", "saving" -> "sav" (meets "save"), "accumulated" -> "accumulat",
     "losses" -> "loss", "probabilities" -> "probabilit", "randomly" -> "random",
     "numerically" -> "numeric" (an adverb of seven letters or more: "early",
     "apply" stay); a word that only ends like a verb's form stays ("string",
     not "str": NOT_VERBS) */
  var NOT_VERBS = new Set(["string", "thing", "something", "nothing", "anything",
    "everything", "spring", "bring", "during", "ceiling", "need", "speed", "seed",
    "embed", "feed", "bed", "red", "shed", "hundred"])

  function wordStart(word) {
    var lower = word.toLowerCase()
    if (!/^[a-z]+$/.test(lower) || lower.length < 4)
      return word
    var stem = lower
      .replace(/ies$/, "")
      .replace(/([sxz]|[cs]h)es$/, "$1")
      .replace(/([^su])s$/, "$1")
    if (stem === lower && lower.length >= 7 && /ly$/.test(lower))
      stem = lower.replace(/ically$/, "ic").replace(/ly$/, "")
    if (stem === lower && !NOT_VERBS.has(lower)) {
      var cut = lower.replace(/(?:ing|ed)$/, "")
      if (cut !== lower && cut.length >= 3 && /[aeiouy]/.test(cut))
        stem = /([^aeiouls])\1$/.test(cut) ? cut.slice(0, -1) : cut
    }
    return stem
  }

  var PRE = /<pre[\s>][\s\S]*?<\/pre>/gi
  var CODE_WEIGHT = 0.5

  /* The words of an HTML field, as the index's separator splits them, counted:
     a word of a code block or of a program's printed output (<pre>) counts
     CODE_WEIGHT of a word of prose, so that a section that prints
     "Linear(in_features=128, out_features=64)" three times does not outrank the
     one that explains in_features. Returns {counts: Map(word -> count), length} */
  function countWords(html, separator) {
    var counts = new Map()
    var length = 0
    function add(text, weight) {
      text.replace(TAG, " ").split(separator).forEach(function (word) {
        word = (word || "").trim().toLowerCase()
        if (!word)
          return
        counts.set(word, (counts.get(word) || 0) + weight)
        length += weight
      })
    }
    var text = String(html || "")
    var last = 0, match
    PRE.lastIndex = 0
    while ((match = PRE.exec(text)) !== null) {
      add(text.slice(last, match.index), 1)
      add(match[0], CODE_WEIGHT)
      last = PRE.lastIndex
    }
    add(text.slice(last), 1)
    return { counts: counts, length: length }
  }

  /* Korean noun suffixes that narrow a noun without changing what it names:
     "검증용" (for validation), "수치적" (numerical), "클래스별" (per class),
     "모듈들" (modules) */
  var NOUN_SUFFIX = /^([\uac00-\ud7a3]{2,})(용|적|별|들)$/

  /* The noun of a Korean query word that is a noun with such a suffix, where
     the noun is an index word (isTerm): the query side sends it, and Material's
     wildcard still finds the word as typed ("검증용" -> "검증*", which finds
     "검증" and "검증용"); any other word is returned as it is */
  function nounHead(word, isTerm) {
    var match = NOUN_SUFFIX.exec(word)
    return match && isTerm(match[1]) ? match[1] : word
  }

  var SHARE_POWER = 0.5

  /* The factor for an entry that has "found" of a query's "total" words: the
     square root of the share, so that a learner's word the guide does not use
     ("사용 가능한지" beside "cuda") costs less than the share itself, while an
     entry with every word still ranks first among equals */
  function coverage(found, total) {
    return total > 0 ? Math.pow(found / total, SHARE_POWER) : 0
  }

  var NEAR_BEST = 0.6
  var MAX_SHOWN = 3

  /* One page's results (best first, as the ranking worker sends them) with the
     sections that score at least NEAR_BEST of the best section's score raised
     to it, so that Material shows them (at most MAX_SHOWN, the best included) */
  function showNearBest(items) {
    var best = null, shown = 0
    return items.map(function (item) {
      if (String(item.location).indexOf("#") < 0)
        return item  /* the page itself: Material shows it anyway */
      if (best === null) {
        best = item.score
        shown = 1
        return item
      }
      if (best > 0 && shown < MAX_SHOWN && item.score >= NEAR_BEST * best) {
        shown++
        return Object.assign({}, item, { score: best })
      }
      return item
    })
  }

  /* Search result text without the zero-width spaces that segment the index */
  function withoutZeroWidth(text) {
    return typeof text === "string" ? text.replace(/[\u200b-\u200d\u2060\ufeff]/g, "") : text
  }

  var protocol = Object.freeze({
    MESSAGE: MESSAGE,
    MIN_TYPO: MIN_TYPO,
    STOP_WORDS: STOP_WORDS,
    PHRASE_BOOST: PHRASE_BOOST,
    phrasesOf: phrasesOf,
    namedBy: namedBy,
    termMatches: termMatches,
    SYNONYMS: SYNONYMS,
    alternativesOf: alternativesOf,
    groupTerms: groupTerms,
    CODE_WEIGHT: CODE_WEIGHT,
    NEAR_BEST: NEAR_BEST,
    MAX_SHOWN: MAX_SHOWN,
    exact: exact,
    part: part,
    isSyntax: isSyntax,
    exactWords: exactWords,
    oneEditApart: oneEditApart,
    britishVariants: britishVariants,
    nearestWord: nearestWord,
    correctQuery: correctQuery,
    wordStart: wordStart,
    nounHead: nounHead,
    coverage: coverage,
    countWords: countWords,
    showNearBest: showNearBest,
    withoutZeroWidth: withoutZeroWidth
  })

  root.nnguideSearch = protocol
  if (typeof module === "object" && module.exports)
    module.exports = protocol
})(typeof self !== "undefined" ? self : globalThis)
