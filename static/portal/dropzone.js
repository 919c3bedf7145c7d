// Drag-and-drop image picking with a preview before sending. Markup (see /styleguide):
//   <label class="dropzone" data-dropzone>
//     <input type="file" name="image" accept="image/png,image/jpeg,image/webp">
//     …title and hint…
//     <img class="dropzone-preview" alt="" hidden> <p class="dropzone-file" hidden></p>
//   </label>
// The file input stays the real control (keyboard, screen readers, form submission); a drop just
// fills it. The preview is a blob: URL, so a Content-Security-Policy needs `img-src 'self' blob:`.
(function () {
  "use strict";

  function humanSize(bytes) {
    if (bytes < 1024 * 1024) { return Math.max(1, Math.round(bytes / 1024)) + " KB"; }
    return (bytes / (1024 * 1024)).toFixed(1) + " MB";
  }

  function show(zone, file) {
    var preview = zone.querySelector(".dropzone-preview");
    var name = zone.querySelector(".dropzone-file");
    zone.classList.toggle("has-file", Boolean(file));
    if (preview) {
      if (preview.dataset.url) { URL.revokeObjectURL(preview.dataset.url); }
      var isImage = file && file.type.indexOf("image/") === 0;
      preview.hidden = !isImage;
      if (isImage) {
        preview.dataset.url = URL.createObjectURL(file);
        preview.src = preview.dataset.url;
        preview.alt = "Preview of " + file.name;
      }
    }
    if (name) {
      name.hidden = !file;
      name.textContent = file ? file.name + " · " + humanSize(file.size) : "";
    }
  }

  function setup(zone) {
    if (zone.dataset.dropzoneReady) { return; }
    zone.dataset.dropzoneReady = "1";
    var input = zone.querySelector('input[type="file"]');
    if (!input) { return; }
    ["dragenter", "dragover"].forEach(function (type) {
      zone.addEventListener(type, function (event) {
        event.preventDefault();
        zone.classList.add("is-dragover");
      });
    });
    ["dragleave", "dragend", "drop"].forEach(function (type) {
      zone.addEventListener(type, function (event) {
        if (type === "dragleave" && zone.contains(event.relatedTarget)) { return; }
        zone.classList.remove("is-dragover");
      });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      var files = event.dataTransfer && event.dataTransfer.files;
      if (!files || !files.length) { return; }
      input.files = files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
    input.addEventListener("change", function () { show(zone, input.files[0]); });
    if (input.files && input.files[0]) { show(zone, input.files[0]); }
  }

  function init(root) {
    if (root.matches && root.matches("[data-dropzone]")) { setup(root); }
    if (root.querySelectorAll) { root.querySelectorAll("[data-dropzone]").forEach(setup); }
  }

  // A file dropped beside the zone must not make the browser leave the page to open it.
  ["dragover", "drop"].forEach(function (type) {
    window.addEventListener(type, function (event) {
      if (document.querySelector("[data-dropzone]")) { event.preventDefault(); }
    });
  });

  init(document);
  document.addEventListener("htmx:load", function (event) { init(event.detail.elt); });
})();
