// What the chart pages share (a media's page, a study's group view): the page's data,
// the view kept in the URL, time as mm:ss.s, one fixed axis per metric, tooltips that
// say what a value is, a cursor that follows the player, and Plotly's options.
"use strict";

window.affectweb = (function () {
  function pageData(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function clock(seconds) {
    const s = Math.max(0, seconds || 0);
    const m = Math.floor(s / 60);
    return String(m).padStart(2, "0") + ":" + (s - 60 * m).toFixed(1).padStart(4, "0");
  }

  // The view's state lives in the query string, so Back, Forward, reload and a pasted
  // link show exactly what was shown. `defaults` names every key the page keeps; a
  // value equal to its default stays out of the URL.
  function readState(defaults) {
    const q = new URLSearchParams(location.search);
    const out = {};
    for (const [k, d] of Object.entries(defaults)) out[k] = q.has(k) ? q.get(k) : d;
    return out;
  }

  function writeState(state, defaults, replace) {
    // The page's keys in one order, after any other: the same view, the same link.
    const q = new URLSearchParams(location.search);
    for (const k of Object.keys(defaults)) q.delete(k);
    for (const [k, d] of Object.entries(defaults)) {
      const v = state[k] === null || state[k] === undefined ? "" : String(state[k]);
      if (v !== String(d) && v !== "") q.set(k, v);
    }
    const url = location.pathname + (q.toString() ? "?" + q : "") + location.hash;
    if (url === location.pathname + location.search + location.hash) return;
    history[replace ? "replaceState" : "pushState"](null, "", url);
  }

  // Back/Forward within the page, and a page restored from the back-forward cache
  // (whose form fields the browser may have refilled with older values).
  function onRestore(callback) {
    window.addEventListener("popstate", callback);
    window.addEventListener("pageshow", (e) => { if (e.persisted) callback(); });
  }

  function rangeOf(state) {
    const lo = parseFloat(state.start), hi = parseFloat(state.end);
    return isFinite(lo) && isFinite(hi) && hi > lo ? [lo, hi] : null;
  }

  function round(x) { return Math.round(x * 1000) / 1000; }

  // A metric as the server describes it: {name, label, group, low, high, unit}.
  function axisTitle(m) { return m.unit ? `${m.label} (${m.unit})` : m.label; }

  function yAxis(m) {
    const axis = { title: { text: axisTitle(m) }, fixedrange: true, zeroline: m.low !== null && m.low < 0 };
    if (m.low !== null && m.high !== null) {
      const pad = (m.high - m.low) * 0.02; // the extremes stay visible, not on the frame
      axis.range = [m.low - pad, m.high + pad];
      axis.autorange = false;
    } else if (m.low !== null) {
      axis.rangemode = "tozero";
    }
    return axis;
  }

  function clip(m, v) {
    if (v === null) return null;
    if (m.low !== null && v < m.low) return m.low;
    if (m.high !== null && v > m.high) return m.high;
    return v;
  }

  // customdata per point: [time as mm:ss.s, …extra]; the template names the series.
  function hover(m, name, extra) {
    const unit = m.unit ? ` <span style="color:#5b6475">(${m.unit})</span>` : "";
    return `<b>${name}</b><br>${m.label}: %{y:.1f}${unit}<br>at %{customdata[0]}${extra || ""}<extra></extra>`;
  }

  function clocks(times, ...columns) {
    return times.map((t, i) => [clock(t), ...columns.map((c) => c[i])]);
  }

  function cursor(t) {
    return { type: "line", xref: "x", yref: "paper", x0: t, x1: t, y0: 0, y1: 1, name: "cursor",
             line: { color: "#1d2330", width: 1.5 } };
  }

  // Calls `tick(seconds)` as the player moves: every frame while it plays, and on seeks.
  function follow(player, tick) {
    let running = false;
    function frame() {
      tick(player.currentTime);
      if (!player.paused && !player.ended) requestAnimationFrame(frame); else running = false;
    }
    player.addEventListener("play", () => { if (!running) { running = true; requestAnimationFrame(frame); } });
    player.addEventListener("seeked", () => tick(player.currentTime));
    player.addEventListener("timeupdate", () => { if (!running) tick(player.currentTime); });
  }

  // A chart that tells its own redraws from the researcher's zooms (Plotly fires
  // plotly_relayout for both), and whose cursor follows a player.
  function chart(el) {
    let drawing = false;
    async function draw(fn) {
      drawing = true;
      try { return await fn(); } finally { drawing = false; }
    }
    // `callback([start, end])` on a zoom, `callback(null)` on a reset of the time axis.
    function onZoom(callback) {
      el.on("plotly_relayout", (e) => {
        if (drawing) return;
        let range = null;
        if (e["xaxis.range[0]"] !== undefined) range = [e["xaxis.range[0]"], e["xaxis.range[1]"]];
        else if (Array.isArray(e["xaxis.range"])) range = e["xaxis.range"];
        else if (!e["xaxis.autorange"]) return;
        callback(range ? range.map(round) : null);
      });
    }
    // `shapesAt(t)` gives the layout's shapes with the cursor at t; redrawn only when it
    // moved a frame or more. `each(t)` runs at every tick (the face boxes).
    function followPlayer(player, shapesAt, each) {
      let at = 0;
      follow(player, (t) => {
        if (each) each(t);
        if (Math.abs(t - at) < 0.04) return;
        at = t;
        draw(() => Plotly.relayout(el, { shapes: shapesAt(t) }));
      });
    }
    return { draw, onZoom, followPlayer };
  }

  // The mode bar only where there is room: on a phone it covers the ticks.
  function config() {
    return { responsive: true, displaylogo: false, displayModeBar: window.innerWidth >= 700,
             modeBarButtonsToRemove: ["lasso2d", "select2d"] };
  }

  function narrow() { return window.innerWidth < 700; }

  function legend() {
    return { orientation: "h", y: -0.18, x: 0, font: { size: narrow() ? 10 : 12 } };
  }

  return { pageData, clock, readState, writeState, onRestore, rangeOf, round, axisTitle, yAxis, clip, hover,
           clocks, cursor, chart, config, narrow, legend };
})();
