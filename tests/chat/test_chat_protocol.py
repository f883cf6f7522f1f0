"""The widget's protocol against the real server: a visitor opens a chat, writes, is
acknowledged only once the message is stored, reconnects and gets exactly what was missed."""

from __future__ import annotations

import pytest
from chat_client import SHOP, Tab, open_session, post_json
from websockets.exceptions import InvalidStatus

from klient.chat.models import ChatEntry, ChatSession
from klient.conversations.models import Conversation, Message

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_visitors_message_is_stored_before_its_ack_and_replayed_after_a_reconnect(
    chat_server, shop_support
):
    token = open_session(chat_server, name="Ola", email="ola@home.example", language="pl")
    session = ChatSession.objects.get()
    assert session.conversation is None  # nothing written, no case yet
    assert session.token_hash != token and token not in session.token_hash

    tab = Tab(chat_server, token)
    tab.resume(0)
    first = tab.say("Hello, my parcel is late")
    ack = tab.next("ack")
    # The ack's seq is in the database when the ack arrives.
    entry = ChatEntry.objects.select_related("message").get(seq=ack["seq"])
    assert ack == {
        "type": "ack",
        "client_id": first,
        "seq": 1,
        "conversation": entry.message.conversation.reference,
    }
    assert entry.message.body_text == "Hello, my parcel is late"
    conversation = Conversation.objects.get()
    assert conversation.channel == "chat" and conversation.team == shop_support
    # The typed email is only a claim: the chat's customer is the visitor, not ola@.
    assert conversation.customer.reachable_at("email") == ""
    echoed = tab.next("message")
    assert echoed["seq"] == 1 and echoed["client_id"] == first
    assert echoed["sender"] == "customer" and echoed["name"] == "Ola"

    tab.say("Order 1234")
    assert tab.next("ack")["seq"] == 2
    tab.close()

    # Another socket of the same session, having seen seq 1: only seq 2 comes back.
    again = Tab(chat_server, token)
    again.resume(1)
    replayed = again.next("message")
    assert (replayed["seq"], replayed["text"]) == (2, "Order 1234")
    again.say("Still there?")
    assert again.next("ack")["seq"] == 3
    assert again.next("message")["seq"] == 3  # live, after the replay, nothing doubled
    again.close()


def test_a_resent_client_id_gets_the_first_ack_and_stores_nothing(chat_server, shop_support):
    tab = Tab(chat_server, open_session(chat_server))
    tab.resume(0)
    client_id = tab.say("Is anyone there?")
    first_ack = tab.next("ack")
    tab.say("Is anyone there?", client_id=client_id)  # the ack was lost, the widget resends
    assert tab.next("ack") == first_ack
    assert Message.objects.count() == 1 and ChatEntry.objects.count() == 1
    tab.close()


def test_two_tabs_of_one_chat_each_get_every_message(chat_server, shop_support):
    token = open_session(chat_server)
    left, right = Tab(chat_server, token), Tab(chat_server, token)
    left.resume(0)
    right.resume(0)  # joined before the conversation existed
    client_id = left.say("From the left tab")
    assert left.next("ack")["seq"] == 1
    assert left.next("message")["client_id"] == client_id
    assert right.next("message")["client_id"] == client_id
    right.say("From the right tab")
    assert right.next("ack")["seq"] == 2
    assert left.next("message")["text"] == "From the right tab"
    left.close()
    right.close()


def test_malformed_and_oversized_frames_are_refused_and_change_nothing(chat_server, shop_support):
    tab = Tab(chat_server, open_session(chat_server))
    tab.resume(0)
    for frame in (
        "not json",
        [1, 2],
        {"type": "shout"},
        {"type": "resume", "last_seq": -1},
        {"type": "send", "text": "no client id"},
        {"type": "send", "client_id": "a", "text": "   "},
        {"type": "send", "client_id": "b", "text": "x" * 10_001},
    ):
        tab.send(frame)
        assert tab.next()["type"] == "error", frame
    assert not Message.objects.exists() and not ChatEntry.objects.exists()
    tab.say("x" * 10_000)  # exactly the limit is fine
    assert tab.next("ack")["seq"] == 1
    tab.close()


def test_a_site_the_team_did_not_allow_gets_403_for_the_session_and_the_socket(
    chat_server, shop_support
):
    url = chat_server.url + "/api/v1/chat/sessions"
    status, body = post_json(url, {"team": "Support"}, {"Origin": "https://evil.example"})
    assert status == 403 and body["detail"]
    assert not ChatSession.objects.exists()
    # The desk's own origin is always allowed; the team by id works as by name.
    status, body = post_json(url, {"team": str(shop_support.pk)}, {"Origin": chat_server.url})
    assert status == 201 and body["conversation"] is None

    with pytest.raises(InvalidStatus) as refused:
        Tab(chat_server, body["session"], origin="https://evil.example")
    assert refused.value.response.status_code == 403
    with pytest.raises(InvalidStatus) as unknown:
        Tab(chat_server, "not-a-token", origin=SHOP)
    assert unknown.value.response.status_code == 403
    tab = Tab(chat_server, body["session"], origin=chat_server.url)
    tab.resume(0)
    tab.say("hi")
    assert tab.next("ack")["seq"] == 1
    tab.close()


def test_two_tabs_writing_at_once_get_one_seq_each_and_see_the_same_order(
    chat_server, shop_support
):
    import threading

    token = open_session(chat_server)
    tabs = [Tab(chat_server, token), Tab(chat_server, token)]
    for tab in tabs:
        tab.resume(0)
    tabs[0].say("first")  # the conversation exists before the race
    tabs[0].next("ack")

    def write(tab: Tab, name: str) -> None:
        for number in range(10):
            tab.say(f"{name} {number}")

    writers = [threading.Thread(target=write, args=(tab, f"tab {i}")) for i, tab in enumerate(tabs)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()

    seen = []
    for tab in tabs:
        frames = []
        while len(frames) < 21:
            frame = tab.next()
            if frame["type"] == "message":
                frames.append((frame["seq"], frame["text"]))
        seen.append(frames)
    assert seen[0] == seen[1]
    assert [seq for seq, _ in seen[0]] == list(range(1, 22))
    assert sorted(ChatEntry.objects.values_list("seq", flat=True)) == list(range(1, 22))
    for tab in tabs:
        tab.close()
