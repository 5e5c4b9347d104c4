// A media's chart: one curve per face for the chosen metric, a cursor that follows
// the video, click-to-seek, and detail fetched from the server when zooming in.
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

  function traces(faces) {
    return faces.map((f) => ({
      x: f.x, y: f.y, name: "face " + f.face_id, type: "scatter", mode: "lines",
      line: { color: f.colour, width: 1.5 }, visible: hidden.has(f.face_id) ? "legendonly" : true,
      meta: f.face_id,
    }));
  }

  function cursorShape(t) {
    return [{ type: "line", xref: "x", yref: "paper", x0: t, x1: t, y0: 0, y1: 1, line: { color: "#000", width: 1 } }];
  }

  function layout(range) {
    return {
      margin: { l: 50, r: 20, t: 10, b: 40 },
      xaxis: { title: { text: "time (s)" }, range: range || undefined, autorange: !range },
      yaxis: { title: { text: metric }, fixedrange: true },
      shapes: player && player.tagName === "VIDEO" ? cursorShape(cursor) : [],
      showlegend: true, legend: { orientation: "h", y: -0.2 }, uirevision: metric,
    };
  }

  async function load(range) {
    const params = new URLSearchParams({ metric: metric });
    if (range) { params.set("start", range[0]); params.set("end", range[1]); }
    const response = await fetch(url + "?" + params, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const body = await response.json();
    await Plotly.react(chartEl, traces(body.faces), layout(range));
  }

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
