"""An agent answers a chat from the API: the answer reaches the visitor's socket with the
chat's next seq, is recorded as delivered (the SLA's first reply), and is not emailed."""

from __future__ import annotations

import pytest
from chat_client import Tab, open_session

from klient.conversations.models import Conversation, Delivery
from support import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_agents_api_reply_arrives_on_the_chat_and_is_not_emailed(
    chat_server, shop_support, agent_anna, call, smtp_sink
):
    token = open_session(chat_server, name="Ola", email="ola@home.example")
    tab = Tab(chat_server, token)
    tab.resume(0)
    tab.say("My parcel is late")
    conversation_ref = tab.next("ack")["conversation"]
    tab.next("message")

    answer = call(
        agent_anna,
        "post",
        f"/api/v1/conversations/{conversation_ref}/replies",
        {"body": "Let me check, Ola."},
    )
    assert answer.status_code == 201, answer.content
    run_worker()  # the worker delivers the reply on its channel: the chat

    frame = tab.next("message")
    assert frame["seq"] == 2 and frame["sender"] == "agent" and frame["client_id"] is None
    assert (frame["name"], frame["text"]) == ("Anna Nowak", "Let me check, Ola.")
    delivery = Delivery.objects.get(message_id=frame["id"])
    assert (delivery.channel, delivery.state) == ("chat", Delivery.State.SENT)
    assert smtp_sink.messages == []  # not emailed, not even to the typed address
    conversation = Conversation.objects.get()
    assert conversation.waiting_since is None
    tab.close()

    # The visitor was away for the next answer: it is read on resume, after what they saw.
    call(
        agent_anna,
        "post",
        f"/api/v1/conversations/{conversation_ref}/replies",
        {"body": "It leaves today."},
    )
    run_worker()
    back = Tab(chat_server, token)
    back.resume(2)
    assert back.next("message")["text"] == "It leaves today."
    back.close()


def test_an_agent_typing_reaches_the_visitor(chat_server, shop_support):
    from klient.chat import push
    from klient.chat.models import ChatSession

    tab = Tab(chat_server, open_session(chat_server))
    tab.resume(0)
    tab.send({"type": "typing"})  # the visitor's own typing is not echoed back
    push.agent_typing(ChatSession.objects.get().pk)
    assert tab.next() == {"type": "typing", "sender": "agent"}
    tab.close()
