// The bell's disclosure (notifications/_nav.html): it is a <details>, so the keyboard
// opens it with Enter or Space already; this adds what a menu also does: Escape closes
// it and gives the focus back to the bell, a click elsewhere closes it.
(function () {
  "use strict";
  function menu() { return document.getElementById("notif-menu"); }

  document.addEventListener("keydown", function (event) {
    var details = menu();
    if (event.key !== "Escape" || !details || !details.open) { return; }
    details.open = false;
    details.querySelector("summary").focus();
  });

  document.addEventListener("click", function (event) {
    var details = menu();
    if (details && details.open && !details.contains(event.target)) { details.open = false; }
  });
})();
