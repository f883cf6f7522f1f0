/* Klient chat: the dialog the loader (widget.js) fetches when the visitor opens the chat.
 * Plain ES2017, no framework. Two halves: ChatClient speaks the protocol of docs/chat.md and
 * knows nothing of the page (node runs it in tests/chat/test_widget_protocol.py); the UI
 * below draws it. */
(function () {
  "use strict";

  var STRINGS = {
    en: {
      title: "Chat with us",
      close: "Close chat",
      name: "Your name (optional)",
      email: "Your email (optional)",
      message: "Message",
      send: "Send",
      attach: "Attach a file",
      attachLater: "Files cannot be sent in the chat yet; we can take them by email.",
      messages: "Messages",
      you: "You",
      sending: "Sending…",
      typing: "The agent is typing…",
      connecting: "Connecting…",
      connected: "Connected",
      offline: "Connection lost. Reconnecting…",
      failed: "The chat could not start:",
      offer: "Nobody can answer in the chat right now. We will continue by email.",
      offerNoEmail: "Nobody can answer in the chat right now. Please write to us by email.",
      offerAsk: "Nobody can answer in the chat right now. Leave your email and press Send: we will answer by email.",
    },
    fr: {
      title: "Discutez avec nous",
      close: "Fermer la discussion",
      name: "Votre nom (facultatif)",
      email: "Votre e-mail (facultatif)",
      message: "Message",
      send: "Envoyer",
      attach: "Joindre un fichier",
      attachLater: "Les fichiers ne peuvent pas encore être envoyés ici ; envoyez-les par e-mail.",
      messages: "Messages",
      you: "Vous",
      sending: "Envoi…",
      typing: "L’agent écrit…",
      connecting: "Connexion…",
      connected: "Connecté",
      offline: "Connexion perdue. Reconnexion…",
      failed: "La discussion n’a pas pu démarrer :",
      offer: "Personne ne peut répondre ici pour le moment. Nous continuerons par e-mail.",
      offerNoEmail: "Personne ne peut répondre ici pour le moment. Écrivez-nous par e-mail.",
      offerAsk: "Personne ne peut répondre ici pour le moment. Indiquez votre e-mail et appuyez sur Envoyer : nous répondrons par e-mail.",
    },
    pl: {
      title: "Czat z nami",
      close: "Zamknij czat",
      name: "Imię (opcjonalnie)",
      email: "E-mail (opcjonalnie)",
      message: "Wiadomość",
      send: "Wyślij",
      attach: "Dołącz plik",
      attachLater: "Plików nie można jeszcze wysłać na czacie; prześlij je e-mailem.",
      messages: "Wiadomości",
      you: "Ty",
      sending: "Wysyłanie…",
      typing: "Konsultant pisze…",
      connecting: "Łączenie…",
      connected: "Połączono",
      offline: "Utracono połączenie. Łączę ponownie…",
      failed: "Nie udało się rozpocząć czatu:",
      offer: "Nikt nie może teraz odpowiedzieć na czacie. Będziemy kontynuować e-mailem.",
      offerNoEmail: "Nikt nie może teraz odpowiedzieć na czacie. Napisz do nas e-mailem.",
      offerAsk: "Nikt nie może teraz odpowiedzieć na czacie. Podaj e-mail i naciśnij Wyślij: odpowiemy e-mailem.",
    },
    de: {
      title: "Chatten Sie mit uns",
      close: "Chat schließen",
      name: "Ihr Name (optional)",
      email: "Ihre E-Mail (optional)",
      message: "Nachricht",
      send: "Senden",
      attach: "Datei anhängen",
      attachLater: "Dateien können im Chat noch nicht gesendet werden; bitte per E-Mail.",
      messages: "Nachrichten",
      you: "Sie",
      sending: "Wird gesendet…",
      typing: "Der Mitarbeiter schreibt…",
      connecting: "Verbindung wird hergestellt…",
      connected: "Verbunden",
      offline: "Verbindung unterbrochen. Neuer Versuch…",
      failed: "Der Chat konnte nicht starten:",
      offer: "Gerade kann niemand im Chat antworten. Wir machen per E-Mail weiter.",
      offerNoEmail: "Gerade kann niemand im Chat antworten. Bitte schreiben Sie uns per E-Mail.",
      offerAsk: "Gerade kann niemand im Chat antworten. Geben Sie Ihre E-Mail an und drücken Sie Senden: Wir antworten per E-Mail.",
    },
    uk: {
      title: "Напишіть нам",
      close: "Закрити чат",
      name: "Ваше ім’я (необов’язково)",
      email: "Ваш e-mail (необов’язково)",
      message: "Повідомлення",
      send: "Надіслати",
      attach: "Додати файл",
      attachLater: "Файли поки не можна надіслати в чаті; надішліть їх e-mailом.",
      messages: "Історія чату",
      you: "Ви",
      sending: "Надсилання…",
      typing: "Оператор пише…",
      connecting: "З’єднання…",
      connected: "З’єднано",
      offline: "З’єднання втрачено. Під’єднуємося знову…",
      failed: "Не вдалося почати чат:",
      offer: "Зараз ніхто не може відповісти в чаті. Продовжимо e-mailом.",
      offerNoEmail: "Зараз ніхто не може відповісти в чаті. Напишіть нам e-mailом.",
      offerAsk: "Зараз ніхто не може відповісти в чаті. Вкажіть e-mail і натисніть «Надіслати»: ми відповімо e-mailом.",
    },
  };

  /** The first of `wanted` (language tags) we speak, else English. */
  function pickLanguage(wanted) {
    for (var i = 0; i < wanted.length; i++) {
      var code = String(wanted[i] || "").toLowerCase().split("-")[0];
      if (STRINGS[code]) return code;
    }
    return "en";
  }

  /** A v4 UUID: crypto.randomUUID exists only in secure contexts (not on plain-http pages). */
  function uuid() {
    var c = typeof crypto !== "undefined" ? crypto : null;
    if (c && typeof c.randomUUID === "function") return c.randomUUID();
    var b = new Uint8Array(16);
    if (c && c.getRandomValues) c.getRandomValues(b);
    else for (var i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); });
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") +
      "-" + h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }

  var TYPING_EVERY_MS = 3000; // at most one typing frame per this, however fast the visitor types
  var BACKOFF_FIRST_MS = 500;
  var BACKOFF_MAX_MS = 30000;

  /** True when the session answer (or a notice) says nobody can take the chat. The contract
   * has no field for it yet, so we accept the shapes the server is likely to send. */
  function nobodyCanTake(body) {
    if (!body) return false;
    return body.available === false || body.code === "continued_by_email" ||
      (body.notice && body.notice.code === "continued_by_email");
  }

  /**
   * The protocol of docs/chat.md, without a page. `o` gives base, team, lang, storage
   * (localStorage-like), WebSocket, fetch, onEvent(kind, detail), and optionally
   * timers {set, clear} and random() so a test can drive time.
   *
   * Exactly once: a message the visitor sends goes to the outbox (storage) before the socket;
   * every (re)connect first asks for what came after the highest seq held, then resends the
   * outbox with the same client_id; only an ack or the message's own frame empties it.
   */
  class ChatClient {
    constructor(o) {
      this.base = o.base;
      this.team = o.team;
      this.lang = o.lang;
      this.storage = o.storage;
      this.WebSocket = o.WebSocket;
      this.fetch = o.fetch;
      this.emit = o.onEvent || function () {};
      this.timers = o.timers || {
        set: function (f, ms) { return setTimeout(f, ms); },
        clear: function (t) { clearTimeout(t); },
      };
      this.random = o.random || Math.random;
      this.key = "klient-chat:" + this.team + ":";
      this.lastSeq = 0; // every message up to this seq is held (and shown)
      this.token = this.load("session", null);
      this.conversation = this.load("conversation", null);
      this.emailGiven = this.load("email_given", false); // whether, not which: no address kept
      this.socket = null;
      this.attempt = 0;
      this.retry = null;
      this.lastTyping = 0;
      this.stopped = false;
      this.starting = null;
    }

    load(name, fallback) {
      try {
        var value = this.storage.getItem(this.key + name);
        return value === null ? fallback : JSON.parse(value);
      } catch (e) {
        return fallback; // storage blocked (private mode) or garbage: start afresh
      }
    }

    save(name, value) {
      try {
        this.storage.setItem(this.key + name, JSON.stringify(value));
      } catch (e) {
        /* storage full or blocked: the chat still works for this page's life */
      }
    }

    /** The outbox as storage holds it now: another tab of the same chat may have changed it. */
    outbox() {
      return this.load("outbox", []);
    }

    hasSession() {
      return Boolean(this.token);
    }

    /** Creates the session if there is none (with the optional name and email), then connects.
     * Resolves to false when the server refused; the reason went out as an "error" event. */
    start(profile) {
      if (this.token) {
        this.connect();
        return Promise.resolve(true);
      }
      if (this.starting) return this.starting;
      var payload = { team: this.team, language: this.lang };
      if (profile && profile.name) payload.name = profile.name;
      if (profile && profile.email) payload.email = profile.email;
      var self = this;
      this.starting = this.fetch(this.base + "/api/v1/chat/sessions", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(payload),
        credentials: "omit", // the visitor's session is the token, never a cookie of ours
      })
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (body) {
            self.starting = null;
            if (response.ok && nobodyCanTake(body) && !payload.email) {
              // Nobody can answer, and we could not answer by email either: ask for an
              // address first. The outbox waits; the next start() makes a session with it.
              self.emit("email_offer", { need_email: true });
              return false;
            }
            if (!response.ok || !body.session) {
              self.emit("error", { detail: body.detail || "HTTP " + response.status, status: response.status });
              if (nobodyCanTake(body)) self.emit("email_offer", body);
              return false;
            }
            self.token = body.session;
            self.save("session", self.token);
            self.emailGiven = Boolean(payload.email);
            self.save("email_given", self.emailGiven);
            self.setConversation(body.conversation);
            if (nobodyCanTake(body)) self.emit("email_offer", body);
            self.connect();
            return true;
          });
        })
        .catch(function (error) {
          self.starting = null;
          self.emit("error", { detail: String((error && error.message) || error) });
          return false;
        });
      return this.starting;
    }

    setConversation(ref) {
      if (ref && ref !== this.conversation) {
        this.conversation = ref;
        this.save("conversation", ref);
      }
    }

    wsUrl() {
      return this.base.replace(/^http/, "ws") + "/ws/chat/?session=" + encodeURIComponent(this.token);
    }

    connect() {
      if (this.stopped || this.socket || !this.token) return;
      if (this.retry !== null) {
        this.timers.clear(this.retry);
        this.retry = null;
      }
      var self = this;
      var ws = new this.WebSocket(this.wsUrl());
      this.socket = ws;
      this.emit("status", "connecting");
      ws.onopen = function () {
        // Replay first: what we missed arrives before anything we resend is answered.
        ws.send(JSON.stringify({ type: "resume", last_seq: self.lastSeq }));
        self.outbox().forEach(function (item) { self.transmit(ws, item); });
        self.emit("status", "connected");
      };
      ws.onmessage = function (event) {
        var frame;
        try {
          frame = JSON.parse(event.data);
        } catch (e) {
          return;
        }
        self.attempt = 0; // the server answers: the next drop starts the backoff afresh
        self.receive(frame);
      };
      ws.onclose = function () {
        if (self.socket !== ws) return;
        self.socket = null;
        if (self.stopped) return;
        self.emit("status", "offline");
        self.scheduleReconnect();
      };
      ws.onerror = function () { /* onclose follows and reconnects */ };
    }

    scheduleReconnect() {
      if (this.retry !== null || this.stopped) return;
      // Exponential with jitter, so a thousand widgets dropped by one restart do not return
      // in the same millisecond.
      var ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * Math.pow(2, this.attempt));
      var delay = Math.round(ceiling * (0.5 + this.random() / 2));
      this.attempt += 1;
      var self = this;
      this.retry = this.timers.set(function () {
        self.retry = null;
        self.connect();
      }, delay);
      return delay;
    }

    /** A gap in the seqs: drop this socket; the next one resumes from what we hold. */
    resync() {
      if (!this.socket) return;
      this.attempt = 0;
      this.socket.close();
    }

    /** A reconnect now, not after the backoff (the browser says it is back online). */
    reconnectNow() {
      if (this.socket || !this.token) return;
      this.attempt = 0;
      this.connect();
    }

    stop() {
      this.stopped = true;
      if (this.retry !== null) this.timers.clear(this.retry);
      if (this.socket) this.socket.close();
      this.socket = null;
    }

    isOpen() {
      return Boolean(this.socket && this.socket.readyState === 1);
    }

    transmit(ws, item) {
      ws.send(JSON.stringify({ type: "send", client_id: item.client_id, text: item.text }));
    }

    /** Queues `text` and sends it when the socket can; returns its client_id. */
    send(text) {
      var item = { client_id: uuid(), text: text };
      var box = this.outbox();
      box.push(item);
      this.save("outbox", box);
      this.emit("pending", item);
      if (this.isOpen()) this.transmit(this.socket, item);
      return item.client_id;
    }

    delivered(clientId) {
      var box = this.outbox();
      var left = box.filter(function (item) { return item.client_id !== clientId; });
      if (left.length !== box.length) this.save("outbox", left);
    }

    /** A typing frame, at most one per TYPING_EVERY_MS. */
    typing(now) {
      now = now === undefined ? Date.now() : now;
      if (now - this.lastTyping < TYPING_EVERY_MS || !this.isOpen()) return false;
      this.lastTyping = now;
      this.socket.send(JSON.stringify({ type: "typing" }));
      return true;
    }

    receive(frame) {
      switch (frame.type) {
        case "message":
          // seq runs 1, 2, 3… per conversation and each socket sends in order (docs/chat.md):
          // one at or below what we hold is a replay, one past the next means we missed some,
          // and a fresh socket's resume fills the hole. So lastSeq is always "all up to here".
          if (typeof frame.seq !== "number" || frame.seq <= this.lastSeq) return;
          if (frame.seq > this.lastSeq + 1) return this.resync();
          this.lastSeq = frame.seq;
          if (frame.client_id) this.delivered(frame.client_id);
          this.emit("message", frame);
          return;
        case "ack":
          this.delivered(frame.client_id);
          this.setConversation(frame.conversation);
          this.emit("ack", frame);
          return;
        case "typing":
          this.emit("typing", frame);
          return;
        case "notice":
          this.emit("notice", frame);
          if (frame.code === "continued_by_email") this.emit("email_offer", frame);
          return;
        case "error":
          this.emit("error", frame);
          return;
        default:
          return; // a frame kind from a newer server: ignore, do not break
      }
    }
  }

  var api = { ChatClient: ChatClient, pickLanguage: pickLanguage, STRINGS: STRINGS, uuid: uuid };
  if (typeof module === "object" && module.exports) module.exports = api;
  if (typeof window === "undefined" || !window.KlientChat) return;

  // ---------------------------------------------------------------- the page's half
  var host = window.KlientChat;
  var lang = pickLanguage([document.documentElement.lang].concat(navigator.languages || [navigator.language]));
  var t = STRINGS[lang];

  var CSS =
    ".kc-dialog,.kc-dialog *{box-sizing:border-box}" +
    ".kc-dialog{position:fixed;right:8px;bottom:80px;z-index:2147483001;width:360px;" +
    "max-width:calc(100vw - 16px);max-height:calc(100vh - 96px);display:flex;flex-direction:column;" +
    "background:#fff;color:#1a1a1a;border:1px solid #c8c8c8;border-radius:8px;" +
    "box-shadow:0 4px 16px rgba(0,0,0,.25);font:15px/1.4 system-ui,sans-serif;overflow:hidden}" +
    ".kc-dialog[hidden]{display:none}" +
    ".kc-head{display:flex;align-items:center;justify-content:space-between;padding:8px 12px;" +
    "background:#1f5fbf;color:#fff}" +
    ".kc-head h2{margin:0;font-size:16px;font-weight:600}" +
    ".kc-close{background:none;border:0;color:inherit;font-size:22px;line-height:1;cursor:pointer;" +
    "padding:4px 8px}" +
    ".kc-dialog button:focus-visible,.kc-dialog input:focus-visible,.kc-dialog textarea:focus-visible" +
    "{outline:3px solid #ffbf47;outline-offset:1px}" +
    ".kc-status{font-size:12px;color:#555;padding:2px 12px;min-height:1.2em}" +
    ".kc-log{flex:1 1 auto;overflow-y:auto;overflow-x:hidden;padding:8px 12px;min-height:80px}" +
    ".kc-msg{margin:0 0 8px;overflow-wrap:anywhere;white-space:pre-wrap}" +
    ".kc-who{display:block;font-size:12px;color:#555}" +
    ".kc-customer{text-align:right}.kc-pending{opacity:.6}" +
    ".kc-system,.kc-error{font-size:13px;font-style:italic;color:#555;text-align:center}" +
    ".kc-error{color:#a00}" +
    ".kc-offer{margin:0 12px 8px;padding:8px;background:#fff6d5;border:1px solid #e0c060;" +
    "border-radius:4px;font-size:13px}.kc-offer[hidden]{display:none}" +
    ".kc-form{padding:8px 12px 12px;border-top:1px solid #ddd;display:grid;gap:4px}" +
    ".kc-form label{font-size:12px;color:#333}" +
    ".kc-form input[type=text],.kc-form input[type=email],.kc-form textarea{width:100%;" +
    "font:inherit;padding:6px;border:1px solid #888;border-radius:4px;min-width:0}" +
    ".kc-form textarea{resize:vertical}" +
    ".kc-form input[type=file]{max-width:100%;font-size:12px}" +
    ".kc-row{display:flex;gap:8px;align-items:center;justify-content:space-between;flex-wrap:wrap}" +
    ".kc-send{background:#1f5fbf;color:#fff;border:0;border-radius:4px;padding:8px 16px;" +
    "font:inherit;cursor:pointer}" +
    ".kc-typing{font-size:12px;color:#555;padding:0 12px;min-height:1.2em}";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) node.textContent = text; // never innerHTML: the text is the visitor's or agent's
    return node;
  }

  function field(id, label, input) {
    var wrap = el("div");
    wrap.appendChild(el("label", { for: id }, label));
    input.id = id;
    wrap.appendChild(input);
    return wrap;
  }

  var style = el("style");
  style.textContent = CSS;
  document.head.appendChild(style);

  var dialog = el("div", {
    class: "kc-dialog", role: "dialog", "aria-modal": "true", "aria-labelledby": "kc-title",
    lang: lang, hidden: "",
  });
  var head = el("div", { class: "kc-head" });
  head.appendChild(el("h2", { id: "kc-title" }, t.title));
  var closeButton = el("button", { type: "button", class: "kc-close", "aria-label": t.close }, "×");
  head.appendChild(closeButton);
  var status = el("div", { class: "kc-status", role: "status" });
  // role=log is a polite live region: screen readers read each incoming line once.
  var log = el("div", { class: "kc-log", role: "log", "aria-live": "polite", "aria-label": t.messages });
  var typingLine = el("div", { class: "kc-typing", "aria-live": "polite" });
  var offer = el("div", { class: "kc-offer", role: "alert", hidden: "" });
  var form = el("form", { class: "kc-form", novalidate: "" });
  var nameInput = el("input", { type: "text", autocomplete: "name", maxlength: "200" });
  var emailInput = el("input", { type: "email", autocomplete: "email", maxlength: "254" });
  var profile = el("div", { class: "kc-profile" });
  profile.appendChild(field("kc-name", t.name, nameInput));
  profile.appendChild(field("kc-email", t.email, emailInput));
  var textArea = el("textarea", { rows: "2", maxlength: "10000", required: "" });
  var fileInput = el("input", { type: "file" });
  var row = el("div", { class: "kc-row" });
  row.appendChild(field("kc-file", t.attach, fileInput));
  var sendButton = el("button", { type: "submit", class: "kc-send" }, t.send);
  row.appendChild(sendButton);
  form.appendChild(profile);
  form.appendChild(field("kc-message", t.message, textArea));
  form.appendChild(row);
  [head, status, log, typingLine, offer, form].forEach(function (part) { dialog.appendChild(part); });
  document.body.appendChild(dialog);

  var pendingRows = new Map(); // client_id -> its line, until the server's frame replaces it
  var typingTimer = null;

  function line(className, who, text) {
    var item = el("div", { class: "kc-msg " + className });
    if (who) item.appendChild(el("span", { class: "kc-who" }, who));
    item.appendChild(document.createTextNode(text));
    return item;
  }

  /** Messages in seq order; lines still waiting for the server stay at the end. */
  function placeBySeq(item, seq) {
    item.dataset.seq = String(seq);
    var children = log.children;
    for (var i = 0; i < children.length; i++) {
      var other = children[i].dataset.seq;
      if (other === undefined || Number(other) > seq) {
        log.insertBefore(item, children[i]);
        return;
      }
    }
    log.appendChild(item);
  }

  function appendSystem(className, text) {
    var item = line(className, "", text);
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  function showOffer(detail) {
    if (detail.need_email) {
      offer.textContent = t.offerAsk;
      profile.hidden = false;
      emailInput.focus();
    } else {
      offer.textContent = client.emailGiven ? t.offer : t.offerNoEmail;
    }
    offer.hidden = false;
  }

  function onEvent(kind, detail) {
    if (kind === "status") {
      dialog.setAttribute("data-state", detail);
      status.textContent = t[detail] || "";
    } else if (kind === "pending") {
      var mine = line("kc-customer kc-pending", t.you, detail.text);
      mine.setAttribute("aria-label", t.sending);
      pendingRows.set(detail.client_id, mine);
      log.appendChild(mine);
      log.scrollTop = log.scrollHeight;
    } else if (kind === "message") {
      var sender = detail.sender === "customer" ? "kc-customer" : detail.sender === "system" ? "kc-system" : "kc-agent";
      var who = detail.sender === "customer" ? t.you : detail.sender === "system" ? "" : detail.name || "";
      var item = line(sender, who, detail.text || "");
      (detail.attachments || []).forEach(function (file) {
        if (!file) return;
        var label = "📎 " + (file.filename || file.name || "");
        var node = /^https?:\/\//.test(file.url || "")
          ? el("a", { href: file.url, target: "_blank", rel: "noopener" }, label)
          : el("span", { class: "kc-file" }, label); // named, not downloadable from here yet
        item.appendChild(el("br"));
        item.appendChild(node);
      });
      var old = detail.client_id && pendingRows.get(detail.client_id);
      if (old) {
        old.remove();
        pendingRows.delete(detail.client_id);
      }
      placeBySeq(item, detail.seq);
      if (detail.sender === "agent") typingLine.textContent = "";
      log.scrollTop = log.scrollHeight;
    } else if (kind === "ack") {
      var row = pendingRows.get(detail.client_id);
      if (row) {
        row.classList.remove("kc-pending");
        row.removeAttribute("aria-label");
      }
    } else if (kind === "typing") {
      typingLine.textContent = t.typing;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(function () { typingLine.textContent = ""; }, 5000);
    } else if (kind === "notice") {
      if (detail.text) appendSystem("kc-system", detail.text); // the server's words, in our language
    } else if (kind === "email_offer") {
      showOffer(detail);
    } else if (kind === "error") {
      appendSystem("kc-error", (detail.status ? t.failed + " " : "") + (detail.detail || ""));
    }
  }

  var client = new ChatClient({
    base: host.base, team: host.team, lang: lang, storage: window.localStorage,
    WebSocket: window.WebSocket, fetch: window.fetch.bind(window), onEvent: onEvent,
  });
  // Messages typed before a reload are still owed: show them until the server confirms.
  client.outbox().forEach(function (item) { onEvent("pending", item); });
  if (client.hasSession()) profile.hidden = true;

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = textArea.value.trim();
    // An empty send is allowed only to hand over an email for messages already waiting.
    var waiting = !client.hasSession() && client.outbox().length > 0;
    if (!text && !waiting) return textArea.focus();
    if (text) client.send(text);
    textArea.value = "";
    textArea.focus();
    if (!client.hasSession()) {
      client.start({ name: nameInput.value.trim(), email: emailInput.value.trim() }).then(function (ok) {
        if (ok) {
          profile.hidden = true;
          if (!offer.textContent || offer.textContent === t.offerAsk) offer.hidden = true;
        }
      });
    }
  });
  textArea.addEventListener("keydown", function (event) {
    // Enter sends, Shift+Enter is a new line (as in every chat).
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : sendButton.click();
    }
  });
  textArea.addEventListener("input", function () { client.typing(); });
  fileInput.addEventListener("change", function () {
    // Uploads need a signed-in agent (POST /api/v1/uploads); the visitor has none yet.
    if (fileInput.files.length) appendSystem("kc-system", t.attachLater);
    fileInput.value = "";
  });
  window.addEventListener("online", function () { client.reconnectNow(); });

  function focusables() {
    return Array.prototype.filter.call(
      dialog.querySelectorAll("button,input,textarea,a[href],[tabindex]:not([tabindex='-1'])"),
      function (node) { return !node.disabled && node.offsetParent !== null; }
    );
  }

  dialog.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    } else if (event.key === "Tab") {
      // aria-modal promises the rest of the page is out of reach: keep Tab inside.
      var nodes = focusables();
      if (!nodes.length) return;
      var first = nodes[0];
      var last = nodes[nodes.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    }
  });
  closeButton.addEventListener("click", close);
  document.addEventListener("focusin", function (event) {
    // Focus that escapes by other means (a click on the page, a screen reader's jump) comes
    // back: while open the dialog is modal. The launcher stays reachable to close it.
    if (isOpen() && !dialog.contains(event.target) && event.target !== host.launcher) {
      (profile.hidden ? textArea : nameInput).focus();
    }
  });

  function isOpen() {
    return !dialog.hidden;
  }

  function open() {
    dialog.hidden = false;
    host.launcher.setAttribute("aria-expanded", "true");
    if (client.hasSession()) client.start();
    (profile.hidden ? textArea : nameInput).focus();
  }

  function close() {
    dialog.hidden = true;
    host.launcher.setAttribute("aria-expanded", "false");
    host.launcher.focus(); // back where the visitor was
  }

  host.app = {
    open: open,
    close: close,
    isOpen: isOpen,
    toggle: function () { return isOpen() ? close() : open(); },
    client: client,
  };
})();
