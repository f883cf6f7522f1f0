/* The conversation page's compose box (docs/workspace.md, "Drafts and undo send"):
 *
 * - the reply being written is saved as the agent's draft a moment after they stop typing
 *   (POST to the form's data-draft-url; an empty box discards it), and when they leave the
 *   page; the page puts it back in the box when it opens again;
 * - leaving the page with unsent text in a compose box asks first (beforeunload), except
 *   for the text of the form being submitted and a reply the server holds as the draft
 *   (restored with the page, or saved since and not changed after);
 * - a just-sent reply's Undo button counts down its window and goes when it is over.
 */
(function () {
  "use strict";

  var SAVE_DELAY_MS = 800;
  var leavingWith = null; // the form whose submission is taking the agent away

  document.addEventListener("submit", function (event) {
    // Forms htmx handles (tags, checks) stay on the page: they prevent the default.
    if (!event.defaultPrevented) leavingWith = event.target;
  });

  function unsentText() {
    var boxes = document.querySelectorAll(".compose textarea");
    for (var i = 0; i < boxes.length; i++) {
      var box = boxes[i];
      if (leavingWith && leavingWith.contains(box)) continue;
      if (box.dataset.saved !== undefined && box.value === box.dataset.saved) continue;
      if (box.value.trim()) return true;
    }
    return false;
  }

  window.addEventListener("beforeunload", function (event) {
    if (!unsentText()) return;
    event.preventDefault();
    event.returnValue = ""; // older Chromium needs it set to show the dialog
  });

  /* Draft autosave ------------------------------------------------------------------- */

  var form = document.querySelector("form[data-draft-url]");
  if (form) {
    var box = form.querySelector("textarea[name=body]");
    var status = form.querySelector(".draft-status");
    var url = form.getAttribute("data-draft-url");
    var timer = null;
    var inflight = null;
    var dirty = false; // typed since the last save started
    // What the server holds as the draft: the text the page came with, unless the box
    // holds what a refused reply sent back (the page says which).
    if (form.hasAttribute("data-draft-loaded")) box.dataset.saved = box.value;

    var show = function (state) {
      if (status) status.textContent = form.getAttribute("data-text-" + state) || "";
    };

    var payload = function () {
      var data = new FormData();
      data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
      data.append("body", box.value);
      form.querySelectorAll("[name=attachments]").forEach(function (input) {
        if (input.value) data.append("attachments", input.value);
      });
      return data;
    };

    var save = function () {
      clearTimeout(timer);
      timer = null;
      if (inflight) return inflight; // saved again when it ends, while dirty
      dirty = false;
      show("saving");
      var sending = box.value;
      inflight = fetch(url, { method: "POST", body: payload(), credentials: "same-origin" })
        .then(
          function (response) {
            show(response.ok ? "saved" : "unsaved");
            if (response.ok) box.dataset.saved = sending;
          },
          function () {
            show("unsaved");
          }
        )
        .then(function () {
          inflight = null;
          if (dirty) return save();
        });
      return inflight;
    };

    box.addEventListener("input", function () {
      dirty = true;
      clearTimeout(timer);
      timer = setTimeout(save, SAVE_DELAY_MS);
    });

    form.addEventListener("submit", function (event) {
      // Sending deletes the draft: no save may land after it and bring the text back.
      clearTimeout(timer);
      timer = null;
      dirty = false;
      if (!inflight) return;
      event.preventDefault();
      inflight.then(function () {
        if (form.requestSubmit) form.requestSubmit();
        else form.submit();
      });
    });

    var flush = function () {
      if (!dirty || leavingWith === form) return;
      dirty = false;
      clearTimeout(timer);
      if (navigator.sendBeacon) navigator.sendBeacon(url, payload());
    };
    window.addEventListener("pagehide", flush);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "hidden") flush();
    });
  }

  /* Undo send ------------------------------------------------------------------------ */

  // Counted from when the page got each button (live refreshes bring new ones), so the
  // browser's clock does not have to agree with the server's.
  function tick() {
    document.querySelectorAll("form.undo-send[data-undo-ms]").forEach(function (undo) {
      if (!undo.dataset.until) {
        undo.dataset.until = String(Date.now() + parseInt(undo.dataset.undoMs, 10));
      }
      var left = Math.ceil((parseInt(undo.dataset.until, 10) - Date.now()) / 1000);
      if (left <= 0) {
        undo.remove();
        return;
      }
      var countdown = undo.querySelector(".undo-countdown");
      if (countdown) countdown.textContent = (undo.dataset.countdown || "").replace("{seconds}", left);
    });
  }
  tick();
  setInterval(tick, 250);
})();
