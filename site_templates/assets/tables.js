/* Sorting and filtering for task tables. The tables are complete without this
   script; it only adds sort buttons and the filter form. Text search folds
   Vietnamese diacritics, so "chieng co" finds "Chiềng Cọ" and "do thi" finds "đô thị". */
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

  function makeSortable(table) {
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
        Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index), y = cellValue(b, index), order;
          if (kind === "number") order = parseFloat(x) - parseFloat(y);
          else order = fold(x).localeCompare(fold(y), "vi");
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
    });
  }

  function setUpFilters(form, table) {
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    rows.forEach(function (row) { row.setAttribute("data-text", fold(row.textContent)); });
    var count = form.querySelector(".filters__count");
    var template = form.getAttribute("data-count") || "{shown}/{total}";
    var params = new URLSearchParams(window.location.search);
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && params.get(el.name)) el.value = params.get(el.name);
    });

    function matches(row) {
      var status = form.elements.status.value;
      if (status === "overdue" ? row.getAttribute("data-overdue") !== "yes"
          : status && row.getAttribute("data-status") !== status) return false;
      var keys = ["group", "bloc", "agency"];
      for (var i = 0; i < keys.length; i++) {
        var wanted = form.elements[keys[i]].value;
        if (wanted && row.getAttribute("data-" + keys[i]) !== wanted) return false;
      }
      var words = fold(form.elements.text.value).split(" ").filter(Boolean);
      var text = row.getAttribute("data-text");
      return words.every(function (w) { return text.indexOf(w) !== -1; });
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

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.hidden = false;
    apply();
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table.task-table"), makeSortable);
    var form = document.getElementById("task-filters");
    var table = document.getElementById("task-table");
    if (form && table) setUpFilters(form, table);
  }

  if (window.document$ && window.document$.subscribe) window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
