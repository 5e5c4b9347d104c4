// A study's page: drag-and-drop uploads (one XHR per file: its own progress bar and
// Cancel), and a media list that refreshes itself while analyses are in flight.
"use strict";

(function () {
  const form = document.getElementById("upload");
  const list = document.getElementById("uploads");
  const csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;

  function row(file) {
    const li = document.createElement("li");
    li.innerHTML = "<span class=name></span><progress max=100 value=0></progress><button type=button class=link>Cancel</button>";
    li.querySelector(".name").textContent = file.name;
    list.appendChild(li);
    return li;
  }

  function finish(li, message, ok) {
    li.querySelector("button").remove();
    li.querySelector("progress").remove();
    const note = document.createElement("span");
    note.className = ok ? "status done" : "error";
    note.textContent = message;
    li.appendChild(note);
  }

  function send(file) {
    const li = row(file);
    if (file.size > Number(form.dataset.maxBytes)) {
      // The server would refuse it too, but only after receiving all of it.
      return finish(li, "The file is larger than the limit.", false);
    }
    const xhr = new XMLHttpRequest();
    const data = new FormData();
    data.append("files", file);
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-CSRFToken", csrf);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) li.querySelector("progress").value = (100 * e.loaded) / e.total;
    };
    xhr.onload = () => {
      let result;
      try { result = JSON.parse(xhr.responseText).results[0]; } catch (err) { result = null; }
      if (result && result.ok) {
        finish(li, "uploaded, analysis " + result.status, true);
        refreshSoon(true);
      } else {
        finish(li, result ? result.error : "Upload failed (HTTP " + xhr.status + ").", false);
      }
    };
    xhr.onerror = () => finish(li, "Upload failed: network error.", false);
    xhr.onabort = () => finish(li, "Cancelled.", false);
    li.querySelector("button").onclick = () => xhr.abort();
    xhr.send(data);
  }

  const input = form.querySelector("input[type=file]");
  input.addEventListener("change", () => { Array.from(input.files).forEach(send); input.value = ""; });
  ["dragenter", "dragover"].forEach((t) => form.addEventListener(t, (e) => { e.preventDefault(); form.classList.add("over"); }));
  ["dragleave", "drop"].forEach((t) => form.addEventListener(t, () => form.classList.remove("over")));
  form.addEventListener("drop", (e) => { e.preventDefault(); Array.from(e.dataTransfer.files).forEach(send); });

  // Status polling: only while something is queued or working; a new upload needs
  // rows the page does not have yet, so it reloads once the list has changed.
  const table = document.getElementById("media-list");
  let timer = null;

  function render(tr, m) {
    const status = tr.querySelector("[data-status]");
    status.className = "status " + m.status;
    status.textContent = m.status === "working" && m.progress != null ? "working " + Math.round(m.progress * 100) + "%" : m.status;
    tr.querySelector("[data-error]").textContent = m.error;
  }

  async function refresh() {
    timer = null;
    const response = await fetch(table.dataset.statusUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) return refreshSoon(false);
    const media = (await response.json()).media;
    const rows = table.querySelectorAll("tr[data-media]");
    if (media.length !== rows.length) return location.reload();
    let inFlight = false;
    media.forEach((m) => {
      const tr = table.querySelector('tr[data-media="' + m.id + '"]');
      const wasInFlight = tr.hasAttribute("data-in-flight");
      render(tr, m);
      const now = m.status === "queued" || m.status === "working";
      if (wasInFlight && !now) return location.reload(); // done or error: new links and buttons
      inFlight = inFlight || now;
    });
    refreshSoon(inFlight);
  }

  function refreshSoon(needed) {
    if (needed && timer === null) timer = setTimeout(refresh, 3000);
  }

  refreshSoon(table.querySelector("tr[data-in-flight]") !== null);
})();
