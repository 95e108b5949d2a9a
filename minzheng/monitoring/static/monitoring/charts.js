// Charts of the monitoring page (监测预警), drawn with the vendored ECharts. No inline scripts or styles (the
// Content-Security-Policy forbids them): the page carries the figures in a JSON data block (#mz-monitoring-data,
// the same JSON `report_data` answers) and names each chart box in data-chart; without the block the figures are
// fetched from the address in data-source.
(function () {
  "use strict";
  var root = document.getElementById("mz-monitoring-charts");
  if (!root || typeof window.echarts === "undefined") { return; }
  var COLORS = { open: "#0d6efd", overdue: "#dc3545", closed: "#198754", raised: "#6f42c1" };
  var FONT = '"Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif';
  var charts = [];

  function sum(values) { return values.reduce(function (a, b) { return a + b; }, 0); }

  function empty(box, text) {
    box.classList.add("mz-chart-empty");
    box.textContent = text || "暂无数据";
    box.setAttribute("data-rendered", "empty");
  }

  function draw(box, option) {
    var chart = window.echarts.init(box, null, { renderer: "canvas", locale: "ZH" });
    chart.setOption(Object.assign({ textStyle: { fontFamily: FONT }, animation: false }, option));
    charts.push(chart);
    box.setAttribute("data-rendered", "chart");
  }

  function bars(names, series, horizontal) {
    // Horizontal bars list their categories top-down, in the order the table below the charts uses.
    var category = { type: "category", data: names, inverse: !!horizontal,
                     axisLabel: { interval: 0, rotate: horizontal ? 0 : (names.length > 6 ? 30 : 0) } };
    var value = { type: "value", minInterval: 1 };
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: series.map(function (s) {
        return { name: s.name, type: "bar", stack: s.stack, data: s.data, itemStyle: { color: s.color }, barMaxWidth: 36 };
      })
    };
  }

  function pie(data, title) {
    return {
      tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
      legend: { bottom: 0 },
      series: [{ name: title, type: "pie", radius: ["30%", "68%"], center: ["50%", "45%"], data: data,
                 label: { position: "inside", formatter: "{c}", color: "#fff", fontWeight: "bold" } }]
    };
  }

  function render(data) {
    root.querySelectorAll("[data-chart]").forEach(function (box) {
      var kind = box.getAttribute("data-chart");
      if (kind === "areas") {
        var a = data.areas;
        if (!a.names.length || !sum(a.open.concat(a.overdue, a.closed))) { return empty(box); }
        draw(box, bars(a.names, [
          { name: "在办（未逾期）", stack: "open", data: a.open, color: COLORS.open },
          { name: "逾期未办结", stack: "open", data: a.overdue, color: COLORS.overdue },
          { name: "已办结", stack: "closed", data: a.closed, color: COLORS.closed }
        ], false));
      } else if (kind === "rules") {
        var r = data.rules;
        if (!r.length) { return empty(box); }
        draw(box, bars(r.map(function (x) { return x.title; }), [
          { name: "在办", stack: "all", data: r.map(function (x) { return x.open; }), color: COLORS.open },
          { name: "已办结", stack: "all", data: r.map(function (x) { return x.closed; }), color: COLORS.closed }
        ], true));
      } else if (kind === "outcomes") {
        var o = data.outcomes.filter(function (x) { return x.value > 0; });
        if (!o.length) { return empty(box, "暂无办结的预警"); }
        draw(box, pie(o, "处理结果"));
      } else if (kind === "month") {
        var m = data.month;
        if (!m.names.length || !sum(m.raised.concat(m.closed, m.overdue))) { return empty(box, m.label + "暂无数据"); }
        draw(box, bars(m.names, [
          { name: "新增", data: m.raised, color: COLORS.raised },
          { name: "办结", data: m.closed, color: COLORS.closed },
          { name: "逾期", data: m.overdue, color: COLORS.overdue }
        ], true));
      }
    });
    root.setAttribute("data-loaded", "true");
  }

  function failed() {
    root.querySelectorAll("[data-chart]").forEach(function (box) { empty(box, "图表数据加载失败，请刷新页面"); });
    root.setAttribute("data-loaded", "error");
  }

  var block = document.getElementById("mz-monitoring-data");
  if (block) {
    try { render(JSON.parse(block.textContent)); } catch (error) { failed(); }
  } else {
    fetch(root.getAttribute("data-source"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(render)
      .catch(failed);
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
