// A study's group view: mean curve with its 95 % band, faces count, group overlays,
// markers as shaded ranges, and the stimulus playing in sync (cursor; click seeks).
"use strict";

(function () {
  const chartEl = document.getElementById("chart");
  if (!chartEl) return;
  let data = JSON.parse(document.getElementById("group-data").textContent);
  const player = document.getElementById("player");
  const metricPicker = document.getElementById("metric");
  const byPicker = document.getElementById("by");
  const groupCsv = document.getElementById("group-csv");
  const markersCsv = document.getElementById("markers-csv");
  let cursor = 0;

  function fill(colour) {
    // "#rrggbb" → a translucent band of the same colour
    const n = parseInt(colour.slice(1), 16);
    return `rgba(${n >> 16},${(n >> 8) & 255},${n & 255},0.18)`;
  }

  function band(x, c, name, colour, group) {
    return [
      { x: x, y: c.high, type: "scatter", mode: "lines", line: { width: 0 }, hoverinfo: "skip",
        showlegend: false, legendgroup: group },
      { x: x, y: c.low, type: "scatter", mode: "lines", line: { width: 0 }, fill: "tonexty",
        fillcolor: fill(colour), hoverinfo: "skip", showlegend: false, legendgroup: group },
      { x: x, y: c.mean, type: "scatter", mode: "lines", name: name, line: { color: colour, width: 2 },
        legendgroup: group, customdata: c.n, hovertemplate: "%{y:.1f} (n=%{customdata})<extra>" + name + "</extra>" },
    ];
  }

  function traces() {
    const t = data.times;
    let out = [];
    if (data.groups.length) {
      data.groups.forEach((g, i) => { out = out.concat(band(t, g, `${g.label} (${g.participants})`, g.colour, "g" + i)); });
    } else {
      out = band(t, data, "mean of " + data.participants, "#1f77b4", "all");
    }
    out.push({ x: t, y: data.faces, type: "scatter", mode: "lines", name: "faces", yaxis: "y2",
               line: { color: "#888", width: 1, shape: "hv" }, hovertemplate: "%{y} faces<extra></extra>" });
    return out;
  }

  function shapes() {
    const out = data.markers.map((m) => m.end === null
      ? { type: "line", xref: "x", yref: "paper", x0: m.start, x1: m.start, y0: 0, y1: 1,
          line: { color: "#e377c2", width: 1, dash: "dot" }, name: m.name }
      : { type: "rect", xref: "x", yref: "paper", x0: m.start, x1: m.end, y0: 0, y1: 1,
          fillcolor: "rgba(227,119,194,0.12)", line: { width: 0 }, layer: "below", name: m.name });
    if (player) out.push({ type: "line", xref: "x", yref: "paper", x0: cursor, x1: cursor, y0: 0, y1: 1,
                           line: { color: "#000", width: 1 }, name: "cursor" });
    return out;
  }

  function annotations() {
    return data.markers.map((m) => ({ x: m.start, y: 1, xref: "x", yref: "paper", text: m.name,
                                      showarrow: false, xanchor: "left", yanchor: "bottom", font: { size: 10 } }));
  }

  // The y range: the curves, and their bands where enough participants are present.
  // A band over two or three people is very wide (t = 12.7 at n = 2); it is clipped
  // rather than allowed to squash the curves.
  function yRange() {
    const curves = data.groups.length ? data.groups : [data];
    const most = Math.max(1, ...curves.map((c) => Math.max(0, ...c.n)));
    let lo = Infinity, hi = -Infinity;
    for (const c of curves) {
      c.mean.forEach((m, i) => {
        if (m === null) return;
        const wide = c.n[i] >= Math.max(3, most / 2) && c.low[i] !== null;
        lo = Math.min(lo, wide ? c.low[i] : m);
        hi = Math.max(hi, wide ? c.high[i] : m);
      });
    }
    if (!isFinite(lo)) return undefined;
    const pad = Math.max(1, (hi - lo) * 0.05);
    return [lo - pad, hi + pad];
  }

  function layout() {
    return {
      margin: { l: 50, r: 50, t: 20, b: 40 },
      xaxis: { title: { text: "stimulus time (s)" } },
      yaxis: { title: { text: data.metric }, fixedrange: true, range: yRange() },
      yaxis2: { title: { text: "faces" }, overlaying: "y", side: "right", fixedrange: true, showgrid: false,
                range: [0, Math.max(1, ...data.faces) * 1.05], dtick: Math.max(1, Math.ceil(Math.max(1, ...data.faces) / 5)) },
      shapes: shapes(), annotations: annotations(),
      showlegend: true, legend: { orientation: "h", y: -0.2 }, uirevision: "group",
    };
  }

  function seek(t) {
    if (player) { player.currentTime = t; }
    cursor = t;
    Plotly.relayout(chartEl, { shapes: shapes() });
  }

  function jumps(el, items) {
    el.replaceChildren(...items.map((p) => {
      const li = document.createElement("li");
      li.textContent = `${p.time.toFixed(1)} s: ${p.value.toFixed(1)}`;
      li.dataset.time = p.time;
      li.addEventListener("click", () => seek(p.time));
      return li;
    }));
  }

  function table() {
    const body = document.querySelector("#summaries tbody");
    body.replaceChildren(...data.summaries.map((r) => {
      const tr = document.createElement("tr");
      const cells = [r.marker, r.end === null ? `${r.start}` : `${r.start}–${r.end}`, r.group || "all", r.n,
                     r.mean === null ? "" : r.mean.toFixed(1),
                     r.low === null ? "" : `${r.low.toFixed(1)} – ${r.high.toFixed(1)}`];
      cells.forEach((c) => { const td = document.createElement("td"); td.textContent = c; tr.appendChild(td); });
      tr.addEventListener("click", () => seek(r.start));
      return tr;
    }));
  }

  function render() {
    Plotly.react(chartEl, traces(), layout(), { responsive: true, displaylogo: false });
    jumps(document.getElementById("peaks"), data.peaks);
    jumps(document.getElementById("dips"), data.dips);
    table();
    const q = new URLSearchParams({ metric: data.metric, by: data.by });
    groupCsv.href = groupCsv.href.split("?")[0] + "?" + q;
    markersCsv.href = markersCsv.href.split("?")[0] + "?" + new URLSearchParams({ by: data.by });
  }

  async function reload() {
    const q = new URLSearchParams({ metric: metricPicker.value, by: byPicker.value });
    const response = await fetch(chartEl.dataset.url + "?" + q, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    data = await response.json();
    render();
  }

  render();
  metricPicker.addEventListener("change", reload);
  byPicker.addEventListener("change", reload);
  chartEl.on("plotly_click", (e) => { if (e.points.length) seek(e.points[0].x); });
  if (player) {
    player.addEventListener("timeupdate", () => {
      cursor = player.currentTime;
      Plotly.relayout(chartEl, { shapes: shapes() });
    });
  }
})();
