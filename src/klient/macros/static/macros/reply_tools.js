// Reply tools: put a saved reply or a knowledge-base excerpt into the reply box at the
// cursor (htmx brings the text; inline scripts are not allowed by the page's policy).
(function () {
  "use strict";

  function insertIntoReply(text) {
    var box = document.getElementById("id_body");
    if (!box || !text) return;
    var start = box.selectionStart, end = box.selectionEnd;
    if (typeof start !== "number" || document.activeElement !== box && start === 0 && end === 0) {
      start = end = box.value.length;
    }
    var before = box.value.slice(0, start), after = box.value.slice(end);
    var gap = before && !/\n$/.test(before) ? "\n" : "";
    box.value = before + gap + text + after;
    var caret = (before + gap + text).length;
    box.focus();
    box.setSelectionRange(caret, caret);
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }

  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "macro-result") return;
    var result = event.detail.target.querySelector("[data-macro-text]");
    if (!result) return;
    insertIntoReply(result.getAttribute("data-macro-text"));
    var status = result.getAttribute("data-macro-status");
    var box = document.getElementById("id_body");
    // The reply form's own status field (the details form has one with the same id).
    var select = box && box.form ? box.form.elements.namedItem("status") : null;
    if (status && select) select.value = status;
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-insert-text]");
    if (!button) return;
    event.preventDefault();
    insertIntoReply(button.getAttribute("data-insert-text"));
  });

  document.addEventListener("keydown", function (event) {
    var picker = document.getElementById("macro-picker");
    if (!picker) return;
    if (event.altKey && (event.key === "m" || event.key === "M")) {
      event.preventDefault();
      picker.focus();
    } else if (event.key === "Enter" && document.activeElement === picker && picker.value) {
      event.preventDefault();  // Enter in the picker inserts, it does not send the reply
      document.getElementById("macro-insert").click();
    }
  });
})();
