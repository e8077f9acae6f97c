// Draws the dashboard charts from the JSON the page carries. Every chart has a data table
// beside it, so nothing here is the only way to read a figure.
(function () {
  "use strict";
  var node = document.getElementById("dashboard-charts");
  if (!node || typeof Chart === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  var colours = ["#1d5c2e", "#8a1c1c", "#0b4f8a"];
  function bar(id, chart, label) {
    var el = document.getElementById(id);
    if (!el) { return; }
    new Chart(el, {
      type: "bar",
      data: { labels: chart.labels, datasets: [{ label: label, data: chart.values, backgroundColor: colours }] },
      options: { plugins: { legend: { display: false } }, animation: false }
    });
  }
  bar("chart-icpc", data.icpc, "ICPCs");
  bar("chart-agencies", data.agencies, "Percentage");
  var trend = document.getElementById("chart-trend");
  if (trend) {
    new Chart(trend, {
      type: "line",
      data: { labels: data.trend.labels, datasets: [{ label: "Children on a plan", data: data.trend.values, borderColor: "#0b4f8a" }] },
      options: { animation: false }
    });
  }
})();
