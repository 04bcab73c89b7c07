// Bar charts drawn as SVG from the page's JSON (#chart-data); no library, nothing loaded from elsewhere.
// Hover or focus a bar for its figure and share; click (or Enter) a bar that has one to open the
// needs behind it; "show as a table" swaps the chart for the same figures as text.
"use strict";
(function () {
  var SVG = "http://www.w3.org/2000/svg";

  function el(name, attrs, text) {
    var node = document.createElementNS(SVG, name);
    Object.keys(attrs).forEach(function (key) { node.setAttribute(key, String(attrs[key])); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function fmt(n) { return Number(n).toLocaleString(); }

  var tip = null;
  function showTip(event, text) {
    if (!tip) { tip = document.createElement("div"); tip.className = "tip"; document.body.appendChild(tip); }
    tip.textContent = text;
    tip.hidden = false;
    var box = event.target.getBoundingClientRect();
    var x = event.clientX !== undefined && event.clientX ? event.clientX : box.left + box.width / 2;
    var y = event.clientY !== undefined && event.clientY ? event.clientY : box.top;
    tip.style.left = (x + 12) + "px";
    tip.style.top = (y - 28) + "px";
  }
  function hideTip() { if (tip) { tip.hidden = true; } }

  function interactive(bar, row, total) {
    var share = total ? Math.round(row.value * 1000 / total) / 10 : 0;
    var text = row.label + ": " + fmt(row.value) + " (" + share + "%)";
    bar.setAttribute("tabindex", "0");
    bar.setAttribute("role", row.href ? "link" : "img");
    bar.setAttribute("aria-label", text);
    bar.appendChild(el("title", {}, text));
    bar.addEventListener("mousemove", function (e) { showTip(e, text); });
    bar.addEventListener("focus", function (e) { showTip(e, text); });
    bar.addEventListener("mouseleave", hideTip);
    bar.addEventListener("blur", hideTip);
    if (row.href) {
      bar.classList.add("link");
      var go = function () { window.location.assign(row.href); };
      bar.addEventListener("click", go);
      bar.addEventListener("keydown", function (e) { if (e.key === "Enter") { go(); } });
    }
  }

  function horizontal(rows) {
    var total = rows.reduce(function (a, r) { return a + r.value; }, 0);
    var max = Math.max.apply(null, rows.map(function (r) { return r.value; }).concat([1]));
    var left = 130, width = 440, rowH = 24, height = rows.length * rowH + 8;
    var svg = el("svg", { viewBox: "0 0 " + (left + width + 70) + " " + height, "data-bars": rows.length });
    rows.forEach(function (row, i) {
      var y = 4 + i * rowH;
      var w = Math.max(row.value / max * width, row.value ? 2 : 0);
      svg.appendChild(el("text", { x: left - 6, y: y + 15, "text-anchor": "end" }, row.label));
      var bar = el("rect", { x: left, y: y + 3, width: w, height: rowH - 8, rx: 2, class: "bar" });
      interactive(bar, row, total);
      svg.appendChild(bar);
      svg.appendChild(el("text", { x: left + w + 5, y: y + 15, class: "value" }, fmt(row.value)));
    });
    return svg;
  }

  function vertical(rows) {
    var total = rows.reduce(function (a, r) { return a + r.value; }, 0);
    var max = Math.max.apply(null, rows.map(function (r) { return r.value; }).concat([1]));
    var top = 18, plotH = 170, bottom = 40, colW = Math.max(24, Math.floor(600 / Math.max(rows.length, 1)));
    var svg = el("svg", { viewBox: "0 0 " + (colW * rows.length + 20) + " " + (top + plotH + bottom), "data-bars": rows.length });
    svg.appendChild(el("line", { x1: 10, x2: colW * rows.length + 10, y1: top + plotH, y2: top + plotH, class: "axis" }));
    rows.forEach(function (row, i) {
      var h = Math.max(row.value / max * plotH, row.value ? 2 : 0);
      var x = 10 + i * colW;
      var bar = el("rect", { x: x + 3, y: top + plotH - h, width: colW - 6, height: h, rx: 2, class: "bar" });
      interactive(bar, row, total);
      svg.appendChild(bar);
      svg.appendChild(el("text", { x: x + colW / 2, y: top + plotH - h - 4, "text-anchor": "middle", class: "value" }, fmt(row.value)));
      svg.appendChild(el("text", { x: x + colW / 2, y: top + plotH + 16, "text-anchor": "middle" }, row.label.slice(2)));
    });
    return svg;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("chart-data");
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    data.charts.forEach(function (chart) {
      var plot = document.getElementById("plot-" + chart.id);
      if (!plot) { return; }
      plot.appendChild(chart.id === "month" ? vertical(chart.rows) : horizontal(chart.rows));
    });
    document.querySelectorAll("button[data-toggle]").forEach(function (button) {
      var id = button.getAttribute("data-toggle");
      var asTable = button.textContent, asChart = document.documentElement.lang === "en" ? "Show as a chart" : "그래프로 보기";
      button.addEventListener("click", function () {
        var plot = document.getElementById("plot-" + id), table = document.getElementById("table-" + id);
        var showTable = table.hidden;
        table.hidden = !showTable;
        plot.hidden = showTable;
        button.textContent = showTable ? asChart : asTable;
      });
    });
  });
})();
