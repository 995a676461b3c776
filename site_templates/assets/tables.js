/* Sorting and filtering for task tables. The tables are complete without this
   script; it only adds sort buttons to the headings and shows the filter form
   (filters and a sort control that also works on a phone, where headings are hidden).
   The form's state is kept in the address (tasks/?status=overdue&sort=-progress), so a
   filtered list can be linked to. Text search folds Vietnamese diacritics, so
   "chieng co" finds "Chiềng Cọ" and "do thi" finds "đô thị". */
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase().replace(/\s+/g, " ").trim();
  }

  function cellValue(row, index) {
    var cell = row.cells[index];
    return cell.getAttribute("data-value") !== null ? cell.getAttribute("data-value") : cell.textContent.trim();
  }

  /* The status filter: a part of the partition (data-part), or a union of parts. */
  var NOT_YET_DUE = ["in_progress", "not_started", "paused"];
  var ALIASES = {done_on_time: "done_on_day"};

  /* The sort control's keys: [column, kind] or a row attribute; "-key" sorts descending. */
  var SORT_KEYS = {
    id: [0, "number"], title: [1, "text"], agency: [3, "text"], deadline: [4, "text"],
    progress: [6, "number"], overdue: ["data-days-overdue", "number"]
  };

  function valueGetter(where) {
    return typeof where === "number" ? function (row) { return cellValue(row, where); }
      : function (row) { return row.getAttribute(where) || "0"; };
  }

  function sortRows(table, where, kind, ascending) {
    var get = valueGetter(where);
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = get(a), y = get(b), order;
      if (kind === "number") order = parseFloat(x) - parseFloat(y);
      else order = fold(x).localeCompare(fold(y), "vi");
      if (!ascending) order = -order;
      return order || parseFloat(cellValue(a, 0)) - parseFloat(cellValue(b, 0));
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function markSorted(table, index, ascending) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (h, i) {
      if (i === index) h.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      else h.removeAttribute("aria-sort");
    });
  }

  function makeSortable(table, onSort) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headers, function (th, index) {
      var kind = th.getAttribute("data-sort");
      if (!kind) return;
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        sortRows(table, index, kind, ascending);
        markSorted(table, index, ascending);
        if (onSort) onSort(index, ascending);
      });
    });
  }

  function setUpFilters(form, table) {
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    rows.forEach(function (row) { row.setAttribute("data-text", fold(row.textContent)); });
    var count = form.querySelector(".filters__count");
    var template = form.getAttribute("data-count") || "{shown}/{total}";
    var sortControl = form.elements.sort;
    var params = new URLSearchParams(window.location.search);
    if (ALIASES[params.get("status")]) params.set("status", ALIASES[params.get("status")]);
    Array.prototype.forEach.call(form.elements, function (el) {
      var wanted = el.name && params.get(el.name);
      if (!wanted) return;
      if (el.tagName === "SELECT" && !Array.prototype.some.call(el.options, function (o) { return o.value === wanted; })) return;
      el.value = wanted;
    });

    function matches(row) {
      var status = form.elements.status.value, part = row.getAttribute("data-part");
      if (status && part !== status && !(status === "done" && row.getAttribute("data-status") === "done")
          && !(status === "not_yet_due" && NOT_YET_DUE.indexOf(part) !== -1)) return false;
      var keys = ["group", "bloc", "agency"];
      for (var i = 0; i < keys.length; i++) {
        var wanted = form.elements[keys[i]].value;
        if (wanted && row.getAttribute("data-" + keys[i]) !== wanted) return false;
      }
      var words = fold(form.elements.text.value).split(" ").filter(Boolean);
      var text = row.getAttribute("data-text");
      return words.every(function (w) { return text.indexOf(w) !== -1; });
    }

    function sortBySelected() {
      if (!sortControl) return;
      var key = sortControl.value || "id", ascending = key.charAt(0) !== "-";
      var spec = SORT_KEYS[key.replace(/^-/, "")];
      if (!spec) return;
      sortRows(table, spec[0], spec[1], ascending);
      markSorted(table, typeof spec[0] === "number" ? spec[0] : -1, ascending);
    }

    function remember() {
      var query = new URLSearchParams();
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name && el.value && !(el.name === "sort" && el.value === "id")) query.set(el.name, el.value);
      });
      var text = query.toString();
      window.history.replaceState(window.history.state, "", window.location.pathname + (text ? "?" + text : "") + window.location.hash);
    }

    var paged = form.hasAttribute("data-pages") && window.fetch ? new DataList(form, table) : null;

    function wantedRow(r) {
      var status = form.elements.status.value;
      if (status && r.part !== status && !(status === "done" && r.status === "done")
          && !(status === "not_yet_due" && NOT_YET_DUE.indexOf(r.part) !== -1)) return false;
      var keys = ["group", "bloc", "agency"];
      for (var i = 0; i < keys.length; i++) {
        var wanted = form.elements[keys[i]].value;
        if (wanted && r[keys[i]] !== wanted) return false;
      }
      var words = fold(form.elements.text.value).split(" ").filter(Boolean);
      return words.every(function (w) { return r.text.indexOf(w) !== -1; });
    }

    function applyPaged() {
      var key = sortControl ? sortControl.value || "id" : "id";
      var filtered = Array.prototype.some.call(form.elements, function (el) {
        return el.name && el.name !== "sort" && el.value;
      });
      if (!filtered && key === "id") {
        paged.restore();
        if (count) count.textContent = "";
        return;
      }
      paged.limit = PAGE;
      paged.show(wantedRow, key, count, template);
    }

    function apply() {
      if (paged) { applyPaged(); return; }
      var shown = 0;
      rows.forEach(function (row) {
        var ok = matches(row);
        row.hidden = !ok;
        if (ok) shown++;
      });
      if (count) count.textContent = template.replace("{shown}", shown).replace("{total}", rows.length);
    }

    form.addEventListener("input", function (e) { if (e.target !== sortControl) { apply(); remember(); } });
    form.addEventListener("change", function (e) {
      if (e.target === sortControl && !paged) sortBySelected(); else apply();
      remember();
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.hidden = false;
    if (!paged) sortBySelected();
    apply();
    return function onHeaderSort(index, ascending) {
      if (!sortControl) return;
      for (var key in SORT_KEYS) {
        if (SORT_KEYS[key][0] === index) {
          sortControl.value = (ascending ? "" : "-") + key;
          if (sortControl.value !== (ascending ? "" : "-") + key) sortControl.value = key;
          remember();
          if (paged) apply();
          return;
        }
      }
    };
  }


  /* The list in pages (more tasks than one page holds): with a filter or another order than by
     number, the rows come from the list's data (list/meta.json, then 0.json, 1.json, … fetched
     one after another, results shown as soon as the first file is in), PAGE at a time. */
  var PAGE = 200;

  function DataList(form, table) {
    this.form = form;
    this.table = table;
    this.source = form.getAttribute("data-source");
    this.body = table.tBodies[0];
    this.ownRows = Array.prototype.slice.call(this.body.rows);
    this.pagers = Array.prototype.slice.call(document.querySelectorAll("[data-list-pager]"));
    this.labels = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) { return th.textContent.trim(); });
    this.rows = [];
    this.meta = null;
    this.loaded = 0;
    this.limit = PAGE;
    this.more = document.createElement("button");
    this.more.type = "button";
    this.more.className = "list-more";
    this.more.textContent = form.getAttribute("data-more");
    this.more.hidden = true;
    table.parentNode.parentNode.insertBefore(this.more, table.parentNode.nextSibling);
    var self = this;
    this.more.addEventListener("click", function () { self.limit += PAGE; self.onChange(); });
  }

  DataList.prototype.load = function () {
    var self = this;
    if (this.loading) return this.loading;
    function json(name) {
      return fetch(self.source + name).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      });
    }
    function next(i) {
      if (i >= self.meta.chunks) return Promise.resolve();
      return json(i + ".json").then(function (rows) {
        rows.forEach(function (r) {
          var group = self.meta.groups[r[2]], agency = self.meta.agencies[r[3]];
          self.rows.push({id: r[0], title: r[1], group: group[0], groupName: group[1], agency: agency[0],
            agencyName: agency[1], bloc: agency[2], deadline: r[4], status: r[5], part: r[6],
            progress: r[7], days: r[8], text: fold(r[0] + " " + r[1] + " " + group[1] + " " + agency[1])});
        });
        self.loaded = i + 1;
        self.onChange();
        return next(i + 1);
      });
    }
    this.loading = json("meta.json").then(function (meta) { self.meta = meta; return next(0); });
    return this.loading;
  };

  DataList.prototype.cell = function (tr, index, value) {
    var td = document.createElement("td");
    td.setAttribute("data-label", this.labels[index]);
    if (value !== undefined) td.setAttribute("data-value", value);
    tr.appendChild(td);
    return td;
  };

  DataList.prototype.link = function (href, text) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    return a;
  };

  DataList.prototype.badge = function (kind, text) {
    var span = document.createElement("span"), icon = document.createElement("span");
    span.className = "badge badge--" + kind;
    icon.className = "badge__icon";
    icon.setAttribute("aria-hidden", "true");
    span.appendChild(icon);
    span.appendChild(document.createTextNode(text));
    return span;
  };

  DataList.prototype.render = function (r) {
    var root = this.source.replace(/list\/$/, "");
    var tr = document.createElement("tr");
    tr.setAttribute("data-status", r.status);
    tr.setAttribute("data-part", r.part);
    tr.setAttribute("data-days-overdue", r.days);
    this.cell(tr, 0, r.id).textContent = r.id;
    this.cell(tr, 1).appendChild(this.link(root + "tasks/" + r.id + "/", r.title));
    this.cell(tr, 2).textContent = r.groupName;
    this.cell(tr, 3).appendChild(this.link(root + "agencies/" + r.agency + "/", r.agencyName));
    var d = r.deadline.split("-");
    this.cell(tr, 4, r.deadline).textContent = d[2] + "/" + d[1] + "/" + d[0];
    var status = this.cell(tr, 5, r.status);
    status.appendChild(this.badge(r.status, this.meta.status[r.status]));
    if (r.part === "overdue") {
      status.appendChild(document.createTextNode(" "));
      status.appendChild(this.badge("overdue", this.meta.overdue.replace("{days}", r.days)));
    }
    var progress = this.cell(tr, 6, r.progress === null ? -1 : r.progress);
    if (r.progress === null) {
      var none = document.createElement("span");
      none.className = "muted";
      none.textContent = "—";
      progress.appendChild(none);
    } else {
      var bar = document.createElement("span"), fill = document.createElement("span"), value = document.createElement("span");
      bar.className = "bar";
      bar.setAttribute("aria-hidden", "true");
      fill.className = "bar__fill";
      fill.style.width = r.progress + "%";
      bar.appendChild(fill);
      value.className = "bar__value";
      value.textContent = String(r.progress).replace(".", ",") + "%";
      progress.appendChild(bar);
      progress.appendChild(document.createTextNode(" "));
      progress.appendChild(value);
    }
    return tr;
  };

  DataList.prototype.show = function (wanted, key, count, template) {
    /* wanted(row) → bool; key: the sort control's value. */
    var self = this;
    this.onChange = function () { self.show(wanted, key, count, template); };
    if (!this.meta || !this.loaded) { this.load().catch(function () { self.failed = true; }); return; }
    var ascending = key.charAt(0) !== "-", name = key.replace(/^-/, "");
    var field = {id: "id", title: "title", agency: "agencyName", deadline: "deadline", progress: "progress",
                 overdue: "days"}[name] || "id";
    var found = this.rows.filter(wanted);
    found.sort(function (a, b) {
      var x = a[field], y = b[field], order;
      if (field === "progress") { x = x === null ? -1 : x; y = y === null ? -1 : y; }
      if (typeof x === "number") order = x - y;
      else order = fold(x).localeCompare(fold(y), "vi");
      if (!ascending) order = -order;
      return order || a.id - b.id;
    });
    var frag = document.createDocumentFragment();
    found.slice(0, this.limit).forEach(function (r) { frag.appendChild(self.render(r)); });
    this.body.textContent = "";
    this.body.appendChild(frag);
    this.pagers.forEach(function (p) { p.hidden = true; });
    this.more.hidden = found.length <= this.limit;
    var done = this.loaded >= this.meta.chunks;
    if (count) count.textContent = template.replace("{shown}", found.length).replace("{total}", this.meta.total)
      + (done ? "" : " " + this.form.getAttribute("data-loading"));
  };

  DataList.prototype.restore = function () {
    var self = this;
    this.onChange = function () {};
    this.body.textContent = "";
    this.ownRows.forEach(function (row) { row.hidden = false; self.body.appendChild(row); });
    this.pagers.forEach(function (p) { p.hidden = false; });
    this.more.hidden = true;
  };

  function init() {
    var form = document.getElementById("task-filters");
    var list = document.getElementById("task-table");
    var onSort = form && list ? setUpFilters(form, list) : null;
    Array.prototype.forEach.call(document.querySelectorAll("table.task-table"), function (table) {
      makeSortable(table, table === list ? onSort : null);
    });
  }

  if (window.document$ && window.document$.subscribe) window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
