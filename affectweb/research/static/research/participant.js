// A participant's session: consent and questions; a camera preview checked for a visible
// face; a 3-2-1 countdown, then the stimulus full screen while the webcam records (a
// "Recording" mark shows); the recording goes up in chunks that survive a network drop.
//
// One clock: the recorder starts first (t = 0 of the recording, performance.now() = r0);
// when the stimulus starts playing at stimulus time s1 (performance.now() = p1), a frame
// at recording time τ shows stimulus time τ + offset, offset = s1 - (p1 - r0) / 1000.
"use strict";

(function () {
  const root = document.getElementById("session");
  const base = root.dataset.base;
  const form = document.getElementById("consent-form");
  const message = document.getElementById("message");
  const video = document.getElementById("stimulus");
  const progress = document.getElementById("progress");
  const uploadText = document.getElementById("upload-text");
  const PIECE = 4 * 1024 * 1024;
  let key = null;
  let finished = false;
  const chunks = []; // recorded blobs; index = position
  let sent = 0; // chunks the server holds
  let sending = false;
  let stopped = false;
  let offset = 0;
  let totalBytes = 0;
  let sentBytes = 0;

  const STEPS = ["step-consent", "step-camera", "step-watch", "step-upload"];
  function show(step) {
    for (const id of STEPS) document.getElementById(id).hidden = id !== step;
    document.querySelectorAll(".steps li").forEach((li) => li.classList.toggle("now", li.dataset.step === step));
    document.querySelector(".steps").hidden = step === "step-watch";
  }

  function post(path, body, extra) {
    const headers = Object.assign({ Accept: "application/json" }, extra || {});
    if (key) headers["X-Recording-Key"] = key;
    return fetch(base + path, { method: "POST", headers: headers, body: body, credentials: "omit" });
  }

  function abandon() {
    if (key && !finished) navigator.sendBeacon(base + "abandon?key=" + encodeURIComponent(key));
  }
  window.addEventListener("pagehide", abandon);

  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  function updateProgress() {
    const total = Math.max(totalBytes, 1);
    progress.value = stopped ? sentBytes / total : 0;
    if (stopped) uploadText.textContent = `Sending your recording… ${Math.round((100 * sentBytes) / total)} %`;
  }

  // Sends chunks in order; on a failure waits and retries; a 409 tells where to resume.
  async function pump() {
    if (sending) return;
    sending = true;
    let wait = 500;
    try {
      while (sent < chunks.length || (stopped && !finished)) {
        try {
          if (sent < chunks.length) {
            const r = await post(`chunk?index=${sent}`, chunks[sent]);
            const body = await r.json().catch(() => ({}));
            if (r.ok || (r.status === 409 && typeof body.received === "number")) {
              sent = body.received;
              sentBytes = chunks.slice(0, sent).reduce((a, b) => a + b.size, 0);
              wait = 500;
              updateProgress();
              continue;
            }
            if (r.status < 500 && r.status !== 408 && r.status !== 429) throw new Error(body.error || `HTTP ${r.status}`);
          } else {
            const r = await post(`finish?total=${chunks.length}&offset=${offset}`, "");
            const body = await r.json().catch(() => ({}));
            if (r.ok) {
              finished = true;
              progress.value = 1;
              uploadText.textContent = "Your recording has arrived. You may close this page.";
              document.body.dataset.state = "done";
              break;
            }
            if (r.status === 409 && typeof body.received === "number") { sent = body.received; continue; }
            if (r.status < 500) throw new Error(body.error || `HTTP ${r.status}`);
          }
        } catch (e) {
          if (!(e instanceof TypeError)) { // TypeError: the network; anything else is final
            uploadText.textContent = "The recording could not be sent: " + e.message;
            document.body.dataset.state = "failed";
            return;
          }
        }
        uploadText.textContent = "The connection dropped; trying again…";
        await sleep(wait);
        wait = Math.min(wait * 2, 8000);
      }
    } finally {
      sending = false;
    }
  }

  function answers() {
    const out = {};
    for (const el of form.elements) if (el.name) out[el.name] = el.value;
    return out;
  }

  // Step 2: the camera's preview, checked by the server's face detector on a snapshot
  // every CHECK_EVERY ms until the participant starts the film.
  const CHECK_EVERY = 1500;
  const preview = document.getElementById("preview");
  const faceCheck = document.getElementById("face-check");
  const go = document.getElementById("go");
  let checking = null;
  let stream = null;

  function verdict(text, ok) {
    faceCheck.textContent = text;
    faceCheck.className = "face-check " + (ok ? "ok" : "bad");
    go.disabled = !ok;
    root.dataset.face = ok ? "visible" : "not-visible";
  }

  async function checkFace(failures) {
    if (!preview.videoWidth) { checking = setTimeout(() => checkFace(failures), 300); return; }
    const scale = Math.min(1, 640 / preview.videoWidth);
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(preview.videoWidth * scale);
    canvas.height = Math.round(preview.videoHeight * scale);
    canvas.getContext("2d").drawImage(preview, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((r) => canvas.toBlob(r, "image/jpeg", 0.8));
    try {
      const r = await fetch(base + "check", { method: "POST", body: blob, credentials: "omit",
                                              headers: { "Content-Type": "image/jpeg", Accept: "application/json" } });
      const body = await r.json();
      if (!r.ok) throw new Error(body.error || "HTTP " + r.status);
      failures = 0;
      if (body.faces === 1) verdict("✓ Your face is visible. You can start.", true);
      else if (body.faces > 1) verdict("We see more than one face: only you should be in view.", false);
      else verdict("We cannot see your face yet: face the screen, in good light, inside the oval.", false);
    } catch (e) {
      failures += 1;
      if (failures >= 3) { // the check is a help, not a gate: never lock a participant out
        verdict("We could not check automatically. Make sure your face is inside the oval, then start.", true);
      }
    }
    if (checking !== false) checking = setTimeout(() => checkFace(failures), CHECK_EVERY);
  }

  function stopChecking() {
    if (checking) clearTimeout(checking);
    checking = false;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    message.textContent = "";
    if (!document.getElementById("consent").checked) { message.textContent = "Please accept the text above to take part."; return; }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
    } catch (e) {
      message.textContent = "The camera is needed to take part. Nothing was recorded or sent.";
      document.body.dataset.state = "no-camera";
      return;
    }
    preview.srcObject = stream;
    show("step-camera");
    checkFace(0);
  });

  // Step 3: open the recording, count down, then film and recorder start together.
  go.addEventListener("click", async () => {
    go.disabled = true;
    stopChecking();
    const r = await fetch(base + "begin", { method: "POST", credentials: "omit",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ consent: true, answers: answers() }) });
    const body = await r.json().catch(() => ({}));
    if (!r.ok) {
      faceCheck.textContent = body.error || "This link cannot be used.";
      faceCheck.className = "face-check bad";
      stream.getTracks().forEach((t) => t.stop());
      return;
    }
    key = body.key;
    show("step-watch");
    const full = document.getElementById("step-watch");
    if (full.requestFullscreen) full.requestFullscreen().catch(() => {});
    await countdown(3);
    record(stream);
  });

  async function countdown(from) {
    const el = document.getElementById("countdown");
    el.hidden = false;
    for (let n = from; n > 0; n -= 1) {
      el.textContent = n;
      await sleep(1000);
    }
    el.hidden = true;
  }

  function record(stream) {
    const types = ["video/webm;codecs=vp8", "video/webm;codecs=vp9", "video/webm"];
    const mimeType = types.find((t) => window.MediaRecorder && MediaRecorder.isTypeSupported(t)) || "";
    const recorder = new MediaRecorder(stream, mimeType ? { mimeType: mimeType } : {});
    let r0 = null;
    recorder.addEventListener("dataavailable", (e) => {
      // Pieces of at most 4 MB, well under the server's request limit.
      for (let at = 0; e.data && at < e.data.size; at += PIECE) chunks.push(e.data.slice(at, at + PIECE));
      if (e.data && e.data.size) { totalBytes += e.data.size; pump(); }
    });
    const indicator = document.getElementById("recording");
    recorder.addEventListener("start", () => {
      indicator.hidden = false;
      r0 = performance.now();
      video.currentTime = 0;
      video.play().catch(() => { video.muted = true; video.play(); });
    });
    video.addEventListener("playing", () => {
      if (r0 !== null && !root.dataset.offset) {
        offset = video.currentTime - (performance.now() - r0) / 1000;
        root.dataset.offset = offset.toFixed(3);
      }
    }, { once: true });
    video.addEventListener("ended", () => {
      recorder.stop();
      stream.getTracks().forEach((t) => t.stop());
      if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    });
    recorder.addEventListener("stop", () => {
      indicator.hidden = true;
      // the last dataavailable precedes stop
      setTimeout(() => { stopped = true; show("step-upload"); updateProgress(); pump(); }, 0);
    });
    recorder.start(1000);
  }
})();
