// The customer's time zone, as their browser knows it (an IANA name such as
// "Europe/Warsaw"). Signed in without a stored zone, the page carries a hidden form:
// the zone is posted once and the page shown again in it, unless the customer has
// started typing. A request form carries it in a hidden field (data-browser-time-zone).
(function () {
  "use strict";
  var zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (e) {
    return;
  }
  if (!zone) return;
  document.querySelectorAll("input[data-browser-time-zone]").forEach(function (input) {
    input.value = zone;
  });
  var form = document.getElementById("portal-time-zone");
  if (!form) return;
  form.elements.time_zone.value = zone;
  fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
    .then(function (response) {
      var typing = Array.prototype.some.call(document.querySelectorAll("textarea"), function (t) {
        return t.value.trim() !== "";
      });
      if (response.status === 204 && !typing) window.location.reload();
    })
    .catch(function () {});
})();
