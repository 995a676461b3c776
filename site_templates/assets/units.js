/* The units page: find a unit by name, with or without diacritics ("chieng co" finds "Xã Chiềng Cọ").
   Without this script the page is the whole tree and the search box stays hidden. */
(function () {
  "use strict";

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase().replace(/\s+/g, " ").trim();
  }

  var box = document.querySelector(".units-filter");
  var input = document.getElementById("units-q");
  var table = document.querySelector(".units-table");
  if (!box || !input || !table) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var names = rows.map(function (row) { return fold(row.cells[0].textContent); });
  var none = document.getElementById("units-none");
  box.hidden = false;
  input.addEventListener("input", function () {
    var query = fold(input.value);
    var shown = 0;
    rows.forEach(function (row, i) {
      row.hidden = query !== "" && names[i].indexOf(query) < 0;
      if (!row.hidden) { shown += 1; }
    });
    if (none) { none.textContent = shown ? "" : none.getAttribute("data-none"); }  /* said, not only seen */
  });
})();
