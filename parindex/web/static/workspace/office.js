// The office's pages: draw the charts whose plotly JSON is in data blocks
// (<script type="application/json">, never executed), with plotly.js served by the app.
"use strict";
(function () {
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
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
