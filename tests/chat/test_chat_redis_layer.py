"""Production's channel layer: the chat's frames travel through Redis (db 9) between the
server's sockets and the worker that delivers an agent's reply."""

from __future__ import annotations

import pytest
from chat_client import Tab, open_session

from klient.chat import queries
from klient.conversations.actions import reply
from support import redis_channel_layer, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = "redis://127.0.0.1:6379/9"


@pytest.fixture
def redis_layer(settings):
    with redis_channel_layer(settings, REDIS_URL, "chat") as prefix:
        yield prefix


def test_two_tabs_and_an_agent_talk_through_the_redis_layer(
    redis_layer, chat_server, shop_support, agent_anna
):
    token = open_session(chat_server)
    left, right = Tab(chat_server, token), Tab(chat_server, token)
    left.resume(0)
    right.resume(0)
    left.say("Hello over Redis")
    assert left.next("ack")["seq"] == 1
    assert right.next("message")["text"] == "Hello over Redis"

    reply(queries.session_by_token(token).conversation, actor=agent_anna, body="Hi!")
    run_worker()  # the worker publishes to Redis, not to the server's loop
    assert left.next("message")["seq"] == 1  # its own message, then the answer
    for tab in (left, right):
        frame = tab.next("message")
        assert (frame["seq"], frame["sender"], frame["text"]) == (2, "agent", "Hi!")
    left.close()
    right.close()
