/*
 * Material's search worker, with its results ranked by BM25F.
 *
 * lunr finds the entries that contain a query word, but it ranks them by the
 * cosine of an entry's vector and the query's: the entry's vector is divided by
 * its length over all its words, so a section full of code names, or one that
 * explains a word ten times among many others, ranks below a short entry that
 * mentions it once. Material then multiplies each score by 1 + b², where b is
 * the share of the query's words the entry has, plus 1 for a page's top entry,
 * and shows a page's sections only when they score at least as high as the
 * page's best entry: the page's introduction, which names everything the page
 * covers, hides the section that answers.
 *
 * Here every entry lunr found is scored again, from the index itself:
 *
 *   score = boost × named × √share × Σ_t idf(t) × (k1 + 1) tf / (k1 + tf)
 *   tf    = Σ_f w_f × n_f(t) / norm_f   (f: title, text, keywords, stems)
 *   n_f   = the word's count in the field, a word of a code block or of printed
 *           output counting half (protocol.countWords)
 *   norm  = 1 − b + b × length / average length   (of that field)
 *
 * with lunr's own k1 = 1.2 and b = 0.75, w_f the index's boost of the field
 * (config.fields.<f>.boost: the title's, 1 for the text, and the keywords' that
 * hold the index terms authors marked, tools/index_terms.py, less the words
 * of the entry's title: other names, not the title's words again; and of a Korean
 * entry, the stems of its verbs, tools/search.py), share the part
 * of the query's words the entry contains (its square root, protocol.coverage:
 * a learner's words are often not the guide's), named 2 where the query has
 * every word of the entry's title or of one of its index terms, of two words or
 * more (protocol.namedBy), 1 otherwise, and boost the entry's weight in the index (a page's top entry and
 * the sections every lesson repeats weigh less, tools/search.py). A query word
 * matches the index words it starts (Material adds a trailing wildcard), or
 * only itself where search_query.js marks it as a whole word: the namespace of
 * a dotted name ("nn^1 module") and the parts of a code name, which are
 * required ("+num* +py*" for "numpy": the "py" of "NumPy" is not the start of
 * "PyTorch"). The results are then grouped by page again, best first, and a
 * section that scores nearly as high as its page's best is shown beside it
 * (protocol.showNearBest: Material would hide it under "more").
 *
 * Before Material's worker reads a query, a plain word that starts no index
 * word is corrected (protocol.correctQuery: a British spelling, or one letter
 * wrong, missing or extra), in the message Material then reads. The results'
 * titles and texts lose the zero-width spaces that segment the Korean index
 * (tools/search.py), so no snippet carries them.
 *
 * The worker is Material's own (its file name is given by overrides/main.html
 * as this script's "material" parameter); this script reads its setup and query
 * messages ({type: 0, data: {config, docs}} and {type: 2, data: query},
 * Material's SearchMessageType.SETUP and QUERY) and changes only its result
 * messages ({type: 3, data: {items}}, RESULT). The message types and the marks
 * of whole words in a query are search_protocol.js's, shared with search_query.js.
 */
(function () {
  "use strict"

  importScripts("../search_protocol.js")  /* relative to this script: self.nnguideSearch */
  var protocol = self.nnguideSearch
  var SETUP = protocol.MESSAGE.SETUP
  var QUERY = protocol.MESSAGE.QUERY
  var RESULT = protocol.MESSAGE.RESULT
  var K1 = 1.2
  var B = 0.75
  var post = self.postMessage.bind(self)

  var FIELDS = ["title", "text", "keywords", "stems"]
  var index = null    /* the documents' words, set up from the SETUP message */
  var query = ""      /* the query being answered */

  function setup(data) {
    var separator = new RegExp(data.config.separator)
    var fields = data.config.fields || {}
    var docs = new Map()
    var vocabulary = new Map()  /* word -> the numbers of the entries that have it */
    var lengths = {}
    FIELDS.forEach(function (field) { lengths[field] = 0 })
    data.docs.forEach(function (doc, number) {
      var entry = { boost: typeof doc.boost === "number" ? doc.boost : 1 }
      var seen = new Set()
      FIELDS.forEach(function (field) {
        entry[field] = protocol.countWords(doc[field], separator)
        if (field === "keywords")  /* other names: a word of the title counts once */
          entry.title.counts.forEach(function (_, word) {
            entry.keywords.length -= entry.keywords.counts.get(word) || 0
            entry.keywords.counts.delete(word)
          })
        lengths[field] += entry[field].length
        entry[field].counts.forEach(function (_, word) { seen.add(word) })
      })
      entry.phrases = protocol.phrasesOf(doc.title, doc.keywords, separator)
      docs.set(doc.location, entry)
      seen.forEach(function (word) {
        if (!vocabulary.has(word))
          vocabulary.set(word, [])
        vocabulary.get(word).push(number)
      })
    })
    var count = Math.max(docs.size, 1)
    var sorted = Array.from(vocabulary.keys()).sort()
    index = {
      docs: docs,
      vocabulary: vocabulary,
      count: docs.size,
      boost: {},
      average: {},
      idf: new Map(),
      /* for protocol.correctQuery: whether a word starts an index word, and the words */
      starts: function (word) {
        var low = 0, high = sorted.length
        while (low < high) {
          var middle = (low + high) >> 1
          if (sorted[middle] < word) low = middle + 1
          else high = middle
        }
        return low < sorted.length && sorted[low].lastIndexOf(word, 0) === 0
      },
      words: sorted.map(function (word) { return [word, vocabulary.get(word).length] })
    }
    FIELDS.forEach(function (field) {
      index.boost[field] = field === "text" ? 1 : (fields[field] && fields[field].boost) || 1
      index.average[field] = lengths[field] / count || 1
    })
  }

  /* Whether index word "word" answers query term "term" */
  var matches = protocol.termMatches

  /* lunr's idf, of the entries with a word the term matches */
  function idf(term) {
    var key = [term.word].concat(term.alts || []).join("|") + (term.exact ? "^" : "*")
    if (!index.idf.has(key)) {
      var found = new Set()
      index.vocabulary.forEach(function (entries, word) {
        if (matches(term, word))
          entries.forEach(function (number) { found.add(number) })
      })
      var ratio = (index.count - found.size + 0.5) / (found.size + 0.5)
      index.idf.set(key, Math.log(1 + Math.abs(ratio)))
    }
    return index.idf.get(key)
  }

  function occurrences(term, field) {
    var total = 0
    field.counts.forEach(function (count, word) {
      if (matches(term, word))
        total += count
    })
    return total
  }

  /* The query's words (Material's result lists them as each entry's "terms") */
  function termsOf(item) {
    var exact = protocol.exactWords(query)
    return protocol.groupTerms(Object.keys(item.terms || {}).map(function (word) {
      return { word: word.toLowerCase(), exact: exact.has(word.toLowerCase()) }
    }))
  }

  function score(item, terms) {
    var doc = index.docs.get(item.location)
    if (!doc || !terms.length)
      return 0
    var total = 0, found = 0
    terms.forEach(function (term) {
      var tf = 0
      FIELDS.forEach(function (field) {
        var n = occurrences(term, doc[field])
        if (n)
          tf += index.boost[field] * n /
            (1 - B + B * doc[field].length / index.average[field])
      })
      if (!tf)
        return
      found++
      total += idf(term) * (K1 + 1) * tf / (K1 + tf)
    })
    var named = protocol.namedBy(doc.phrases, terms) ? protocol.PHRASE_BOOST : 1
    return doc.boost * named * protocol.coverage(found, terms.length) * total
  }

  function rank(result) {
    var items = []
    var terms = null
    result.items.forEach(function (group) {
      group.forEach(function (item) {
        if (terms === null && item.terms && Object.keys(item.terms).length)
          terms = termsOf(item)
        items.push(item)
      })
    })
    items = items.map(function (item) {
      return Object.assign({}, item, {
        title: protocol.withoutZeroWidth(item.title),
        text: protocol.withoutZeroWidth(item.text),
        score: score(item, terms || [])
      })
    })
    items.sort(function (a, b) {
      return b.score - a.score
    })
    var pages = new Map()
    items.forEach(function (item) {
      var page = item.location.split("#")[0]
      if (!pages.has(page))
        pages.set(page, [])
      pages.get(page).push(item)
    })
    return Object.assign({}, result, {
      items: Array.from(pages.values()).map(protocol.showNearBest)
    })
  }

  /* Registered before Material's worker: sees each message before it does */
  self.addEventListener("message", function (event) {
    var message = event.data
    if (!message)
      return
    if (message.type === SETUP && message.data && Array.isArray(message.data.docs))
      setup(message.data)
    else if (message.type === QUERY && typeof message.data === "string") {
      /* Material's own listener, next, reads the same message: corrected here */
      if (index)
        message.data = protocol.correctQuery(message.data, index)
      query = message.data
    }
  })

  self.postMessage = function (message) {
    if (index && message && message.type === RESULT && message.data &&
        Array.isArray(message.data.items))
      message = { type: RESULT, data: rank(message.data) }
    return post.apply(self, [message].concat(Array.prototype.slice.call(arguments, 1)))
  }

  var material = new URL(self.location.href).searchParams.get("material")
  if (!material || !/^[\w.-]+\.js$/.test(material))
    throw new Error("search_rank.js: no valid 'material' worker parameter: " + material)
  importScripts(material)
})()
