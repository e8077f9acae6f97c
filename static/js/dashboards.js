// Draws the dashboard charts from the JSON the page carries. Every chart has a data table
// beside it, so nothing here is the only way to read a figure.
(function () {
  "use strict";
  var node = document.getElementById("dashboard-charts");
  if (!node || typeof Chart === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  // Each chart's colours come with its figures: met, not met, or neutral (dashboards/views.py).
  var neutral = "#0b4f8a";
  // Counts start at zero in whole numbers; percentages run from 0 to 100.
  var counts = { y: { beginAtZero: true, ticks: { precision: 0 } } };
  var percentages = { y: { min: 0, max: 100 } };
  function bar(id, chart, label, scales) {
    var el = document.getElementById(id);
    if (!el) { return; }
    new Chart(el, {
      type: "bar",
      data: { labels: chart.labels, datasets: [{ label: label, data: chart.values, backgroundColor: chart.colours || neutral }] },
      options: { plugins: { legend: { display: false } }, animation: false, scales: scales }
    });
  }
  bar("chart-icpc", data.icpc, "ICPCs", counts);
  bar("chart-agencies", data.agencies, "Percentage", percentages);
  var trend = document.getElementById("chart-trend");
  if (trend) {
    new Chart(trend, {
      type: "line",
      data: { labels: data.trend.labels, datasets: [{ label: "Children on a plan", data: data.trend.values, borderColor: neutral }] },
      options: { animation: false, scales: counts }
    });
  }
})();
