// Inbox keyboard shortcuts: j/k move, o/Enter open, x select, * select all shown or none,
// a assign to me, / search, ? help. Never while typing in a field; the rows stay ordinary
// links and checkboxes, so everything also works with Tab, a mouse or a screen reader.
// Also: the "Select all shown" checkbox (shown only with this script), and "Load more",
// which appends rows with htmx, then moves the focus to the first new row and stops the
// periodic refresh of the first page (it would drop the rows loaded).
(function () {
  "use strict";
  var current = -1;

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("#inbox-list .conv"));
  }

  function focusRow(index) {
    var list = rows();
    if (!list.length) { return; }
    current = Math.max(0, Math.min(index, list.length - 1));
    list.forEach(function (row, i) { row.classList.toggle("is-current", i === current); });
    var link = list[current].querySelector(".conv-link");
    if (link) { link.focus(); }
  }

  function currentRow() {
    var list = rows();
    var active = document.activeElement && document.activeElement.closest
      ? document.activeElement.closest("#inbox-list .conv") : null;
    if (active) { current = list.indexOf(active); return active; }
    return current >= 0 ? list[current] : null;
  }

  function boxes() {
    return Array.prototype.slice.call(document.querySelectorAll("#inbox-list .conv-select"));
  }

  function syncSelectAll() {
    var all = document.getElementById("select-all");
    if (!all) { return; }
    var list = boxes();
    var checked = list.filter(function (box) { return box.checked; }).length;
    all.checked = list.length > 0 && checked === list.length;
    all.indeterminate = checked > 0 && checked < list.length;
  }

  function selectAll(on) {
    boxes().forEach(function (box) { box.checked = on; });
    syncSelectAll();
  }

  var selectAllBox = document.getElementById("select-all");
  if (selectAllBox) {
    selectAllBox.closest(".select-all").hidden = false;
    selectAllBox.addEventListener("change", function () { selectAll(selectAllBox.checked); });
  }
  document.addEventListener("change", function (event) {
    if (event.target && event.target.classList && event.target.classList.contains("conv-select")) {
      syncSelectAll();
    }
  });

  var rowsBeforeMore = -1;
  var loadedMore = false;
  document.addEventListener("htmx:confirm", function (event) {
    var elt = event.detail && event.detail.elt;
    if (!elt) { return; }
    if (elt.id === "inbox-list" && loadedMore) { event.preventDefault(); return; }
    if (elt.classList && elt.classList.contains("load-more")) { rowsBeforeMore = rows().length; }
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (rowsBeforeMore < 0) { syncSelectAll(); return; }
    loadedMore = true;
    var list = rows();
    var first = list[rowsBeforeMore];
    rowsBeforeMore = -1;
    syncSelectAll();
    if (first) {
      current = list.indexOf(first);
      var link = first.querySelector(".conv-link");
      if (link) { link.focus(); }
    }
  });

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable);
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var dialog = document.getElementById("shortcuts");
    if (dialog && dialog.open) { return; }
    if (typing(event.target)) {
      if (event.key === "Escape") { event.target.blur(); }
      return;
    }
    var row = currentRow();
    switch (event.key) {
      case "j": focusRow(row ? current + 1 : 0); break;
      case "k": focusRow(row ? current - 1 : 0); break;
      case "o":
      case "Enter":
        if (!row) { return; }
        var link = row.querySelector(".conv-link");
        if (link) { window.location.href = link.href; }
        break;
      case "x":
        if (!row) { return; }
        var box = row.querySelector(".conv-select");
        if (box) { box.checked = !box.checked; syncSelectAll(); }
        break;
      case "*":
        var anyUnchecked = boxes().some(function (box) { return !box.checked; });
        selectAll(anyUnchecked);
        break;
      case "a":
        var checked = document.querySelectorAll("#inbox-list .conv-select:checked");
        if (!checked.length && row) { row.querySelector(".conv-select").checked = true; }
        if (!checked.length && !row) { return; }
        var button = document.getElementById("bulk-assign-me");
        if (button) { button.click(); }
        break;
      case "/":
        var search = document.getElementById("inbox-q");
        if (search) { search.focus(); search.select(); }
        break;
      case "?":
        if (dialog && dialog.showModal) { dialog.showModal(); }
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  document.addEventListener("click", function (event) {
    if (event.target && event.target.id === "shortcuts-button") {
      var dialog = document.getElementById("shortcuts");
      if (dialog && dialog.showModal) { dialog.showModal(); }
    }
  });
})();
