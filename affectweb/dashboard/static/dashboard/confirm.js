// Destructive forms (deleting media or a study) ask first.
"use strict";
document.querySelectorAll("form.confirm").forEach((form) => {
  form.addEventListener("submit", (e) => {
    if (!window.confirm(form.dataset.confirm)) e.preventDefault();
  });
});
