"""The widget's protocol client (ChatClient in chat/app.js) run by node against a scripted
server: what it sends first, what it keeps until acknowledged, how it resumes after a drop,
and what it shows once. The same client talks to the real /ws/chat/ in the integrator's
browser test; here the socket is a stand-in so each step of the contract can be watched."""

import shutil
import subprocess
from pathlib import Path

import pytest

import klient.chat

APP = Path(klient.chat.__file__).parent / "static" / "chat" / "app.js"

HARNESS = """
const assert = require("node:assert/strict");
const { ChatClient, uuid } = require(%(app)r);

class FakeSocket {  // a WebSocket whose server side the scenario plays by hand
  constructor(url) {
    this.url = url; this.sent = []; this.readyState = 0; FakeSocket.all.push(this);
  }
  send(data) {
    assert.equal(this.readyState, 1, "sent on a socket that is not open");
    this.sent.push(JSON.parse(data));
  }
  open() { this.readyState = 1; this.onopen(); }
  frame(f) { this.onmessage({ data: JSON.stringify(f) }); }
  drop() { this.readyState = 3; this.onclose({ code: 1006 }); }
  close() { this.drop(); }
}
FakeSocket.all = [];
const latest = () => FakeSocket.all[FakeSocket.all.length - 1];

class Storage {
  constructor() { this.items = new Map(); }
  getItem(k) { return this.items.has(k) ? this.items.get(k) : null; }
  setItem(k, v) { this.items.set(k, String(v)); }
}

const timers = {  // time moves only when the scenario says so
  pending: [],
  set(f, ms) { this.pending.push({ f, ms }); return this.pending.length; },
  clear(id) { this.pending[id - 1] = null; },
  fireNext() {  // runs the next timer; answers its delay
    const i = this.pending.findIndex(Boolean);
    const t = this.pending[i];
    this.pending[i] = null;
    t.f();
    return t.ms;
  },
};

const posts = [];
const answering = (status, body) => (url, init) => {
  posts.push({ url, body: JSON.parse(init.body) });
  return Promise.resolve({ ok: status < 300, status, json: () => Promise.resolve(body) });
};

const events = [];
const seen = (kind) => events.filter((e) => e[0] === kind).map((e) => e[1]);
const storage = new Storage();
function makeClient(options) {
  return new ChatClient(Object.assign({
    base: "https://desk.example", team: "Support", lang: "pl", storage, WebSocket: FakeSocket,
    fetch: answering(201, { session: "tok-1", conversation: null }),
    onEvent: (kind, detail) => events.push([kind, detail]), timers, random: () => 1,
  }, options));
}
function message(seq, extra) {
  return Object.assign({ type: "message", seq, id: seq, client_id: null, sender: "agent",
    name: "Anna", text: "m" + seq, attachments: [], at: "2026-12-07T22:00:00Z" }, extra);
}

(async () => {
%(scenario)s
})().catch((error) => { console.error(error); process.exit(1); });
"""


def run(tmp_path, scenario: str) -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("needs node")
    script = tmp_path / "scenario.js"
    script.write_text(HARNESS % {"app": str(APP), "scenario": scenario})
    done = subprocess.run([node, str(script)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr


def test_a_new_chat_creates_its_session_then_resumes_from_zero(tmp_path):
    run(
        tmp_path,
        """
    const client = makeClient();
    assert.equal(await client.start({ name: "Ola", email: "" }), true);

    assert.deepEqual(posts, [{ url: "https://desk.example/api/v1/chat/sessions",
      body: { team: "Support", language: "pl", name: "Ola" } }]);  // no empty email sent
    assert.equal(storage.getItem("klient-chat:Support:session"), '"tok-1"');
    assert.equal(latest().url, "wss://desk.example/ws/chat/?session=tok-1");
    latest().open();
    assert.deepEqual(latest().sent, [{ type: "resume", last_seq: 0 }]);
    """,
    )


def test_a_message_sent_while_the_socket_is_down_is_resent_with_the_same_id_until_acked(
    tmp_path,
):
    run(
        tmp_path,
        """
    const client = makeClient();
    await client.start();
    latest().open();
    latest().frame(message(1));
    latest().frame(message(2));
    latest().drop();

    const id = client.send("Gdzie moja paczka?");  // the socket is down: kept, not lost
    assert.deepEqual(client.outbox(), [{ client_id: id, text: "Gdzie moja paczka?" }]);

    timers.fireNext();  // the backoff elapses: a new socket
    latest().open();
    assert.deepEqual(latest().sent, [
      { type: "resume", last_seq: 2 },
      { type: "send", client_id: id, text: "Gdzie moja paczka?" },
    ]);

    latest().drop();  // dropped again before the ack: sent once more, same client_id
    timers.fireNext();
    latest().open();
    assert.deepEqual(latest().sent[1], { type: "send", client_id: id, text: "Gdzie moja paczka?" });

    latest().frame({ type: "ack", client_id: id, seq: 3, conversation: "C-7" });
    assert.deepEqual(client.outbox(), []);
    assert.equal(storage.getItem("klient-chat:Support:conversation"), '"C-7"');
    latest().drop();
    timers.fireNext();
    latest().open();
    assert.deepEqual(latest().sent, [{ type: "resume", last_seq: 2 }]);  // nothing to resend
    """,
    )


def test_a_replayed_message_is_shown_once(tmp_path):
    run(
        tmp_path,
        """
    const client = makeClient();
    await client.start();
    latest().open();
    [1, 2, 2, 1, 3].forEach((seq) => latest().frame(message(seq)));

    assert.deepEqual(seen("message").map((m) => m.seq), [1, 2, 3]);
    assert.equal(client.lastSeq, 3);
    """,
    )


def test_a_gap_in_the_seqs_is_filled_by_resuming_from_what_is_held(tmp_path):
    run(
        tmp_path,
        """
    const client = makeClient();
    await client.start();
    latest().open();
    latest().frame(message(1));
    latest().frame(message(3));  // 2 went missing: not shown, and this socket is dropped

    assert.deepEqual(seen("message").map((m) => m.seq), [1]);
    assert.equal(latest().readyState, 3);
    assert.equal(timers.fireNext(), 500);  // straight back, no growing backoff
    latest().open();
    assert.deepEqual(latest().sent, [{ type: "resume", last_seq: 1 }]);
    latest().frame(message(2));
    latest().frame(message(3));
    assert.deepEqual(seen("message").map((m) => m.seq), [1, 2, 3]);
    """,
    )


def test_the_outbox_and_the_session_outlive_a_reload(tmp_path):
    run(
        tmp_path,
        """
    const first = makeClient();
    await first.start();
    const id = first.send("Halo?");  // typed while connecting, then the page reloads

    const second = makeClient();  // the same storage: same session, same outbox
    assert.equal(second.hasSession(), true);
    await second.start();
    assert.equal(posts.length, 1);  // no second session
    latest().open();
    assert.deepEqual(latest().sent, [
      { type: "resume", last_seq: 0 },
      { type: "send", client_id: id, text: "Halo?" },
    ]);
    latest().frame(message(1, { sender: "customer", client_id: id, text: "Halo?" }));
    assert.deepEqual(second.outbox(), []);  // its own message frame proves it is stored
    """,
    )


def test_reconnects_back_off_and_start_afresh_once_the_server_answers(tmp_path):
    run(
        tmp_path,
        """
    const client = makeClient();
    await client.start();
    const delays = [];
    for (let i = 0; i < 8; i++) { latest().drop(); delays.push(timers.fireNext()); }
    assert.deepEqual(delays, [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]);

    latest().open();
    latest().frame(message(1));
    latest().drop();
    assert.equal(timers.fireNext(), 500);
    """,
    )


def test_typing_is_throttled_and_notices_and_errors_reach_the_page(tmp_path):
    run(
        tmp_path,
        """
    const client = makeClient();
    await client.start();
    latest().open();
    [10000, 11000, 12500, 13100].forEach((now) => client.typing(now));
    assert.deepEqual(latest().sent.filter((f) => f.type === "typing").length, 2);

    latest().frame({ type: "typing" });
    latest().frame({ type: "notice", code: "queued", text: "Jesteś 2. w kolejce", position: 2 });
    latest().frame({ type: "notice", code: "continued_by_email", text: "Odpowiemy e-mailem" });
    latest().frame({ type: "error", detail: "text too long" });
    latest().frame({ type: "something_newer" });

    assert.equal(seen("typing").length, 1);
    assert.deepEqual(seen("notice").map((n) => n.text),
      ["Jesteś 2. w kolejce", "Odpowiemy e-mailem"]);
    assert.deepEqual(seen("email_offer").map((n) => n.code), ["continued_by_email"]);
    assert.deepEqual(seen("error").map((e) => e.detail), ["text too long"]);
    """,
    )


def test_a_session_nobody_can_take_offers_email_and_a_refused_one_is_reported(tmp_path):
    run(
        tmp_path,
        """
    const nights = makeClient({ team: "Nights", fetch: answering(201,
      { session: "tok-2", conversation: null, available: false }) });
    const id = nights.send("Czy jest ktoś?");
    // Without an email nobody could answer at all: the widget asks for one and waits.
    assert.equal(await nights.start({ name: "Ola" }), false);
    assert.deepEqual(seen("email_offer"), [{ need_email: true }]);
    assert.equal(nights.hasSession(), false);
    assert.equal(FakeSocket.all.length, 0);

    assert.equal(await nights.start({ name: "Ola", email: "ola@example.com" }), true);
    assert.deepEqual(posts[1].body,
      { team: "Nights", language: "pl", name: "Ola", email: "ola@example.com" });
    assert.equal(seen("email_offer").length, 2);  // now: "we will continue by email"
    assert.equal(nights.emailGiven, true);
    latest().open();
    assert.deepEqual(latest().sent[1], { type: "send", client_id: id, text: "Czy jest ktoś?" });

    const refused = makeClient({ team: "Elsewhere",
      fetch: answering(403, { detail: "Origin not allowed" }) });
    assert.equal(await refused.start(), false);
    assert.deepEqual(seen("error").at(-1), { detail: "Origin not allowed", status: 403 });
    assert.equal(refused.hasSession(), false);
    """,
    )


def test_client_ids_are_uuids_even_where_crypto_random_uuid_is_missing(tmp_path):
    run(
        tmp_path,
        """
    const v4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    assert.match(uuid(), v4);
    Object.defineProperty(globalThis.crypto, "randomUUID", { value: undefined });  // plain http
    const ids = new Set(Array.from({ length: 100 }, uuid));
    assert.equal(ids.size, 100);
    ids.forEach((id) => assert.match(id, v4));
    """,
    )
