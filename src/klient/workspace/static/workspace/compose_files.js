// Files in a compose box (workspace/_compose_files.html): chosen, dropped on the box or
// pasted (an image), each uploaded at once to workspace:upload; the form then sends only
// the uploads' ids ("attachments"). No framework; the texts come from data attributes.
(function () {
  "use strict";
  if (window.klientComposeFiles) return;  // the template is included once per compose box
  window.klientComposeFiles = true;

  function sizeText(bytes) {
    if (bytes < 1024) return bytes + " B";
    if (bytes < 1048576) return (bytes / 1024).toFixed(1) + " KB";
    return (bytes / 1048576).toFixed(1) + " MB";
  }

  function setUp(box) {
    var form = box.closest("form");
    var zone = box.closest(".compose") || form;
    var input = box.querySelector("[data-file-input]");
    var list = box.querySelector("[data-file-list]");
    var error = box.querySelector("[data-file-error]");
    var text = box.dataset;
    var uploading = 0;

    function say(message) {
      error.textContent = message || "";
      error.hidden = !message;
    }

    function removeButton(name) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button-quiet";
      button.setAttribute("data-remove-file", "");
      button.setAttribute("aria-label", text.textRemove + " " + name);
      button.textContent = text.textRemove;
      return button;
    }

    function show(item, upload) {
      item.textContent = "";
      var name = document.createElement("span");
      name.textContent = upload.filename;
      var size = document.createElement("span");
      size.className = "muted";
      size.textContent = " (" + sizeText(upload.size) + ") ";
      var id = document.createElement("input");
      id.type = "hidden";
      id.name = "attachments";
      id.value = upload.id;
      item.append(name, size, id, removeButton(upload.filename));
      item.setAttribute("data-upload", "");
    }

    function send(file) {
      var item = document.createElement("li");
      item.textContent = text.textUploading + " " + (file.name || "");
      list.appendChild(item);
      uploading += 1;
      var data = new FormData();
      data.append("file", file, file.name || "image.png");
      var token = form.querySelector("[name=csrfmiddlewaretoken]");
      fetch(text.uploadUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "" },
      })
        .then(function (response) {
          return response.json().then(function (body) {
            if (!response.ok) throw new Error(body.detail || text.textFailed);
            show(item, body);
          });
        })
        .catch(function (problem) {
          item.remove();
          say(problem && problem.message && problem.message !== "Failed to fetch"
            ? problem.message : text.textFailed);
        })
        .finally(function () {
          uploading -= 1;
          if (!uploading && error.textContent === text.textBusy) say("");
        });
    }

    function sendAll(files) {
      say("");
      Array.prototype.forEach.call(files, send);
    }

    input.addEventListener("change", function () {
      sendAll(input.files);
      input.value = "";  // the files travel by id, never a second time with the form
    });

    list.addEventListener("click", function (event) {
      var button = event.target.closest("[data-remove-file]");
      if (button) button.closest("li").remove();
    });

    function carriesFiles(event) {
      return event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0;
    }
    zone.addEventListener("dragover", function (event) {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      zone.classList.add("drop-target");
    });
    zone.addEventListener("dragleave", function (event) {
      if (!zone.contains(event.relatedTarget)) zone.classList.remove("drop-target");
    });
    zone.addEventListener("drop", function (event) {
      zone.classList.remove("drop-target");
      if (!carriesFiles(event)) return;
      event.preventDefault();
      sendAll(event.dataTransfer.files);
    });

    form.addEventListener("paste", function (event) {
      var items = event.clipboardData ? event.clipboardData.files : [];
      var images = Array.prototype.filter.call(items, function (file) {
        return file.type.indexOf("image/") === 0;
      });
      if (!images.length) return;  // text pastes as usual
      event.preventDefault();
      sendAll(images);
    });

    form.addEventListener("submit", function (event) {
      if (!uploading) return;
      event.preventDefault();  // the ids of files still on their way would be missing
      say(text.textBusy);
    });
  }

  function setUpAll() {
    document.querySelectorAll("[data-compose-files]").forEach(setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
