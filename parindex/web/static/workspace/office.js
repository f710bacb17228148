// The office's pages (no inline script anywhere):
// - draw the charts whose plotly JSON is in data blocks (<script type="application/json">,
//   never executed), with plotly.js served by the app;
// - sort a table by a column (its heading's button), numbers written the page's way;
// - filter a table's rows as one types (accents ignored: "dong ben" finds "Đồng Bến").
"use strict";
(function () {
  var lang = document.documentElement.lang === "en" ? "en" : "vi";

  function draw() {
    if (typeof Plotly === "undefined") { return; }
    var tpl = document.getElementById("fig-template");
    var template = tpl ? JSON.parse(tpl.textContent) : undefined;
    document.querySelectorAll("div[data-fig]").forEach(function (el) {
      var block = document.getElementById(el.getAttribute("data-fig"));
      if (!block) { return; }
      var fig = JSON.parse(block.textContent);
      if (template) { fig.layout.template = template; }
      Plotly.newPlot(el, fig.data, fig.layout, {displaylogo: false, responsive: true});
    });
  }

  function number(text) {
    var t = text.trim();
    if (t === "") { return null; }
    t = lang === "en" ? t.replace(/,/g, "") : t.replace(/\./g, "").replace(",", ".");
    var n = Number(t);
    return isNaN(n) ? null : n;
  }

  function key(cell) {
    var text = cell.textContent.trim();
    var n = number(text);
    return n === null ? text.toLocaleLowerCase(lang) : n;
  }

  function sortable(table) {
    var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
    heads.forEach(function (th, col) {
      var button = th.querySelector("button.sort");
      if (!button) { return; }
      button.addEventListener("click", function () {
        var asc = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows).map(function (r) {
          return [key(r.cells[col]), r];
        });
        rows.sort(function (a, b) {
          var x = a[0], y = b[0];
          if (x === y) { return 0; }
          if (x === "") { return 1; }
          if (y === "") { return -1; }
          var c = typeof x === typeof y ? (x < y ? -1 : 1) : (typeof x === "number" ? -1 : 1);
          return asc ? c : -c;
        });
        var fragment = document.createDocumentFragment();
        rows.forEach(function (r) { fragment.appendChild(r[1]); });
        body.appendChild(fragment);
      });
    });
  }

  function plain(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/gi, "d")
      .toLowerCase();
  }

  function filter(input) {
    var table = document.getElementById(input.getAttribute("data-filter"));
    if (!table) { return; }
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var keys = rows.map(function (r) { return plain(r.textContent); });
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = plain(input.value.trim());
        rows.forEach(function (r, k) { r.hidden = q !== "" && keys[k].indexOf(q) < 0; });
      }, 120);
    });
  }

  function start() {
    draw();
    document.querySelectorAll("table.office-sortable").forEach(sortable);
    document.querySelectorAll("input[data-filter]").forEach(filter);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
