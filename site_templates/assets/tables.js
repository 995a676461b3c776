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

    function apply() {
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
      if (e.target === sortControl) sortBySelected(); else apply();
      remember();
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.hidden = false;
    sortBySelected();
    apply();
    return function onHeaderSort(index, ascending) {
      if (!sortControl) return;
      for (var key in SORT_KEYS) {
        if (SORT_KEYS[key][0] === index) {
          sortControl.value = (ascending ? "" : "-") + key;
          if (sortControl.value !== (ascending ? "" : "-") + key) sortControl.value = key;
          remember();
          return;
        }
      }
    };
  }

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
