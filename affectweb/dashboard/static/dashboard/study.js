// A study's page: drag-and-drop or keyboard uploads (one XHR per file: its own progress
// bar and Cancel), refused files kept in the list until dismissed, and a media list
// that refreshes itself in place while analyses are in flight.
"use strict";

(function () {
  const form = document.getElementById("upload");
  const list = document.getElementById("uploads");
  const csrf = form.querySelector("[name=csrfmiddlewaretoken]").value;

  function row(file) {
    const li = document.createElement("li");
    const name = document.createElement("span");
    name.className = "name";
    name.textContent = file.name;
    const bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", "Upload of " + file.name);
    const cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "link";
    cancel.textContent = "Cancel";
    li.append(name, bar, cancel);
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
    if (ok) return;
    // A refusal stays until the researcher has read it.
    li.classList.add("refused");
    li.setAttribute("role", "alert");
    const dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "link";
    dismiss.textContent = "Dismiss";
    dismiss.setAttribute("aria-label", "Dismiss the message about " + li.querySelector(".name").textContent);
    dismiss.addEventListener("click", () => { li.remove(); input.focus(); });
    li.appendChild(dismiss);
  }

  function send(file) {
    const li = row(file);
    if (file.size > Number(form.dataset.maxBytes)) {
      // The server would refuse it too, but only after receiving all of it.
      return finish(li, "Refused: the file is larger than the limit.", false);
    }
    const xhr = new XMLHttpRequest();
    const data = new FormData();
    data.append("files", file);
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-CSRFToken", csrf);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) li.querySelector("progress").value = (100 * e.loaded) / e.total;
    });
    xhr.addEventListener("load", () => {
      let result;
      try { result = JSON.parse(xhr.responseText).results[0]; } catch (err) { result = null; }
      if (result && result.ok) {
        finish(li, "uploaded, analysis " + result.status, true);
        refresh();
      } else {
        finish(li, "Refused: " + (result ? result.error : "the server answered HTTP " + xhr.status + "."), false);
      }
    });
    xhr.addEventListener("error", () => finish(li, "Not sent: the network failed. Try again.", false));
    xhr.addEventListener("abort", () => finish(li, "Cancelled.", false));
    li.querySelector("button").addEventListener("click", () => xhr.abort());
    xhr.send(data);
  }

  const input = form.querySelector("input[type=file]");
  input.addEventListener("change", () => { Array.from(input.files).forEach(send); input.value = ""; });
  ["dragenter", "dragover"].forEach((t) => form.addEventListener(t, (e) => { e.preventDefault(); form.classList.add("over"); }));
  ["dragleave", "drop"].forEach((t) => form.addEventListener(t, () => form.classList.remove("over")));
  form.addEventListener("drop", (e) => { e.preventDefault(); Array.from(e.dataTransfer.files).forEach(send); });

  // Status polling, only while something is queued or working. When the list changes
  // (a new upload, an analysis done) its rows are fetched anew and swapped in place:
  // the upload list above, refused files included, stays as it is.
  const table = document.getElementById("media-list");
  let timer = null;

  function render(tr, m) {
    const status = tr.querySelector("[data-status]");
    status.className = "status " + m.status;
    status.textContent = m.status === "working" && m.progress != null ? "working " + Math.round(m.progress * 100) + "%" : m.status;
    tr.querySelector("[data-error]").textContent = m.error;
  }

  async function refresh() {
    const response = await fetch(location.pathname, { headers: { Accept: "text/html" } });
    if (!response.ok) return poll(true);
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const id of ["media-list", "stats"]) {
      const el = fresh.getElementById(id);
      if (el) document.getElementById(id).replaceWith(el);
    }
    poll(document.querySelector("#media-list tr[data-in-flight]") !== null);
  }

  async function check() {
    timer = null;
    const current = document.getElementById("media-list");
    const response = await fetch(table.dataset.statusUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) return poll(true);
    const media = (await response.json()).media;
    if (media.length !== current.querySelectorAll("tr[data-media]").length) return refresh();
    let inFlight = false;
    for (const m of media) {
      const tr = current.querySelector('tr[data-media="' + m.id + '"]');
      const was = tr.hasAttribute("data-in-flight");
      const now = m.status === "queued" || m.status === "working";
      if (was && !now) return refresh(); // done or failed: new links and buttons
      render(tr, m);
      inFlight = inFlight || now;
    }
    poll(inFlight);
  }

  function poll(needed) {
    if (needed && timer === null) timer = setTimeout(check, 3000);
  }

  poll(table.querySelector("tr[data-in-flight]") !== null);
})();
