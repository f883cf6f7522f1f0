/* Klient chat loader: the one tag a customer puts on their site
 *   <script src="https://desk.example/chat/widget.js" data-team="Support" async></script>
 * It only draws the launcher; the chat itself (app.js) is fetched when the visitor opens it,
 * so a page that never chats pays for this file alone. Plain ES2017, no framework. */
(function () {
  "use strict";
  if (window.KlientChat) return; // the tag pasted twice: one launcher

  // An async script still has currentScript while it runs; the selector is for loaders
  // injected by tag managers, where it can be null.
  var script = document.currentScript || document.querySelector('script[src*="/chat/widget.js"]');
  if (!script) return;
  var base = new URL(script.src, location.href).origin;
  var team = script.getAttribute("data-team") || "";
  var version = "__KLIENT_APP_VERSION__"; // the app's hash, filled in by the server

  var LABELS = {
    en: "Chat with us",
    fr: "Discutez avec nous",
    pl: "Czat z nami",
    de: "Chatten Sie mit uns",
    uk: "Напишіть нам",
  };

  /** The page's language, else the browser's, else English; only the five we speak. */
  function language() {
    var wanted = [document.documentElement.lang].concat(navigator.languages || [navigator.language]);
    for (var i = 0; i < wanted.length; i++) {
      var code = String(wanted[i] || "").toLowerCase().split("-")[0];
      if (LABELS[code]) return code;
    }
    return "en";
  }

  var lang = language();
  var state = { base: base, team: team, lang: lang, app: null, loading: false };
  window.KlientChat = state;

  var css =
    ".kc-launcher{position:fixed;right:16px;bottom:16px;z-index:2147483000;width:56px;" +
    "height:56px;border-radius:50%;border:0;background:#1f5fbf;color:#fff;cursor:pointer;" +
    "box-shadow:0 2px 8px rgba(0,0,0,.3);display:flex;align-items:center;justify-content:center;" +
    "padding:0;margin:0}" +
    ".kc-launcher:focus-visible{outline:3px solid #ffbf47;outline-offset:2px}" +
    ".kc-launcher svg{width:28px;height:28px;fill:currentColor}" +
    ".kc-launcher[aria-busy=true]{opacity:.7}";

  function mount() {
    var style = document.createElement("style");
    style.textContent = css;
    document.head.appendChild(style);

    var button = document.createElement("button");
    button.type = "button"; // a button: Tab reaches it, Enter and Space press it
    button.className = "kc-launcher";
    button.setAttribute("aria-label", LABELS[lang]);
    button.setAttribute("aria-haspopup", "dialog");
    button.setAttribute("aria-expanded", "false");
    button.innerHTML =
      '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 4h16a2 2 0 0 1 2 ' +
      "2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z\"/></svg>";
    button.addEventListener("click", open);
    document.body.appendChild(button);
    state.launcher = button;
  }

  /** Opens the chat, fetching the app the first time. */
  function open() {
    if (state.app) return state.app.toggle();
    if (state.loading) return;
    state.loading = true;
    state.launcher.setAttribute("aria-busy", "true");
    var app = document.createElement("script");
    app.src = base + "/chat/app.js?v=" + encodeURIComponent(version);
    app.async = true;
    app.onload = function () {
      state.loading = false;
      state.launcher.removeAttribute("aria-busy");
      if (state.app) state.app.open();
    };
    app.onerror = function () {
      // Let the next press try again (a flaky phone connection, say).
      state.loading = false;
      state.launcher.removeAttribute("aria-busy");
      app.remove();
    };
    document.head.appendChild(app);
  }

  state.open = open;
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);
})();
