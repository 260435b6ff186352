// Draws each <figure class="sikd-chart"> from the table inside it: first column = label,
// second column = value (a third, if present, is a second series). No inline script: loaded
// as a file, so a strict Content-Security-Policy (script-src 'self') allows it.
(function () {
  "use strict";
  var palette = ["#1f5f8b", "#d9822b", "#3a8f5c", "#b33c3c", "#6c5a9e", "#8a8a8a", "#2a9d8f",
    "#e9c46a", "#264653", "#f4a261"];
  function num(text) { return Number(String(text).replace(/\./g, "").replace(",", ".")) || 0; }
  function draw(figure) {
    var table = figure.querySelector("table");
    var canvas = figure.querySelector("canvas");
    if (!table || !canvas || typeof Chart === "undefined") { return; }
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    var rows = table.querySelectorAll("tbody tr");
    var labels = [], series = [[], []];
    Array.prototype.forEach.call(rows, function (tr) {
      var cells = tr.querySelectorAll("th, td");
      labels.push(cells[0].textContent.trim());
      series[0].push(num(cells[1].textContent));
      if (cells.length > 2) { series[1].push(num(cells[2].textContent)); }
    });
    var kind = figure.getAttribute("data-kind") || "bar";
    var datasets = [{ label: heads[1] || "", data: series[0],
      backgroundColor: kind === "doughnut" ? palette : palette[0] }];
    if (series[1].length) {
      datasets.push({ label: heads[2] || "", data: series[1], backgroundColor: palette[3] });
    }
    new Chart(canvas, {
      type: kind,
      data: { labels: labels, datasets: datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        indexAxis: figure.getAttribute("data-axis") || "x",
        plugins: { legend: { display: kind === "doughnut" || datasets.length > 1 } }
      }
    });
  }
  document.querySelectorAll("figure.sikd-chart").forEach(draw);
})();
