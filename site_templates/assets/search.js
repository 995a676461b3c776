/* The site's search box, over the Pagefind index (pagefind/, made from the built pages).

   - The box (partials/site-search.html) is hidden until this script runs, then moved into the
     header; "/" or the magnifier opens it in a dialog (Esc closes it, focus returns).
   - Pagefind fetches only the index chunks and page fragments a query needs. A site with units
     has one index per shard (search_index.py), merged here: one search covers them all.
   - Pagefind folds accents (ọ → o) but not đ → d: each word with a "d" is also searched with
     "đ" ("dang vien" finds "đảng viên"), and the answers are merged.
   - Ranking: a page with the words as a phrase comes first, then pages with every word whole,
     then pages that only have words starting so ("Chiềng Cọ" before "Chiềng Cơi"); Pagefind's
     score orders each tier. All from the index (Pagefind's exact "…" searches, no extra
     download); a result's fragment (title, excerpt) is fetched only when it is shown, and among
     the results shown together those whose title has the words come first. The phrase's results
     are shown as soon as they are ranked, the count and the other results once the engine has
     ranked every page with words that begin so.
   - Keyboard: ↓/↑ move through the results, Enter opens the first one. Results are links.
   - The page a result opens marks the words searched for (?h=…), accents folded. */
(function () {
  "use strict";

  var PAGE = 10, MAX_VARIANTS = 8, EXCERPT_WORDS = 22;  /* words in a result's excerpt, Pagefind's and ours */

  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
  }

  function words(text) {
    return fold(text).split(/[^a-z0-9]+/).filter(Boolean);
  }

  /* 1. The words searched for, marked on the page a result opened. */
  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  /* The words searched for, marked where they begin a word, accents folded. A query of several words
     whose phrase is on the page marks the phrase only: "chieng co" marks "Chiềng Cọ", not every
     "Cơ quan" (Cơ and Cọ fold alike). */
  function highlight(root, wanted) {
    var terms = wanted.map(fold).filter(function (w) { return w.length > 1; }).map(escapeRegExp);
    if (!terms.length) return;
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        return node.parentElement.closest("mark, script, style, .headerlink")
          ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    var texts = nodes.map(function (node) { return foldedWithOrigin(node.data); });
    var words = new RegExp("(^|[^a-z0-9])(" + terms.join("|") + ")", "g");
    var phrase = terms.length > 1 ? new RegExp("(^|[^a-z0-9])(" + terms.join("\\s+") + ")(?![a-z0-9])", "g") : null;
    var pattern = phrase && texts.some(function (t) { phrase.lastIndex = 0; return phrase.test(t.folded); }) ? phrase : words;
    nodes.forEach(function (node, n) {
      var text = node.data, folded = texts[n].folded, origin = texts[n].origin;
      var match, last = 0, parts = [];
      pattern.lastIndex = 0;
      while ((match = pattern.exec(folded)) !== null) {
        var start = match.index + match[1].length, end = start + match[2].length;
        var from = origin[start], to = origin[end - 1] + 1;
        while (to < text.length && /[\u0300-\u036f]/.test(text[to])) to++;
        if (from < last) continue;
        parts.push(document.createTextNode(text.slice(last, from)));
        var mark = document.createElement("mark");
        mark.className = "search-hit";
        mark.textContent = text.slice(from, to);
        parts.push(mark);
        last = to;
      }
      if (!parts.length) return;
      parts.push(document.createTextNode(text.slice(last)));
      node.replaceWith.apply(node, parts);
    });
  }

  /* A text's letters folded, and for each folded letter the index of the letter it came from. */
  function foldedWithOrigin(text) {
    var folded = "", origin = [];
    for (var i = 0; i < text.length; i++) {
      var f = fold(text[i]);
      for (var k = 0; k < f.length; k++) { folded += f[k]; origin.push(i); }
    }
    return {folded: folded, origin: origin};
  }

  function highlightFromAddress() {
    var wanted = new URLSearchParams(window.location.search).get("h");
    var article = document.querySelector("[data-pagefind-body]") || document.querySelector("article");
    if (wanted && article) highlight(article, wanted.split(/\s+/).filter(Boolean));
  }

  /* 2. Queries: the đ forms of the words, merged answers, ranked by whole words and phrases. */
  function variants(query) {
    var lists = query.trim().split(/\s+/).filter(Boolean).slice(0, 10).map(function (word) {
      var forms = [word], at = [];
      for (var i = 0; i < word.length && at.length < 2; i++) if (word[i] === "d" || word[i] === "D") at.push(i);
      for (var mask = 1; mask < (1 << at.length); mask++) {
        var chars = word.split("");
        at.forEach(function (pos, bit) { if (mask & (1 << bit)) chars[pos] = chars[pos] === "D" ? "Đ" : "đ"; });
        forms.push(chars.join(""));
      }
      return forms;
    });
    var out = [""];
    lists.forEach(function (forms) {
      var next = [];
      out.forEach(function (head) {
        forms.forEach(function (form) { if (next.length < MAX_VARIANTS) next.push(head ? head + " " + form : form); });
      });
      out = next;
    });
    return out.filter(Boolean);
  }

  /* The forms of each word (its đ forms), as variants() makes them, one list per word. */
  function wordForms(query) {
    return query.trim().split(/\s+/).filter(Boolean).slice(0, 10).map(function (word) {
      return variants(word);
    });
  }

  function ids(answer) {
    var out = {};
    (answer && answer.results || []).forEach(function (r) { out[r.id] = true; });
    return out;
  }

  /* Ranked from the index alone, with no page fragment fetched: Pagefind finds words by their
     beginnings ("co" finds "cọ", "cơ" and "công"); a query in quotes finds only whole words, next
     to each other. Tier 2: the words as a phrase; 1: every word whole; 0: the rest. Pagefind's
     score orders each tier (the phrase's own score for tier 2, not the score the words' beginnings
     add up to). Fragments (title, excerpt) are fetched only for the results shown.
     The phrase is asked for first and its results handed to ``early`` (which shows the first page of
     them) before the loose search is asked for: Pagefind's worker answers in turn, and the loose search
     ranks every page with a word that begins so ("co": a tenth of the index), which is what a reader
     waited for. The loose search then gives the count and the rest.
     The whole-word searches (one per word) run only once the phrase results are used up. */
  function search(pagefind, query, early) {
    query = query.replace(/"/g, " ");
    var loose = variants(query), forms = wordForms(query), single = forms.length < 2;
    function order(a, b) { return b.tier - a.tier || b.result.score - a.result.score; }
    function best(answers) {
      var out = {};
      answers.forEach(function (answer) {
        (answer && answer.results || []).forEach(function (r) {
          if (!out[r.id] || out[r.id].score < r.score) out[r.id] = r;
        });
      });
      return out;
    }
    return Promise.all(loose.map(function (q) { return pagefind.search("\"" + q + "\""); })).then(function (answers) {
      var phrase = best(answers);
      /* own: the excerpt is made here (ownExcerpt), a phrase result carrying no word positions */
      var top = Object.keys(phrase).map(function (id) {
        return {result: phrase[id], data: null, tier: single ? 1 : 2, own: true};
      }).sort(order);
      return Promise.resolve(top.length ? early(top) : null).then(function () {
        return Promise.all(loose.map(function (q) { return pagefind.search(q); }));
      }).then(function (got) {
        var all = best(got);
        var others = Object.keys(all).filter(function (id) { return !phrase[id]; }).map(function (id) {
          return {result: all[id], data: null, tier: 0};
        }).sort(order);
        var rest = null;
        function tiers() {
          /* The others: every word whole (tier 1) before words only begun (0). One word: done. */
          if (!rest) {
            rest = single ? Promise.resolve(others) : Promise.all(forms.map(function (list) {
              return Promise.all(list.map(function (form) { return pagefind.search("\"" + form + "\""); }));
            })).then(function (answers) {
              var each = answers.map(function (list) {
                var any = {};
                list.forEach(function (answer) { Object.assign(any, ids(answer)); });
                return any;
              });
              others.forEach(function (e) { e.tier = each.every(function (any) { return any[e.result.id]; }) ? 1 : 0; });
              return others.sort(order);
            });
          }
          return rest;
        }
        return {top: top, count: top.length + others.length, rest: tiers};
      });
    });
  }

  /* The excerpt of a phrase (or whole-word) result, made from its page's text: the words where they
     first stand together (accents folded), or failing that where one of them first begins a word, with
     the words around them (as many as Pagefind's excerpts), each place they appear in it marked. */
  function ownExcerpt(content, query) {
    var text = String(content || ""), out = document.createDocumentFragment();
    /* NFC text folds letter for letter (ọ → o): positions then carry over as they are */
    var folded = fold(text), f = folded.length === text.length ? null : foldedWithOrigin(text);
    var hay = f ? f.folded : folded;
    function origin(i) { return f ? f.origin[i] : i; }
    var terms = words(query).map(escapeRegExp);
    var phrase = new RegExp("(^|[^a-z0-9])(" + terms.join("[^a-z0-9]+") + ")(?![a-z0-9])", "g");
    var pattern = phrase.test(hay) ? phrase : new RegExp("(^|[^a-z0-9])(" + terms.join("|") + ")", "g");
    pattern.lastIndex = 0;
    var first = terms.length ? pattern.exec(hay) : null;
    var at = first ? origin(first.index + first[1].length) : 0;
    var before = Math.floor(EXCERPT_WORDS / 3), after = EXCERPT_WORDS - before - 1;  /* 7 words, then 14 */
    var from = at - text.slice(Math.max(0, at - 200), at).match(new RegExp("(?:\\S*\\s+){0," + before + "}\\S*$"))[0].length;
    var to = at + text.slice(at, at + 400).match(new RegExp("^\\S*(?:\\s+\\S+){0," + after + "}"))[0].length;
    var last = from, match;
    pattern.lastIndex = 0;
    while (first && (match = pattern.exec(hay)) !== null) {
      var start = origin(match.index + match[1].length), end = origin(match.index + match[0].length - 1) + 1;
      while (end < text.length && /[\u0300-\u036f]/.test(text[end])) end++;
      if (start < last) continue;
      if (end > to) break;
      var mark = document.createElement("mark");
      mark.textContent = text.slice(start, end);
      out.appendChild(document.createTextNode(text.slice(last, start)));
      out.appendChild(mark);
      last = end;
    }
    out.appendChild(document.createTextNode(text.slice(last, to)));
    return out;
  }

  /* A result's fragment (its title, address and excerpt), asked for once. */
  function fetchData(entry) {
    if (!entry.loading) {
      entry.loading = entry.result.data().then(function (d) { entry.data = d; return entry; });
    }
    return entry.loading;
  }

  /* Within the results shown together: first the home of a register whose name has the words as written
     (accents folded, in order: "chieng co" opens with the commune's own page), then a page whose title has
     them (the task named so), then the pages that only mention them. Names and titles come with the
     fragments fetched for showing, so this costs no download. */
  function titledFirst(entries, query) {
    var wanted = " " + words(query).join(" ") + " ";
    function has(text) {
      return (" " + words(text || "").join(" ") + " ").indexOf(wanted) !== -1;
    }
    function rank(e) {
      var meta = e.data && e.data.meta || {};
      return meta.home && has(meta.unit) ? 0 : has(meta.title) ? 1 : 2;
    }
    return entries.map(function (e, i) { return {e: e, i: i, t: rank(e)}; })
      .sort(function (a, b) { return a.t - b.t || a.i - b.i; })
      .map(function (x) { return x.e; });
  }

  /* 3. The box. */
  function excerpt(html) {
    /* Pagefind's excerpt is text with <mark>s: keep exactly that, as nodes, nothing else. */
    var template = document.createElement("template");
    template.innerHTML = html;
    var out = document.createDocumentFragment();
    Array.prototype.forEach.call(template.content.childNodes, function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.appendChild(mark);
      } else {
        out.appendChild(document.createTextNode(node.textContent));
      }
    });
    return out;
  }

  function setUp(box) {
    var header = document.querySelector("[data-md-component=header] nav") || document.querySelector("header nav");
    var dialog = box.querySelector("dialog"), input = box.querySelector("input");
    var status = box.querySelector(".site-search__status"), list = box.querySelector(".site-search__results");
    var more = box.querySelector(".site-search__more"), opener = box.querySelector(".site-search__open");
    if (!dialog || typeof dialog.showModal !== "function") return;
    if (header) header.appendChild(box);
    box.hidden = false;
    var bundle = new URL(box.getAttribute("data-bundle"), window.location.href);
    var loading = null, asked = 0, ranked = [], found = null, shown = 0, query = "";

    /* A site with units (issue 15) has an index per shard: the root's in pagefind/, the others listed
       in pagefind/shards.json (data-shards), fetched beside the engine and merged into it. Results
       link from the site's root whichever index found them. */
    function shardList() {
      var listed = box.getAttribute("data-shards");
      if (!listed) return Promise.resolve([]);
      return fetch(new URL(listed, window.location.href).href).then(function (response) {
        if (response.status === 404) return {shards: []};
        if (!response.ok) throw new Error(response.status);
        return response.json();
      }).then(function (list) { return list && list.shards || []; });
    }

    function load() {
      if (!loading) {
        var options = {baseUrl: new URL("../", bundle).pathname, excerptLength: EXCERPT_WORDS}, shards = shardList();
        loading = import(new URL("pagefind.js", bundle).href).then(function (pagefind) {
          /* init() fetches the index's entry and the search engine now, while the reader starts typing */
          return Promise.resolve(pagefind.options(options))
            .then(function () { return pagefind.init ? pagefind.init() : null; })
            .then(function () { return shards; })
            .then(function (paths) {
              return Promise.all(paths.map(function (path) {
                return pagefind.mergeIndex(new URL(path, bundle).href, options);
              }));
            })
            .then(function () { return pagefind; });
        });
        loading.catch(function () { loading = null; });
      }
      return loading;
    }

    function say(key, count) {
      status.textContent = (box.getAttribute("data-" + key) || "").replace("{count}", count);
    }

    function item(entry) {
      var data = entry.data, li = document.createElement("li"), a = document.createElement("a");
      var params = new URLSearchParams();
      params.set("h", words(query).join(" "));
      a.href = data.url + (data.url.indexOf("?") === -1 ? "?" : "&") + params.toString();
      if (data.meta && data.meta.unit) {  /* a site with units: which register the page belongs to */
        var unit = document.createElement("span");
        unit.className = "site-search__unit";
        unit.textContent = data.meta.unit;
        a.appendChild(unit);
      }
      var title = document.createElement("span");
      title.className = "site-search__title";
      title.textContent = data.meta && data.meta.title || data.url;
      var text = document.createElement("span");
      text.className = "site-search__excerpt";
      text.appendChild(entry.own ? ownExcerpt(data.content, query) : excerpt(data.excerpt || ""));
      a.appendChild(title);
      a.appendChild(text);
      li.appendChild(a);
      return li;
    }

    /* The next page of results; ``upTo``: only up to that many shown (the first page filled out once the
       loose search has answered, under the phrase results shown before it). */
    function showMore(upTo) {
      var ticket = asked, want = upTo || shown + PAGE;
      var ready = ranked.length >= want || !found || found.done ? Promise.resolve() :
        found.rest().then(function (others) {
          if (ticket !== asked || found.done) return;
          ranked = ranked.concat(others);
          found.done = true;
        });
      return ready.then(function () {
        if (ticket !== asked) return;
        var batch = ranked.slice(shown, want);
        return Promise.all(batch.map(fetchData)).then(function (entries) {
          if (ticket !== asked) return;
          entries = titledFirst(entries, query);
          entries.forEach(function (e) { list.appendChild(item(e)); });
          shown += entries.length;
          more.hidden = shown >= found.count;
        });
      });
    }

    /* What is searched for: what was typed, less a last word of one letter still being typed beside other
       words ("chieng c" searches "chieng": every word that begins with "c" is a tenth of the index, fetched
       for nothing by a reader typing slowly). */
    function wanted() {
      var typed = input.value, parts = typed.trim().split(/\s+/);
      if (parts.length > 1 && !/\s$/.test(typed) && words(parts[parts.length - 1]).join("").length < 2) parts.pop();
      return parts.join(" ");
    }

    var searched = null;
    function run() {
      if (wanted() === searched && found) return;  /* the same words: the results shown stand */
      var ticket = ++asked;
      query = searched = wanted();
      if (words(query).join("").length < 2) {
        list.textContent = "";
        more.hidden = true;
        say("hint");
        return;
      }
      if (window.location.protocol === "file:") { say("offline"); return; }
      var early = false;
      function showEarly(top) {  /* the phrase's results, before the loose search is asked for */
        if (ticket !== asked) return;
        found = {top: top, count: top.length, rest: function () { return Promise.resolve([]); }, done: true};
        ranked = top.slice();
        shown = 0;
        return Promise.all(ranked.slice(0, PAGE).map(fetchData)).then(function () {
          if (ticket !== asked) return;
          list.textContent = "";
          early = true;
          say("loading");
          return showMore();
        });
      }
      load().then(function (pagefind) { return search(pagefind, query, showEarly); }).then(function (answer) {
        if (ticket !== asked) return;
        found = answer;
        ranked = answer.top.slice();
        if (!early) {
          shown = 0;
          list.textContent = "";
        }
        if (!answer.count) { say("none"); more.hidden = true; return; }
        return showMore(early ? Math.max(shown, PAGE) : 0).then(function () {
          if (ticket === asked) say("results", answer.count);
        });
      }).catch(function () { if (ticket === asked) say("error"); });
    }

    function open() {
      if (dialog.open) return;
      dialog.showModal();
      input.focus();
      input.select();
      /* Pagefind fetches its index: a page opened as a file (file://) cannot, so the box says so at once. */
      if (window.location.protocol === "file:") { say("offline"); return; }
      if (!input.value) say("hint");
      load().catch(function () { say("error"); });
    }

    /* A word the reader has finished (a space typed after it) has its index chunks fetched while the
       next word is typed, so the search after the last key waits only for the last word's. */
    var preloaded = {};
    function preloadFinished() {
      var typed = input.value.replace(/"/g, " "), done = typed.split(/\s+/);
      if (!/\s$/.test(typed)) done.pop();
      done.forEach(function (word) {
        if (words(word).join("").length < 2 || preloaded[word] || window.location.protocol === "file:") return;
        preloaded[word] = true;
        load().then(function (pagefind) {
          if (pagefind.preload) variants(word).forEach(function (form) { pagefind.preload(form); });
        }).catch(function () { preloaded[word] = false; });
      });
    }

    var timer = null;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(run, 100);
      preloadFinished();
    });
    opener.addEventListener("click", open);
    /* Focus goes back to the opener at once: the dialog's own "close" event comes a task later, after the
       browser has put focus back where it was before (the page's body). */
    function shut() { dialog.close(); opener.focus(); }
    box.querySelector(".site-search__close").addEventListener("click", shut);
    dialog.addEventListener("click", function (e) { if (e.target === dialog) shut(); });
    dialog.addEventListener("close", function () { opener.focus(); });
    box.querySelector("form").addEventListener("submit", function (e) {
      e.preventDefault();
      var first = list.querySelector("a");
      if (first) window.location.href = first.href;
    });
    more.addEventListener("click", function () {
      var at = shown;
      showMore().then(function () {
        var next = list.querySelectorAll("a")[at];
        if (next) next.focus();
      });
    });
    dialog.addEventListener("keydown", function (e) {
      if (e.key === "Escape") { e.preventDefault(); shut(); return; }  /* not "clear the field first" */
      if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
      var links = Array.prototype.slice.call(list.querySelectorAll("a"));
      if (!links.length) return;
      var at = links.indexOf(document.activeElement);
      e.preventDefault();
      if (e.key === "ArrowDown") links[Math.min(at + 1, links.length - 1)].focus();
      else if (at <= 0) input.focus();
      else links[at - 1].focus();
    });
    document.addEventListener("keydown", function (e) {
      if (e.key !== "/" || dialog.open || e.ctrlKey || e.metaKey || e.altKey) return;
      var target = e.target;
      if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
      e.preventDefault();
      open();
    });
  }

  function init() {
    highlightFromAddress();
    var box = document.querySelector("[data-site-search]");
    if (box && window.URLSearchParams && String.prototype.normalize) setUp(box);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
