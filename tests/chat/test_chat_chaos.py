"""Chaos: a long exchange with random disconnects, lost acks and resent frames, while the
agent answers. The widget here does what the real one must (docs/chat.md): keep what is not
acknowledged, resume from the last seq it holds, resend the rest with the same client_id.
At the end the visitor holds exactly the chat the desk stored: same messages, same order,
none lost, none doubled; and every seq arrived exactly once, in order, on the socket."""

from __future__ import annotations

import itertools
import uuid

import pytest
from chat_client import Tab, open_session
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klient.chat import queries
from klient.chat.models import ChatEntry
from klient.conversations.actions import reply
from support import run_worker

pytestmark = pytest.mark.django_db(transaction=True)

STEPS = st.lists(
    st.sampled_from(["send", "send_and_lose_ack", "drop", "agent", "agent_while_away"]),
    min_size=6,
    max_size=24,
)


class Widget:
    def __init__(self, server, token: str) -> None:
        self.server, self.token = server, token
        self.tab: Tab | None = None
        self.last_seq = 0
        self.held: dict[int, tuple[str, str]] = {}  # seq -> (sender, text), as shown
        self.unacked: dict[str, str] = {}  # client_id -> text, in the order written
        self.conversation: str | None = None

    def connect(self) -> None:
        if self.tab is None:
            self.tab = Tab(self.server, self.token)
            self.tab.resume(self.last_seq)
            for client_id, text in list(self.unacked.items()):
                self.tab.send({"type": "send", "client_id": client_id, "text": text})
            self.read_until(lambda: not self.unacked)

    def drop(self) -> None:
        if self.tab is not None:
            self.tab.close()
            self.tab = None

    def write(self, text: str, *, lose_ack: bool = False) -> None:
        self.connect()
        client_id = str(uuid.uuid4())
        self.unacked[client_id] = text
        self.tab.send({"type": "send", "client_id": client_id, "text": text})
        if lose_ack:
            self.drop()  # the socket dies before the ack is read: stored or not, unknown
        else:
            self.read_until(lambda: client_id not in self.unacked)

    def read_until(self, done) -> None:
        while not done():
            frame = self.tab.next()
            if frame["type"] == "ack":
                self.unacked.pop(frame["client_id"], None)
                self.conversation = frame["conversation"]
            elif frame["type"] == "message":
                # Exactly the next one: nothing skipped, nothing repeated.
                assert frame["seq"] == self.last_seq + 1, (frame, self.last_seq)
                self.last_seq = frame["seq"]
                self.held[frame["seq"]] = (frame["sender"], frame["text"])


def _holds(widget: Widget, text: str) -> bool:
    return text in {shown for _, shown in widget.held.values()}


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_a_stormy_chat_ends_with_both_sides_holding_the_same_messages(
    steps, chat_server, shop_support, agent_anna
):
    widget = Widget(chat_server, open_session(chat_server))
    numbers = itertools.count(1)
    written, answered = [], []
    for step in steps:
        if step in ("send", "send_and_lose_ack"):
            text = f"visitor {next(numbers)}"
            written.append(text)
            widget.write(text, lose_ack=step == "send_and_lose_ack")
        elif step == "drop":
            widget.drop()
        else:
            session = queries.session_by_token(widget.token)
            if session.conversation is None:
                continue
            if step == "agent_while_away":
                widget.drop()
            text = f"agent {next(numbers)}"
            answered.append(text)
            reply(session.conversation, actor=agent_anna, body=text)
            run_worker()
            if widget.tab is not None:
                widget.read_until(lambda text=text: _holds(widget, text))

    # The visitor comes back one last time: resends what is unacknowledged and catches up.
    widget.drop()
    widget.connect()
    session = queries.session_by_token(widget.token)
    stored = [
        (e.message.sender, e.message.body_text)
        for e in ChatEntry.objects.filter(conversation=session.conversation_id)
        .select_related("message")
        .order_by("seq")
    ]
    widget.read_until(lambda: widget.last_seq == len(stored))
    widget.drop()

    shown = [widget.held[seq] for seq in sorted(widget.held)]
    assert shown == stored
    assert [t for s, t in stored if s == "customer"] == written  # each once, in order
    assert sorted(t for s, t in stored if s == "agent") == sorted(answered)
