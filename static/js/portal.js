/* Reform Portal: draws the page's plotly charts from embedded JSON, makes tables sortable and
   runs the what-if control. One small script, no framework, no inline code (CSP). */
(function () {
  "use strict";
  var lang = document.documentElement.lang || "vi";

  function readJSON(id) {
    var node = document.getElementById(id);
    if (!node || !node.textContent.trim()) { return null; }
    return JSON.parse(node.textContent);
  }

  // On a phone, fewer year ticks (every other year when there are many) so labels never
  // collide, and the legend below the plot, full width.
  function fitPhone(figure) {
    var layout = figure.layout, x = layout.xaxis, years = [];
    figure.data.forEach(function (trace) {
      (trace.x || []).forEach(function (value) { if (typeof value === "number") { years.push(value); } });
    });
    var span = years.length ? Math.max.apply(null, years) - Math.min.apply(null, years) : 0;
    if (x && x.dtick === 1 && span > 5) {
      x.dtick = 2;
      x.tickangle = 0;
    }
    if (layout.legend && layout.showlegend !== false) {
      // A legend of many series stacks below the plot: the chart grows instead of the plot
      // shrinking to make room for it. A chart without a legend (a card's sparkline) keeps
      // its own height: grown to 356 px, it spilled over its card.
      var named = figure.data.filter(function (t) { return t.showlegend !== false; }).length;
      var legendHeight = 30 * named;
      var bars = figure.data.some(function (t) { return t.type === "bar"; });
      layout.legend.orientation = "h";
      if (bars) {
        // Slanted category labels take the space below the plot: the legend goes above it.
        layout.legend.y = 1.02;
        layout.legend.yanchor = "bottom";
        if (x) { x.automargin = true; }
        layout.margin = Object.assign({}, layout.margin, { t: 24 + legendHeight, l: 40, r: 8 });
        layout.height = 380 + legendHeight;
      } else {
        layout.legend.y = -0.18;
        layout.legend.yanchor = "top";
        layout.margin = Object.assign({}, layout.margin, { b: 56 + legendHeight });
        layout.height = 300 + 56 + legendHeight;
      }
      if (x && x.title) { x.title = { text: "" }; }  // the ticks are years: no room for a title
    }
  }

  function drawCharts() {
    if (!window.Plotly) { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var figure = readJSON(el.getAttribute("data-chart"));
      if (!figure) { return; }
      // On a phone the toolbar would cover the chart's labels: it is hidden there.
      var phone = window.matchMedia("(max-width: 640px)").matches;
      if (phone) { fitPhone(figure); }
      window.Plotly.newPlot(el, figure.data, figure.layout, {
        displaylogo: false, responsive: true, displayModeBar: phone ? false : "hover",
        modeBarButtonsToRemove: ["lasso2d", "select2d"],
        toImageButtonOptions: { format: "png", filename: el.id || "bieu-do" }
      });
    });
  }

  function cellValue(cell) {
    var raw = cell.getAttribute("data-sort");
    if (raw === null) { raw = cell.textContent.trim(); }
    if (raw === "") { return null; }
    var number = Number(raw);
    return isNaN(number) ? raw.toLocaleLowerCase(lang) : number;
  }

  function makeSortable(table) {
    var headers = table.querySelectorAll("thead th[data-sortable]");
    headers.forEach(function (th, position) {
      var index = Array.prototype.indexOf.call(th.parentNode.children, th);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (other) { other.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a.cells[index]), y = cellValue(b.cells[index]);
          if (x === null && y === null) { return 0; }
          if (x === null) { return 1; }
          if (y === null) { return -1; }
          var order = x < y ? -1 : x > y ? 1 : 0;
          return ascending ? order : -order;
        });
        rows.forEach(function (row) { body.appendChild(row); });
      });
      return position;
    });
  }

  function formatNumber(value, decimals) {
    return value.toLocaleString(lang === "vi" ? "vi-VN" : "en-GB",
      { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  }

  function whatIf() {
    var data = readJSON("whatif-data");
    var form = document.getElementById("whatif-form");
    if (!data || !form) { return; }
    var select = form.querySelector("select");
    var input = document.getElementById("whatif-value");
    var output = document.getElementById("whatif-result");
    var decimals = Number(form.getAttribute("data-decimals") || 2);
    function current() {
      return data.components.filter(function (c) { return c.code === select.value; })[0];
    }
    function sync() {
      var component = current();
      var text = component.value.toFixed(decimals);
      input.value = lang === "vi" ? text.replace(".", ",") : text;
      input.setAttribute("aria-describedby", "whatif-range");
      var range = document.getElementById("whatif-range");
      if (range) {
        range.textContent = form.getAttribute("data-range")
          .replace("{min}", formatNumber(component.min, 0))
          .replace("{max}", formatNumber(component.max, 0));
      }
    }
    function compute(event) {
      if (event) { event.preventDefault(); }
      var component = current();
      var wanted = Number(String(input.value).replace(",", "."));
      if (String(input.value).trim() === "" || isNaN(wanted)) {
        output.textContent = form.getAttribute("data-invalid");
        output.removeAttribute("data-rank");
        return;
      }
      if (wanted < component.min || wanted > component.max) {
        output.textContent = form.getAttribute("data-out-of-range")
          .replace("{min}", formatNumber(component.min, 0))
          .replace("{max}", formatNumber(component.max, 0));
        output.removeAttribute("data-rank");
        return;
      }
      var total = data.total + component.weight * (wanted - component.value);
      var rank = 1 + data.others.filter(function (other) { return other > total; }).length;
      output.textContent = form.getAttribute("data-template")
        .replace("{total}", formatNumber(total, decimals))
        .replace("{rank}", String(rank))
        .replace("{count}", String(data.others.length + 1))
        .replace("{basis}", data.basis_label);
      output.setAttribute("data-rank", String(rank));
    }
    select.addEventListener("change", function () { sync(); compute(); });
    form.addEventListener("submit", compute);
    sync();
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts();
    document.querySelectorAll("table[data-sortable-table]").forEach(makeSortable);
    whatIf();
  });
}());
