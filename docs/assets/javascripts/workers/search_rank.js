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
 *   score = boost × share × Σ_t idf(t) × (k1 + 1) tf / (k1 + tf)
 *   tf    = w_title × n_title(t) / norm_title + n_text(t) / norm_text
 *   norm  = 1 − b + b × length / average length   (of that field)
 *
 * with lunr's own k1 = 1.2 and b = 0.75, w_title the index's title boost
 * (config.fields.title.boost), share the part of the query's words the entry
 * contains, and boost the entry's weight in the index (a page's top entry and
 * the sections every lesson repeats weigh less, tools/search.py). A query word
 * matches the index words it starts (Material adds a trailing wildcard), or
 * only itself where search_query.js marks it as a whole word: the namespace of
 * a dotted name ("nn^1 module") and the parts of a code name, which are
 * required ("+num* +py*" for "numpy": the "py" of "NumPy" is not the start of
 * "PyTorch"). The results are then grouped by page again, best first.
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
  var TAG = /<[^>]*>/g
  var post = self.postMessage.bind(self)

  var index = null    /* the documents' words, set up from the SETUP message */
  var query = ""      /* the query being answered */

  /* The words of an HTML field, as the index splits them, counted */
  function words(html, separator) {
    var counts = new Map()
    var length = 0
    String(html || "").replace(TAG, " ").split(separator).forEach(function (word) {
      word = word.trim().toLowerCase()
      if (!word)
        return
      counts.set(word, (counts.get(word) || 0) + 1)
      length++
    })
    return { counts: counts, length: length }
  }

  function setup(data) {
    var separator = new RegExp(data.config.separator)
    var fields = data.config.fields || {}
    var docs = new Map()
    var vocabulary = new Map()  /* word -> the numbers of the entries that have it */
    var titles = 0, texts = 0
    data.docs.forEach(function (doc, number) {
      var entry = {
        title: words(doc.title, separator),
        text: words(doc.text, separator),
        boost: typeof doc.boost === "number" ? doc.boost : 1
      }
      docs.set(doc.location, entry)
      titles += entry.title.length
      texts += entry.text.length
      var seen = new Set(entry.title.counts.keys())
      entry.text.counts.forEach(function (_, word) { seen.add(word) })
      seen.forEach(function (word) {
        if (!vocabulary.has(word))
          vocabulary.set(word, [])
        vocabulary.get(word).push(number)
      })
    })
    var count = Math.max(docs.size, 1)
    index = {
      docs: docs,
      vocabulary: vocabulary,
      count: docs.size,
      titleBoost: (fields.title && fields.title.boost) || 1,
      averageTitle: titles / count || 1,
      averageText: texts / count || 1,
      idf: new Map()
    }
  }

  /* Whether index word "word" answers query word "term" */
  function matches(term, word) {
    return term.exact ? word === term.word : word.lastIndexOf(term.word, 0) === 0
  }

  /* lunr's idf, of the entries with a word the term matches */
  function idf(term) {
    var key = term.word + (term.exact ? "^" : "*")
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
    return Object.keys(item.terms || {}).map(function (word) {
      return { word: word.toLowerCase(), exact: exact.has(word.toLowerCase()) }
    })
  }

  function score(item, terms) {
    var doc = index.docs.get(item.location)
    if (!doc || !terms.length)
      return 0
    var titleNorm = 1 - B + B * doc.title.length / index.averageTitle
    var textNorm = 1 - B + B * doc.text.length / index.averageText
    var total = 0, found = 0
    terms.forEach(function (term) {
      var inTitle = occurrences(term, doc.title)
      var inText = occurrences(term, doc.text)
      if (!inTitle && !inText)
        return
      found++
      var tf = index.titleBoost * inTitle / titleNorm + inText / textNorm
      total += idf(term) * (K1 + 1) * tf / (K1 + tf)
    })
    return doc.boost * (found / terms.length) * total
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
      return Object.assign({}, item, { score: score(item, terms || []) })
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
    return Object.assign({}, result, { items: Array.from(pages.values()) })
  }

  /* Registered before Material's worker: sees each message before it does */
  self.addEventListener("message", function (event) {
    var message = event.data
    if (!message)
      return
    if (message.type === SETUP && message.data && Array.isArray(message.data.docs))
      setup(message.data)
    else if (message.type === QUERY && typeof message.data === "string")
      query = message.data
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
