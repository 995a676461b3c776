/* Sorting the agencies' scoreboard by any column: by its headings on a wide screen, by the
   "Sort by" control on a phone (where the table is a list of cards and has no headings).
   Without this script the table stays in rank order and the control stays hidden. */
(function () {
  "use strict";

  function value(row, index) {
    var cell = row.cells[index];
    var v = cell.getAttribute("data-value");
    return v !== null ? v : cell.textContent.trim();
  }

  function setUp(table) {
    if (table.getAttribute("data-sortable")) return;
    table.setAttribute("data-sortable", "yes");
    var headers = table.tHead.rows[0].cells;
    var form = document.querySelector('form[data-sort-for="' + table.id + '"]');
    var select = form ? form.elements.sort : null;

    function sortBy(index, descending) {
      var kind = headers[index].getAttribute("data-sort");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = value(a, index), y = value(b, index), order;
        if (kind === "number") order = parseFloat(x) - parseFloat(y);
        else order = x.localeCompare(y, "vi");
        if (order === 0) order = parseFloat(value(a, 0)) - parseFloat(value(b, 0));
        return descending ? -order : order;
      });
      rows.forEach(function (row) { body.appendChild(row); });
      Array.prototype.forEach.call(headers, function (h, i) {
        if (i === index) h.setAttribute("aria-sort", descending ? "descending" : "ascending");
        else h.removeAttribute("aria-sort");
      });
      if (select) select.value = index + ":" + (descending ? "desc" : "asc");
    }

    Array.prototype.forEach.call(headers, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var current = th.getAttribute("aria-sort");
        var descending = current ? current === "ascending"
          : th.getAttribute("data-sort") === "number" && index !== 0;
        sortBy(index, descending);
      });
    });
    if (select) {
      select.value = "0:asc";
      select.addEventListener("change", function () {
        var parts = select.value.split(":");
        sortBy(parseInt(parts[0], 10), parts[1] === "desc");
      });
      form.addEventListener("submit", function (e) { e.preventDefault(); });
      form.hidden = false;
    }
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("table.scoreboard[id]"), setUp);
  }

  if (window.document$ && window.document$.subscribe) window.document$.subscribe(init);
  else if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
