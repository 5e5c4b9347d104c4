// A media's page. For a video: one curve per face for the chosen metric on the metric's
// fixed axis, a cursor that follows the player, click-to-seek, detail fetched from the
// server when zooming in, the faces' boxes drawn on the player in sync, and under the
// chart, on the same time axis, the content tags' band (a heatmap: one row per tag).
// For a still: the faces outlined on the picture and their emotions side by side.
// Metric, zoom, shown faces and the box overlay are kept in the URL.
"use strict";

(function () {
  const A = window.affectweb;
  const chartEl = document.getElementById("chart");
  const data = A.pageData("chart-data");
  const player = document.getElementById("player");
  const overlay = document.getElementById("overlay");
  const playError = document.getElementById("play-error");
  if (player && player.tagName === "VIDEO" && playError) {
    player.addEventListener("error", () => { playError.hidden = false; });
  }
  if (!chartEl || !data) return;

  // Face boxes on the player: fetched once, drawn for the player's current time.
  let boxes = null;
  const hidden = new Set(); // faces toggled off in the legend: not drawn either
  async function loadBoxes() {
    if (boxes === null) {
      const response = await fetch(chartEl.dataset.boxesUrl, { headers: { Accept: "application/json" } });
      boxes = response.ok ? await response.json() : { faces: [] };
    }
    return boxes;
  }

  function latest(times, t) { // index of the last sample at or before t, −1 if none
    let lo = 0, hi = times.length - 1, found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid] <= t + 1e-6) { found = mid; lo = mid + 1; } else hi = mid - 1;
    }
    return found;
  }

  function drawBoxes(t, still) {
    if (!overlay) return;
    const ctx = overlay.getContext("2d");
    const w = player.clientWidth, h = player.clientHeight;
    if (overlay.width !== w || overlay.height !== h) { overlay.width = w; overlay.height = h; }
    ctx.clearRect(0, 0, w, h);
    if (!boxes || (!still && !document.getElementById("show-boxes").checked)) return;
    const sw = boxes.width || player.videoWidth || player.naturalWidth, sh = boxes.height || player.videoHeight || player.naturalHeight;
    if (!sw || !sh) return;
    const scale = Math.min(w / sw, h / sh); // object-fit: contain → letterboxed
    const ox = (w - sw * scale) / 2, oy = (h - sh * scale) / 2;
    ctx.lineWidth = 2;
    ctx.font = "600 12px system-ui, sans-serif";
    for (const f of boxes.faces) {
      if (hidden.has(f.face_id)) continue;
      const i = still ? 0 : latest(f.t, t);
      if (i < 0 || (!still && t - f.t[i] > 0.25) || f.x[i] === null) continue; // away: no box
      const x = ox + f.x[i] * scale, y = oy + f.y[i] * scale;
      ctx.strokeStyle = ctx.fillStyle = f.colour;
      ctx.strokeRect(x, y, f.w[i] * scale, f.h[i] * scale);
      const label = "face " + f.face_id;
      const tw = ctx.measureText(label).width + 8;
      ctx.fillRect(x - 1, Math.max(0, y - 18), tw, 18);
      ctx.fillStyle = "#fff";
      ctx.fillText(label, x + 3, Math.max(13, y - 5));
    }
  }

  if (data.kind === "image") {
    // A still: every face outlined on the picture, and its emotions as bars.
    const m = data.bars.metrics[0];
    const traces = data.bars.faces.map((f) => ({
      type: "bar", name: "face " + f.face_id, x: data.bars.metrics.map((e) => e.label), y: f.y,
      marker: { color: f.colour }, hovertemplate: `<b>face ${f.face_id}</b><br>%{x}: %{y:.1f} (${m.unit})<extra></extra>`,
    }));
    Plotly.newPlot(chartEl, traces, {
      barmode: "group", margin: { l: 60, r: 10, t: 10, b: 40 }, yaxis: A.yAxis({ ...m, label: "Emotion" }),
      legend: A.legend(), showlegend: true,
    }, A.config());
    const draw = () => drawBoxes(0, true);
    loadBoxes().then(draw);
    if (!player.complete) player.addEventListener("load", draw);
    new ResizeObserver(draw).observe(player);
    return;
  }

  const picker = document.getElementById("metric");
  const helpLink = document.getElementById("metric-help");
  const showBoxes = document.getElementById("show-boxes");
  const url = chartEl.dataset.seriesUrl;
  const DEFAULTS = { metric: data.metric.name, faces: "", start: "", end: "", boxes: "" };
  let state = A.readState(DEFAULTS);
  let metric = data.metric; // {name, label, unit, low, high}
  let cursorAt = 0;
  const band = data.tags; // {labels, x: cell edges (s), z: [tag][second]} or absent
  const allFaces = data.faces.map((f) => f.face_id);

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
      meta: f.face_id, customdata: A.clocks(f.x), hovertemplate: A.hover(metric, "face " + f.face_id),
    }));
    return band ? lines.concat([bandTrace()]) : lines;
  }

  function layout(range) {
    const out = {
      margin: { l: 60, r: 10, t: 30, b: 40 },
      xaxis: { title: { text: "time (s)" }, range: range || [0, data.duration || undefined], autorange: !range && !data.duration },
      yaxis: A.yAxis(metric),
      shapes: [A.cursor(cursorAt)],
      // No uirevision: every draw states the whole view (range, shown faces), and after Back
      // it must win over what the legend toggled.
      showlegend: true, legend: A.legend(),
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
    const params = new URLSearchParams({ metric: state.metric });
    if (range) { params.set("start", range[0]); params.set("end", range[1]); }
    const response = await fetch(url + "?" + params, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const body = await response.json();
    metric = body.describe;
    await plot.draw(() => Plotly.react(chartEl, traces(body.faces), layout(range)));
  }

  // The band adds a row of BAND_ROW px per tag to the chart's height.
  const BAND_ROW = 24;
  const bandShare = band ? BAND_ROW * band.labels.length / (chartEl.offsetHeight + BAND_ROW * band.labels.length) : 0;
  if (band) chartEl.style.height = chartEl.offsetHeight + BAND_ROW * band.labels.length + "px";

  // The page shows what the URL says (also after Back, whatever the browser refilled).
  function apply() {
    picker.value = state.metric;
    helpLink.hash = "metric-" + state.metric.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
    hidden.clear();
    if (state.faces !== "") {
      const shown = new Set(state.faces.split(","));
      allFaces.forEach((id) => { if (!shown.has(id)) hidden.add(id); });
    }
    showBoxes.checked = state.boxes === "1";
    if (state.boxes === "1") loadBoxes().then(() => drawBoxes(player.currentTime));
    else drawBoxes(player.currentTime);
  }

  function save(changes) {
    state = Object.assign({}, state, changes);
    A.writeState(state, DEFAULTS);
  }

  const plot = A.chart(chartEl);
  apply();
  Plotly.newPlot(chartEl, traces(data.faces), layout(null), A.config());
  const initial = A.rangeOf(state);
  if (initial || state.metric !== data.metric.name) load(initial);

  picker.addEventListener("change", () => { save({ metric: picker.value }); apply(); load(A.rangeOf(state)); });
  showBoxes.addEventListener("change", () => { save({ boxes: showBoxes.checked ? "1" : "" }); apply(); });
  A.onRestore(() => { state = A.readState(DEFAULTS); apply(); load(A.rangeOf(state)); });

  chartEl.on("plotly_legendclick", (e) => {
    const id = e.data[e.curveNumber].meta;
    if (id === undefined) return true;
    if (hidden.has(id)) hidden.delete(id); else hidden.add(id);
    const shown = allFaces.filter((f) => !hidden.has(f));
    save({ faces: hidden.size ? shown.join(",") : "" });
    drawBoxes(player.currentTime);
    return true;
  });
  chartEl.on("plotly_legenddoubleclick", () => false); // "only this face" would bypass the URL

  // Zooming asks the server for full detail in the visible window; a reset fetches the
  // overview again.
  plot.onZoom((range) => {
    save({ start: range ? range[0] : "", end: range ? range[1] : "" });
    load(range);
  });

  plot.followPlayer(player, (t) => { cursorAt = t; return [A.cursor(t)]; }, drawBoxes);
  new ResizeObserver(() => drawBoxes(player.currentTime)).observe(player);
  chartEl.on("plotly_click", (e) => {
    if (e.points.length) player.currentTime = e.points[0].x;
  });
})();
