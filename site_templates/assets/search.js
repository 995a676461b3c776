/* Search without diacritics, in the search box of Material for MkDocs.

   Loaded by overrides/main.html right after Material's configuration and before Material's
   bundle, so it can:
   1. point Material's search at assets/search-worker.js, which loads Material's own worker and
      folds diacritics in both the index and the query ("chieng co" finds "Chiềng Cọ",
      "dang vien" finds "đảng viên"); the search box, result list and keyboard use stay Material's;
   2. give the search dialog an accessible name;
   3. after a result is opened (?h=words, Material's search.highlight), also mark the words on
      the page that match only once diacritics are folded; Material marks the exact ones.
   Without this script (or without workers) the site's search works as Material ships it. */
(function () {
  "use strict";

  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }

  /* 1. The worker. */
  var script = document.currentScript;
  var configElement = document.getElementById("__config");
  if (script && configElement && window.Worker && String.prototype.normalize) {
    try {
      var config = JSON.parse(configElement.textContent);
      if (config.search) {
        var worker = new URL("search-worker.js", script.src);
        worker.searchParams.set("material", new URL(config.search, window.location.href).pathname);
        config.search = worker.pathname + worker.search;
        configElement.textContent = JSON.stringify(config);
      }
    } catch (err) {
      /* leave Material's configuration as it was */
    }
  }

  /* 2. The search dialog's name: the search field's own label ("Tìm kiếm"). */
  var dialog = document.querySelector(".md-search[role=dialog]");
  var input = document.querySelector(".md-search__input");
  if (dialog && !dialog.hasAttribute("aria-label") && !dialog.hasAttribute("aria-labelledby")) {
    dialog.setAttribute("aria-label", (input && input.getAttribute("aria-label")) || "Search");
  }

  /* 3. Folded highlighting of the words searched for. */
  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function highlightFolded(root, words) {
    var terms = words.map(fold).filter(function (w) { return w.length > 1; }).map(escapeRegExp);
    if (!terms.length) return;
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        return node.parentElement.closest("mark, script, style, .headerlink")
          ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    nodes.forEach(function (node) {
      var text = node.data, folded = "", origin = [];
      for (var i = 0; i < text.length; i++) {
        var f = fold(text[i]);
        for (var k = 0; k < f.length; k++) { folded += f[k]; origin.push(i); }
      }
      var match, last = 0, parts = [];
      var pattern = new RegExp("(^|[^a-z0-9])(" + terms.join("|") + ")", "g");
      while ((match = pattern.exec(folded)) !== null) {
        var start = match.index + match[1].length, end = start + match[2].length;
        var from = origin[start], to = origin[end - 1] + 1;
        while (to < text.length && /[\u0300-\u036f]/.test(text[to])) to++;
        var original = text.slice(from, to);
        if (original.toLowerCase() === match[2] || from < last) continue; /* Material marks these */
        parts.push(document.createTextNode(text.slice(last, from)));
        var mark = document.createElement("mark");
        mark.setAttribute("data-md-highlight", "");
        mark.textContent = original;
        parts.push(mark);
        last = to;
      }
      if (!parts.length) return;
      parts.push(document.createTextNode(text.slice(last)));
      node.replaceWith.apply(node, parts);
    });
  }

  function init() {
    var words = new URLSearchParams(window.location.search).get("h");
    var root = document.querySelector(".md-content article") || document.querySelector(".md-content");
    if (words && root) highlightFolded(root, words.split(/[\s*+\-:~^]+/).filter(Boolean));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
