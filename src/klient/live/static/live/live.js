/* Klient live updates and collision detection. Protocol and page contract: docs/live.md.
 *
 * - One WebSocket per page: /ws/live/ or, on a conversation page (an element with
 *   data-live-conversation), /ws/live/c/<reference>/.
 * - "conversation.changed": dispatches the DOM event "klient:conversation-changed" and
 *   refreshes the page's live regions (elements with an id and data-live-refresh) from
 *   their URL (the attribute's value, else this page), by the same id. A region the agent
 *   is working in (focus or a ticked box inside) is not replaced: a "show" bar appears.
 * - "notifications.changed": the agent was notified; the bell (.notif-bell) is refreshed
 *   from this page's URL.
 * - "presence": who else is viewing or typing, shown in the data-live-conversation box.
 *   Peers that stop sending heartbeats (closed tab, lost network) expire.
 */
(function () {
  "use strict";

  var HEARTBEAT_MS = 15000;
  var PEER_EXPIRES_MS = 40000; // more than two missed heartbeats
  var TYPING_EXPIRES_MS = 8000; // a typist's renewals stopped arriving
  var TYPING_IDLE_MS = 4000; // this page's agent stopped typing
  var TYPING_RENEW_MS = 2500;
  var REFRESH_DELAY_MS = 250; // coalesce a burst of notices into one fetch
  // Regions refreshed when the page marks none with data-live-refresh.
  var DEFAULT_REGIONS = ["#inbox-list", ".conv-page .thread", ".conv-page .timeline", ".conv-title .conv-meta"];

  var config = document.getElementById("live-config");
  if (!config || !("WebSocket" in window)) return;
  function text(name) {
    return config.getAttribute("data-text-" + name) || "";
  }
  var presenceBox = document.querySelector("[data-live-conversation]");
  var reference = presenceBox ? presenceBox.getAttribute("data-live-conversation") : "";

  var socket = null;
  var retryMs = 1000;
  var seen = {}; // reference -> last event id notified
  var peers = {}; // socket id -> {user, state, seenAt, stateAt}
  var typingSentAt = 0;
  var typingWhat = "";
  var idleTimer = null;
  var refreshTimer = null;

  function socketUrl() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var path = config.getAttribute("data-socket-path") + (reference ? "c/" + encodeURIComponent(reference) + "/" : "");
    return scheme + location.host + path;
  }

  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  function connect() {
    socket = new WebSocket(socketUrl());
    socket.onopen = function () {
      retryMs = 1000;
      document.documentElement.removeAttribute("data-live-offline");
      document.documentElement.setAttribute("data-live", "connected");
    };
    socket.onmessage = function (event) {
      var message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      if (message.type === "conversation.changed") onChanged(message);
      else if (message.type === "notifications.changed") refreshBell();
      else if (message.type === "presence") onPresence(message);
    };
    socket.onclose = function (event) {
      document.documentElement.setAttribute("data-live", "closed");
      peers = {};
      renderPresence();
      // Refused (not signed in, or outside the agent's scope): do not hammer the server.
      if (leaving || event.code === 4401 || event.code === 4404) return;
      document.documentElement.setAttribute("data-live-offline", text("offline"));
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 30000);
    };
  }

  /* Change notices ------------------------------------------------------------------ */

  function onChanged(message) {
    if (seen[message.reference] >= message.event) return; // the same notice via two groups
    seen[message.reference] = message.event;
    document.dispatchEvent(
      new CustomEvent("klient:conversation-changed", {
        detail: { reference: message.reference, kinds: message.kinds, event: message.event },
      })
    );
    if (reference && message.reference !== reference) return;
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(refreshRegions, REFRESH_DELAY_MS);
  }

  function regions() {
    var marked = Array.prototype.slice.call(document.querySelectorAll("[data-live-refresh][id]"));
    if (marked.length) {
      return marked.map(function (element) {
        return { selector: "#" + CSS.escape(element.id), url: element.getAttribute("data-live-refresh") };
      });
    }
    return DEFAULT_REGIONS.filter(function (selector) {
      return document.querySelector(selector);
    }).map(function (selector) {
      return { selector: selector, url: "" };
    });
  }

  function busy(element) {
    var active = document.activeElement;
    if (active && active !== document.body && element.contains(active)) return true;
    return element.querySelector("input[type=checkbox]:checked") !== null;
  }

  function replace(element, fresh) {
    var node = document.importNode(fresh, true);
    element.replaceWith(node);
    if (window.htmx) window.htmx.process(node);
    document.dispatchEvent(new CustomEvent("klient:live-refreshed", { detail: { element: node } }));
  }

  function offer(element, fresh) {
    var bar = element.previousElementSibling;
    if (!bar || !bar.classList.contains("live-updates-bar")) {
      bar = document.createElement("div");
      bar.className = "live-updates-bar";
      bar.setAttribute("role", "status");
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = text("updates");
      bar.appendChild(button);
      element.parentNode.insertBefore(bar, element);
    }
    bar.querySelector("button").onclick = function () {
      bar.remove();
      replace(element, fresh);
    };
  }

  function refreshRegions() {
    var byUrl = {};
    regions().forEach(function (region) {
      var url = region.url || location.href;
      (byUrl[url] = byUrl[url] || []).push(region.selector);
    });
    Object.keys(byUrl).forEach(function (url) {
      fetch(url, { credentials: "same-origin", headers: { "X-Klient-Live": "1" } })
        .then(function (response) {
          return response.ok && !response.redirected ? response.text() : null;
        })
        .then(function (html) {
          if (html === null) return;
          var fetched = new DOMParser().parseFromString(html, "text/html");
          byUrl[url].forEach(function (selector) {
            var element = document.querySelector(selector);
            var fresh = fetched.querySelector(selector);
            if (!element || !fresh) return;
            if (busy(element)) offer(element, fresh);
            else replace(element, fresh);
          });
        })
        .catch(function () {});
    });
  }

  function refreshBell() {
    fetch(location.href, { credentials: "same-origin", headers: { "X-Klient-Live": "1" } })
      .then(function (response) {
        return response.ok && !response.redirected ? response.text() : null;
      })
      .then(function (html) {
        if (html === null) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector(".notif-bell");
        var bell = document.querySelector(".notif-bell");
        if (!fresh || !bell) return;
        // The summary only: the menu around it keeps its open state and its handlers.
        bell.className = fresh.className;
        bell.innerHTML = fresh.innerHTML;
      })
      .catch(function () {});
  }

  /* Presence ------------------------------------------------------------------------ */

  function onPresence(message) {
    var now = Date.now();
    if (message.state === "left") {
      delete peers[message.socket];
    } else {
      var peer = peers[message.socket] || { user: message.user };
      if (peer.state !== message.state) peer.stateAt = now;
      else if (message.state !== "viewing") peer.stateAt = now; // a typist's renewal
      peer.state = message.state;
      peer.seenAt = now;
      peers[message.socket] = peer;
    }
    renderPresence();
  }

  function expirePeers() {
    var now = Date.now();
    Object.keys(peers).forEach(function (id) {
      var peer = peers[id];
      if (now - peer.seenAt > PEER_EXPIRES_MS) delete peers[id];
      else if (peer.state !== "viewing" && now - peer.stateAt > TYPING_EXPIRES_MS) peer.state = "viewing";
    });
    renderPresence();
  }

  function renderPresence() {
    if (!presenceBox) return;
    // One entry per person: typing wins over viewing when they have several tabs open.
    var people = {};
    Object.keys(peers).forEach(function (id) {
      var peer = peers[id];
      var current = people[peer.user.id];
      if (!current || current.state === "viewing") people[peer.user.id] = peer;
    });
    var list = presenceBox.querySelector(".live-presence-list");
    list.textContent = "";
    Object.keys(people)
      .map(function (key) {
        return people[key];
      })
      .sort(function (a, b) {
        return a.user.name.localeCompare(b.user.name);
      })
      .forEach(function (peer) {
        var item = document.createElement("li");
        item.className = "live-peer live-peer-" + peer.state;
        item.setAttribute("data-user", String(peer.user.id));
        item.setAttribute("data-state", peer.state);
        var name = document.createElement("span");
        name.className = "live-peer-name";
        name.textContent = peer.user.name;
        var state = document.createElement("span");
        state.className = "live-peer-state";
        state.textContent =
          text(peer.state === "typing-reply" || peer.state === "typing-note" ? peer.state : "viewing");
        item.appendChild(name);
        item.appendChild(document.createTextNode(" "));
        item.appendChild(state);
        list.appendChild(item);
      });
    presenceBox.hidden = list.children.length === 0;
  }

  function typingKind(target) {
    if (!target || !target.closest) return "";
    var marked = target.closest("[data-live-typing]");
    if (marked) return marked.getAttribute("data-live-typing");
    if (target.tagName !== "TEXTAREA") return "";
    var form = target.closest("form");
    if (!form) return "";
    return /\/note\/?$/.test(form.getAttribute("action") || "") ? "note" : "reply";
  }

  function stopTyping() {
    clearTimeout(idleTimer);
    if (typingWhat) send({ type: "idle" });
    typingWhat = "";
    typingSentAt = 0;
  }

  if (reference) {
    document.addEventListener("input", function (event) {
      var what = typingKind(event.target);
      if (!what) return;
      var now = Date.now();
      if (what !== typingWhat || now - typingSentAt > TYPING_RENEW_MS) {
        send({ type: "typing", what: what });
        typingWhat = what;
        typingSentAt = now;
      }
      clearTimeout(idleTimer);
      idleTimer = setTimeout(stopTyping, TYPING_IDLE_MS);
    });
    document.addEventListener("submit", stopTyping);
    setInterval(expirePeers, 1000);
  }
  // On every page: peers see this page is still open, and routing that the agent is
  // connected (real-time work goes only to connected agents).
  setInterval(function () {
    send({ type: "heartbeat" });
  }, HEARTBEAT_MS);

  var leaving = false;
  window.addEventListener("pagehide", function () {
    leaving = true;
    if (socket) socket.close(1000);
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && leaving) {
      leaving = false;
      connect();
    }
  });
  connect();
})();
