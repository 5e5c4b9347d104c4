// A study's group view on the stimulus timeline: the mean with its honest 95 % band and
// n under it, per group when grouped; or each participant's curve, the % of participants
// above a threshold, or a participants × time heatmap. Markers are shaded ranges; the
// stimulus plays in sync (cursor; click seeks). Everything chosen is kept in the URL.
"use strict";

(function () {
  const A = window.affectweb;
  const chartEl = document.getElementById("chart");
  let data = A.pageData("group-data");
  if (!chartEl || !data) return;
  const player = document.getElementById("player");
  const metricPicker = document.getElementById("metric");
  const byPicker = document.getElementById("by");
  const viewPicker = document.getElementById("view");
  const thresholdInput = document.getElementById("threshold");
  const thresholdField = document.getElementById("threshold-field");
  const helpLink = document.getElementById("metric-help");
  const groupCsv = document.getElementById("group-csv");
  const markersCsv = document.getElementById("markers-csv");
  const DEFAULTS = { metric: data.metric, by: "", view: "mean", threshold: "50", start: "", end: "" };
  let state = A.readState(DEFAULTS);
  let cursorAt = 0;
  const plot = A.chart(chartEl);
  let restored = 0;

  function fill(colour, alpha) {
    const n = parseInt(colour.slice(1), 16); // "#rrggbb" → the same colour, translucent
    return `rgba(${n >> 16},${(n >> 8) & 255},${n & 255},${alpha})`;
  }

  function curves() {
    return data.groups.length ? data.groups.map((g) => ({ ...g, name: `${g.label} (${g.participants})` }))
      : [{ ...data, label: "", colour: "#1f77b4", name: `mean (${data.participants})` }];
  }

  function meanTrace(c, width) {
    return { x: data.times, y: c.mean, type: "scatter", mode: "lines", name: c.name, legendgroup: c.name,
             line: { color: c.colour, width: width }, customdata: A.clocks(data.times, c.n),
             hovertemplate: A.hover(data.describe, c.name, " · n = %{customdata[1]}") };
  }

  function bandTraces(c) {
    return [
      { x: data.times, y: c.high, type: "scatter", mode: "lines", line: { width: 0 }, hoverinfo: "skip",
        showlegend: false, legendgroup: c.name, connectgaps: false },
      { x: data.times, y: c.low, type: "scatter", mode: "lines", line: { width: 0 }, fill: "tonexty",
        fillcolor: fill(c.colour, 0.18), hoverinfo: "skip", showlegend: false, legendgroup: c.name, connectgaps: false },
    ];
  }

  function nTraces() { // n per moment, in the strip under the chart
    return curves().map((c) => ({
      x: data.times, y: c.n, type: "scatter", mode: "lines", yaxis: "y2", legendgroup: c.name, showlegend: false,
      line: { color: c.colour, width: 1, shape: "hv" }, name: "n " + c.name,
      hovertemplate: `n = %{y} participants<extra>${c.name}</extra>`,
    }));
  }

  function colourOf(group) {
    const g = data.groups.find((x) => x.label === group);
    return g ? g.colour : "#5b6475";
  }

  function traces() {
    const view = data.view;
    if (view === "heatmap") {
      const m = data.describe;
      return [{
        type: "heatmap", x: data.drawn_times, y: data.people.map((p) => (p.group ? p.group + " · " : "") + p.name),
        z: data.people.map((p) => p.values), zmin: m.low === null ? undefined : m.low, zmax: m.high === null ? undefined : m.high,
        colorscale: m.low !== null && m.low < 0 ? "RdBu" : "Viridis", reversescale: false, hoverongaps: false,
        colorbar: { title: { text: m.unit || "" }, thickness: 12 },
        customdata: data.people.map(() => data.drawn_times.map((t) => [A.clock(t)])),
        hovertemplate: `<b>%{y}</b><br>${m.label}: %{z:.1f}<br>at %{customdata[0]}<extra></extra>`,
      }];
    }
    let out = [];
    if (view === "above") {
      const thr = data.threshold;
      curves().forEach((c) => {
        const y = data.above[c.label === "" || !data.groups.length ? "" : c.label];
        out.push({ x: data.times, y: y, type: "scatter", mode: "lines", name: c.name, line: { color: c.colour, width: 2 },
                   customdata: A.clocks(data.times, c.n), legendgroup: c.name,
                   hovertemplate: `<b>${c.name}</b><br>%{y:.0f} % above ${thr}<br>at %{customdata[0]} · n = %{customdata[1]}<extra></extra>` });
      });
      return out.concat(nTraces());
    }
    if (view === "individual") {
      data.people.forEach((p, i) => out.push({
        x: data.drawn_times, y: p.values, type: "scatter", mode: "lines", name: p.name, showlegend: false,
        line: { color: fill(colourOf(p.group), 0.45), width: 1 }, legendgroup: "people",
        customdata: A.clocks(data.drawn_times), hovertemplate: A.hover(data.describe, p.name),
      }));
      curves().forEach((c) => out.push(meanTrace(c, 3)));
      return out.concat(nTraces());
    }
    curves().forEach((c) => { out = out.concat(bandTraces(c), [meanTrace(c, 2)]); });
    return out.concat(nTraces());
  }

  function shapes() {
    const out = data.markers.map((m) => m.end === null
      ? { type: "line", xref: "x", yref: "paper", x0: m.start, x1: m.start, y0: 0, y1: 1,
          line: { color: "#c11574", width: 1, dash: "dot" }, name: m.name }
      : { type: "rect", xref: "x", yref: "paper", x0: m.start, x1: m.end, y0: 0, y1: 1,
          fillcolor: "rgba(227,119,194,0.12)", line: { width: 0 }, layer: "below", name: m.name });
    if (player) out.push(A.cursor(cursorAt));
    return out;
  }

  function annotations() {
    return data.markers.map((m) => ({ x: m.start, y: 1, xref: "x", yref: "paper", text: m.name,
                                      showarrow: false, xanchor: "left", yanchor: "bottom", font: { size: 10 } }));
  }

  function layout() {
    const heat = data.view === "heatmap";
    const range = A.rangeOf(state);
    const m = data.describe;
    const yaxis = data.view === "above"
      ? { title: { text: `% of participants above ${data.threshold}` }, range: [-2, 102], fixedrange: true }
      : heat ? { automargin: true, fixedrange: true, tickfont: { size: 10 }, autorange: "reversed" } : A.yAxis(m);
    const out = {
      margin: { l: 60, r: heat ? 10 : 20, t: 30, b: 40 },
      xaxis: { title: { text: "stimulus time (s)" }, range: range || undefined, autorange: !range, anchor: heat ? "y" : "y2" },
      yaxis: heat ? yaxis : { ...yaxis, domain: [0.24, 1] },
      shapes: shapes(), annotations: annotations(),
      // Plotly keeps the user's zoom and legend toggles while the revision stays; Back or
      // Forward starts a new one, so the URL's view wins.
      showlegend: !heat, legend: A.legend(), uirevision: [data.metric, data.view, data.by, restored].join("|"),
    };
    if (!heat) {
      const most = Math.max(1, ...curves().map((c) => Math.max(0, ...c.n)));
      out.yaxis2 = { domain: [0, 0.15], title: { text: "n", standoff: 4 }, fixedrange: true, showgrid: false,
                     range: [0, most * 1.1], dtick: Math.max(1, Math.ceil(most / 3)), rangemode: "tozero" };
    }
    return out;
  }

  function seek(t) {
    if (player) player.currentTime = t;
    cursorAt = t;
    Plotly.relayout(chartEl, { shapes: shapes() });
  }

  function jumpItem(text, time, colour) {
    const li = document.createElement("li");
    li.tabIndex = 0;
    if (colour) {
      const tag = document.createElement("span");
      tag.className = "tag";
      tag.style.background = colour;
      li.appendChild(tag);
    }
    li.appendChild(document.createTextNode(text));
    li.dataset.time = time;
    li.addEventListener("click", () => seek(time));
    li.addEventListener("keydown", (e) => { if (e.key === "Enter") seek(time); });
    return li;
  }

  function jumps(el, kind) { // peaks or dips of each group's mean (the overall mean ungrouped)
    const items = [];
    const m = data.describe;
    curves().forEach((c) => c[kind].forEach((p) => items.push(jumpItem(
      `${c.label ? c.label + ": " : ""}${m.label} ${p.value.toFixed(1)} at ${A.clock(p.time)}`, p.time,
      data.groups.length ? c.colour : null))));
    el.replaceChildren(...items);
  }

  function table() {
    const body = document.querySelector("#summaries tbody");
    const headers = [...document.querySelectorAll("#summaries thead th")].map((th) => th.textContent);
    body.replaceChildren(...data.summaries.map((r) => {
      const tr = document.createElement("tr");
      const interval = r.low !== null ? `${r.low.toFixed(1)} – ${r.high.toFixed(1)}`
        : r.n < data.min_band_n ? `n < ${data.min_band_n}: none` : "";
      const cells = [r.marker, r.end === null ? A.clock(r.start) : `${A.clock(r.start)}–${A.clock(r.end)}`, r.group || "all",
                     r.n, r.mean === null ? "" : r.mean.toFixed(1), interval];
      cells.forEach((c, i) => {
        const td = document.createElement("td");
        td.textContent = c;
        if (i) td.dataset.label = headers[i]; // the phone's stacked rows name each value
        if (i === 5 && r.low === null) td.className = "few";
        tr.appendChild(td);
      });
      tr.addEventListener("click", () => seek(r.start));
      return tr;
    }));
  }

  function controls() { // the controls say what the URL says (also after Back)
    metricPicker.value = data.metric;
    byPicker.value = data.by;
    viewPicker.value = data.view;
    thresholdInput.value = data.threshold;
    thresholdField.hidden = data.view !== "above";
    document.querySelectorAll("#chart-note [data-views]").forEach((el) => {
      el.hidden = !el.dataset.views.split(" ").includes(data.view);
    });
    helpLink.hash = "metric-" + data.metric.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
    document.getElementById("participants").textContent = `${data.participants} participant${data.participants === 1 ? "" : "s"}`;
  }

  async function render() {
    controls();
    await plot.draw(() => Plotly.react(chartEl, traces(), layout(), A.config()));
    jumps(document.getElementById("peaks"), "peaks");
    jumps(document.getElementById("dips"), "dips");
    table();
    const q = new URLSearchParams({ metric: data.metric, by: data.by });
    groupCsv.href = groupCsv.href.split("?")[0] + "?" + q;
    markersCsv.href = markersCsv.href.split("?")[0] + "?" + new URLSearchParams({ by: data.by });
  }

  async function reload() {
    const q = new URLSearchParams({ metric: state.metric, by: state.by, view: state.view, threshold: state.threshold });
    const response = await fetch(chartEl.dataset.url + "?" + q, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    data = await response.json();
    await render();
  }

  function change(changes) {
    state = Object.assign({}, state, changes);
    A.writeState(state, DEFAULTS);
    reload();
  }

  render();
  metricPicker.addEventListener("change", () => change({ metric: metricPicker.value }));
  byPicker.addEventListener("change", () => change({ by: byPicker.value }));
  viewPicker.addEventListener("change", () => change({ view: viewPicker.value }));
  thresholdInput.addEventListener("change", () => change({ threshold: thresholdInput.value }));
  A.onRestore(() => { state = A.readState(DEFAULTS); restored += 1; reload(); });
  plot.onZoom((range) => {
    state = Object.assign({}, state, { start: range ? range[0] : "", end: range ? range[1] : "" });
    A.writeState(state, DEFAULTS);
  });
  chartEl.on("plotly_click", (e) => { if (e.points.length) seek(e.points[0].x); });
  if (player) plot.followPlayer(player, (t) => { cursorAt = t; return shapes(); });
})();
