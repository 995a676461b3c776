/* Search without diacritics: a thin wrapper around Material for MkDocs' own search worker.

   Material's search runs in a web worker that builds a lunr index from search/search_index.json
   (with lunr-languages' Vietnamese pipeline). Lunr does not fold diacritics, so "chieng co" does
   not find "Chiềng Cọ". assets/search.js points Material at this worker instead, passing the
   address of Material's own worker (?material=...), which we load here unchanged and teach to fold:

   - every indexed word goes through one more pipeline function, `fold` (NFD, strip the combining
     marks U+0300-U+036F, đ → d, lowercase). Lunr keeps each token's position metadata, so
     Material still highlights the original, accented words in its result list;
   - every query is folded before Material's handler sees it, so a query typed with or without
     diacritics (or with only some of them) matches the same words;
   - folding makes short prefixes ambiguous ("co*" is cọ, có, cơ, cơi, công...), so each plain word
     of a query is also asked for as a whole word with a boost ("co" -> "co^100 co"): the pages
     with the very words rank first, the prefix matches follow;
   - pages that hold the whole query as a phrase ("Chiềng Cọ" for "chieng co") are moved to the
     top of Material's results, with a score to match (Enter opens the first result);
   - lunr-languages' Vietnamese support leaves lunr's English stemmer in the query pipeline while
     the index is not stemmed ("ky" was looked up as "ki"): it is taken out.

   Results, ranking, suggestions, keyboard navigation and the result list's markup stay
   Material's. No request leaves the site: the scripts loaded here are the site's own. */
"use strict";

(function () {
  var QUERY = 2; /* Material's SearchMessageType.QUERY */
  var RESULT = 3; /* Material's SearchMessageType.RESULT */
  var folding = false; /* set once the index folds too */
  var phrases = []; /* the folded phrase of each query sent to Material's handler, in order */

  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }

  /* Material's worker, from the same site only. */
  var material = new URL(new URL(self.location.href).searchParams.get("material") || "", self.location.href);
  if (material.origin !== self.location.origin || !/\.js$/.test(material.pathname)) {
    throw new Error("search-worker.js: ?material= must name the site's own search worker");
  }

  /* Material loads the language support relative to its own address ("../lunr/..."). */
  var importNative = self.importScripts.bind(self);
  self.importScripts = function () {
    var urls = Array.prototype.map.call(arguments, function (url) {
      return new URL(url, material.href).href;
    });
    return importNative.apply(self, urls);
  };

  /* Each plain word also as a whole word, boosted; words with lunr's query syntax are left alone. */
  function boostWholeWords(query) {
    return query.split(/(\s+)/).map(function (word) {
      return /^[a-z0-9]+$/.test(word) ? word + "^100 " + word : word;
    }).join("");
  }

  /* Groups of results (a page and its sections) that contain the phrase come first. */
  function plain(html) {
    return fold(String(html || "").replace(/<[^>]*>/g, " ")).replace(/\s+/g, " ");
  }
  function promotePhrase(items, phrase) {
    if (!Array.isArray(items) || !items.length || phrase.indexOf(" ") === -1) return 0;
    var top = 0;
    items.forEach(function (group) {
      group.forEach(function (item) { top = Math.max(top, item.score || 0); });
    });
    /* The phrase as whole words ranks above the phrase ending in a longer word ("chieng coi"). */
    var whole = new RegExp("(^|[^a-z0-9])" + phrase + "($|[^a-z0-9])");
    var start = new RegExp("(^|[^a-z0-9])" + phrase);
    function tierOf(text, high) {
      return whole.test(text) ? high + 2 : start.test(text) ? high : 0;
    }
    var ranked = items.map(function (group, index) {
      var tier = 0;
      group.forEach(function (item) {
        tier = Math.max(tier, tierOf(plain(item.title), 2), tierOf(plain(item.text), 1));
      });
      if (tier) group.forEach(function (item) { item.score = (item.score || 0) + tier * (top + 1); });
      return { group: group, tier: tier, index: index };
    });
    ranked.sort(function (a, b) { return b.tier - a.tier || a.index - b.index; });
    ranked.forEach(function (entry, i) { items[i] = entry.group; });
    return ranked[0].tier;
  }
  var postNative = self.postMessage.bind(self);
  self.postMessage = function (message) {
    if (message && message.type === RESULT && phrases.length) {
      var phrase = phrases.shift();
      try {
        /* the phrase was found as typed: no completion of its last word ("co" -> "coi") */
        if (promotePhrase(message.data && message.data.items, phrase) >= 3) message.data.suggest = [];
      } catch (err) { /* keep Material's order */ }
    }
    return postNative.apply(self, arguments);
  };

  /* Registered before Material's own listener, so it runs first on the same message. */
  self.addEventListener("message", function (ev) {
    var message = ev.data;
    if (folding && message && message.type === QUERY && typeof message.data === "string") {
      var folded = fold(message.data);
      phrases.push(folded.split(/\s+/).filter(function (w) { return /^[a-z0-9]+$/.test(w); }).join(" "));
      message.data = boostWholeWords(folded);
    }
  });

  importNative(material.href);

  var lunr = self.lunr;
  if (!lunr || !lunr.Builder || !lunr.Pipeline) return; /* unknown Material version: plain search */

  function foldToken(token) {
    var folded = fold(token.toString());
    return folded ? token.update(function () { return folded; }) : null;
  }
  lunr.Pipeline.registerFunction(foldToken, "foldDiacritics");

  /* Last in both pipelines, after the (accented) stop word filter. Material sets the pipelines
     up inside lunr(function () {...}) and then adds the documents: add() is the first moment the
     pipelines are final. */
  function ensureLast(pipeline) {
    if (pipeline._stack.indexOf(foldToken) === -1) pipeline.add(foldToken);
  }
  var add = lunr.Builder.prototype.add;
  lunr.Builder.prototype.add = function () {
    ensureLast(this.pipeline);
    ensureLast(this.searchPipeline);
    if (this.pipeline._stack.indexOf(lunr.stemmer) === -1) this.searchPipeline.remove(lunr.stemmer);
    return add.apply(this, arguments);
  };
  folding = true;
})();
