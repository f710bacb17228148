// The workspace's own script (no inline scripts on any page).
"use strict";

// htmx: a refusal (400 invalid value, 403 closed, 409 changed by someone else) is an
// answer to show next to the field, not an error to drop.
if (window.htmx) {
  window.htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "40[039]", swap: true, error: false },
    { code: "...", swap: false, error: true },
  ];
}

// Evidence documents: files dropped on a leaf's box go to its file input, which uploads
// them (the same as choosing them with the keyboard).
(function () {
  // the drop target is the whole leaf (its documents box lights up), or a box by itself
  function zone(e) {
    var t = e.target;
    if (!t || !t.closest) { return null; }
    var leaf = t.closest(".leaf");
    var z = leaf ? leaf.querySelector(".drop") : t.closest(".drop");
    return z && !z.classList.contains("locked") ? z : null;
  }
  document.addEventListener("dragover", function (e) {
    var z = zone(e);
    if (z) { e.preventDefault(); z.classList.add("over"); }
  });
  document.addEventListener("dragleave", function (e) {
    var z = zone(e);
    var leaf = z ? z.closest(".leaf") || z : null;
    if (z && !leaf.contains(e.relatedTarget)) { z.classList.remove("over"); }
  });
  document.addEventListener("drop", function (e) {
    var z = zone(e);
    if (!z) { return; }
    e.preventDefault();
    z.classList.remove("over");
    var input = z.querySelector("input[type=file]");
    if (!input || input.disabled || !e.dataTransfer || !e.dataTransfer.files.length) { return; }
    input.files = e.dataTransfer.files;
    input.dispatchEvent(new Event("change", { bubbles: true }));
  });
  // a field being saved says so until the answer comes
  document.addEventListener("htmx:beforeRequest", function (e) {
    var target = e.detail && e.detail.target;
    if (target && target.classList && target.classList.contains("status")) {
      target.textContent = "…";
    }
  });
})();
