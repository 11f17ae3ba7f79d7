/*
 * Material's search worker, with its results ranked by how many of the query's
 * words each entry contains.
 *
 * lunr scores an entry by the cosine of its words and the query's, so a short
 * entry that has one query word often outranks the section that has them all.
 * Material then multiplies each score by 1 + b², where b is the share of the
 * query's words the entry has, plus 1 for a page's top entry: a page's
 * introduction, which names everything the page covers, outranks the section
 * that answers, and Material shows a page's sections only when they score at
 * least as high as the page's best entry. Here each score is divided by
 * Material's factor again and multiplied by that share instead, for pages and
 * sections alike (a page's top entry already weighs less in the index,
 * tools/search.py); the results are then grouped by page again, best first.
 *
 * The worker is Material's own (its file name is given by overrides/main.html
 * as this script's "material" parameter); only its result messages
 * ({type: 3, data: {items}}, Material's SearchMessageType.RESULT) are changed.
 */
(function () {
  "use strict"

  var RESULT = 3
  var post = self.postMessage.bind(self)

  /* The share of the query's words an entry contains */
  function share(item) {
    var words = Object.keys(item.terms || {})
    if (!words.length)
      return 0
    return words.filter(function (word) {
      return item.terms[word]
    }).length / words.length
  }

  function rank(result) {
    var items = []
    result.items.forEach(function (group) {
      group.forEach(function (item) {
        var found = share(item)
        var boost = (item.location.indexOf("#") < 0 ? 1 : 0) + found
        var score = item.score / (1 + boost * boost) * found
        items.push(Object.assign({}, item, { score: score }))
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
    return Object.assign({}, result, { items: Array.from(pages.values()) })
  }

  self.postMessage = function (message) {
    if (message && message.type === RESULT && message.data &&
        Array.isArray(message.data.items))
      message = { type: RESULT, data: rank(message.data) }
    return post.apply(self, [message].concat(Array.prototype.slice.call(arguments, 1)))
  }

  var material = new URL(self.location.href).searchParams.get("material")
  if (!material || !/^[\w.-]+\.js$/.test(material))
    throw new Error("search_rank.js: no valid 'material' worker parameter: " + material)
  importScripts(material)
})()
