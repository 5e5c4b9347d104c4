// A media's chart: one curve per face for the chosen metric, a cursor that follows
// the video, click-to-seek, and detail fetched from the server when zooming in. Under
// it, on the same time axis, the content tags' band (a heatmap: one row per tag).
"use strict";

(function () {
  const chartEl = document.getElementById("chart");
  if (!chartEl) return;
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const player = document.getElementById("player");
  const picker = document.getElementById("metric");
  const url = chartEl.dataset.seriesUrl;
  let metric = data.metric;
  let hidden = new Set(); // faces toggled off in the legend survive metric changes
  let cursor = 0;
  const band = data.tags; // {labels, x: cell edges (s), z: [tag][second]} or absent

  function bandTrace() {
    return {
      type: "heatmap", x: band.x, y: band.labels, z: band.z, yaxis: "y2", zmin: 0, zmax: 1,
      colorscale: "Blues", reversescale: true, showscale: false, showlegend: false, xgap: 1, ygap: 1,
      hovertemplate: "%{y}: %{z:.0%}<extra></extra>",
    };
  }

  function traces(faces) {
    const lines = faces.map((f) => ({
      x: f.x, y: f.y, name: "face " + f.face_id, type: "scatter", mode: "lines",
      line: { color: f.colour, width: 1.5 }, visible: hidden.has(f.face_id) ? "legendonly" : true,
      meta: f.face_id,
    }));
    return band ? lines.concat([bandTrace()]) : lines;
  }

  function cursorShape(t) {
    return [{ type: "line", xref: "x", yref: "paper", x0: t, x1: t, y0: 0, y1: 1, line: { color: "#000", width: 1 } }];
  }

  function layout(range) {
    const out = {
      margin: { l: 50, r: 20, t: 10, b: 40 },
      xaxis: { title: { text: "time (s)" }, range: range || undefined, autorange: !range },
      yaxis: { title: { text: metric }, fixedrange: true },
      shapes: player && player.tagName === "VIDEO" ? cursorShape(cursor) : [],
      showlegend: true, legend: { orientation: "h", y: -0.2 }, uirevision: metric,
    };
    if (band) { // the band shares the x axis (drawn under it): zooming the chart zooms it too
      out.xaxis.anchor = "y2";
      out.yaxis.domain = [bandShare + 0.05, 1];
      out.yaxis2 = { domain: [0, bandShare], fixedrange: true, autorange: "reversed", automargin: true,
                     tickfont: { size: 10 } };
    }
    return out;
  }

  async function load(range) {
    const params = new URLSearchParams({ metric: metric });
    if (range) { params.set("start", range[0]); params.set("end", range[1]); }
    const response = await fetch(url + "?" + params, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const body = await response.json();
    await Plotly.react(chartEl, traces(body.faces), layout(range));
  }

  // The band adds a row of BAND_ROW px per tag to the chart's height.
  const BAND_ROW = 24;
  const bandShare = band ? BAND_ROW * band.labels.length / (chartEl.offsetHeight + BAND_ROW * band.labels.length) : 0;
  if (band) chartEl.style.height = chartEl.offsetHeight + BAND_ROW * band.labels.length + "px";

  Plotly.newPlot(chartEl, traces(data.faces), layout(null), { responsive: true, displaylogo: false });

  picker.addEventListener("change", () => { metric = picker.value; load(null); });

  chartEl.on("plotly_legendclick", (e) => {
    const id = e.data[e.curveNumber].meta;
    if (hidden.has(id)) hidden.delete(id); else hidden.add(id);
  });

  // Zooming asks the server for full detail in the visible window; a reset fetches
  // the overview again. Our own react() calls also fire relayout: ignore those.
  let zooming = false;
  chartEl.on("plotly_relayout", (e) => {
    if (zooming) return;
    let range = null;
    if (e["xaxis.range[0]"] !== undefined) range = [e["xaxis.range[0]"], e["xaxis.range[1]"]];
    else if (Array.isArray(e["xaxis.range"])) range = e["xaxis.range"];
    else if (!e["xaxis.autorange"]) return;
    zooming = true;
    load(range).finally(() => { zooming = false; });
  });

  if (player && player.tagName === "VIDEO") {
    player.addEventListener("timeupdate", () => {
      cursor = player.currentTime;
      Plotly.relayout(chartEl, { shapes: cursorShape(cursor) });
    });
    chartEl.on("plotly_click", (e) => {
      if (e.points.length) player.currentTime = e.points[0].x;
    });
  }
})();
