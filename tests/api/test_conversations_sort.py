"""GET /api/v1/conversations?sort=…: the workspace's orders by name (newest, the default;
oldest; waiting: the customer waiting longest first; priority), in exact keyset pages,
and a 400 naming the sorts for any other value."""

from datetime import timedelta

import pytest
from django.utils import timezone

from klient.conversations.actions import reply, update_conversation
from klient.conversations.models import Conversation

URL = "/api/v1/conversations"


def refs(response):
    assert response.status_code == 200, response.content
    return [item["ref"] for item in response.json()["items"]]


@pytest.fixture
def four(support_team, agent_anna, admin_zofia, receive):
    """Four Support conversations: one waiting four days, two waiting today, one answered."""
    now = timezone.now()

    def conv(i, hours_ago):
        return receive(
            support_team,
            f"c{i}@example.com",
            f"Q{i}",
            "x",
            received_at=now - timedelta(hours=hours_ago),
        ).conversation

    old = conv(0, 96)
    morning, noon, answered = conv(1, 6), conv(2, 3), conv(3, 1)
    reply(answered, actor=agent_anna, body="Done.")
    update_conversation(noon, actor=admin_zofia, priority="urgent")
    # Keep each conversation's last activity at its customer's message.
    for conversation, hours in ((old, 96), (noon, 3)):
        Conversation.objects.filter(pk=conversation.pk).update(
            updated_at=now - timedelta(hours=hours)
        )
    return old, morning, noon, answered


def test_each_sort_orders_the_list(call, agent_anna, four):
    old, morning, noon, answered = (c.reference for c in four)

    assert refs(call(agent_anna, "get", URL)) == [answered, noon, morning, old]
    assert refs(call(agent_anna, "get", f"{URL}?sort=newest")) == [answered, noon, morning, old]
    assert refs(call(agent_anna, "get", f"{URL}?sort=oldest")) == [old, morning, noon, answered]
    assert refs(call(agent_anna, "get", f"{URL}?sort=waiting")) == [old, morning, noon, answered]
    assert refs(call(agent_anna, "get", f"{URL}?sort=priority")) == [noon, old, morning, answered]


@pytest.mark.parametrize("sort", ["newest", "oldest", "waiting", "priority"])
def test_a_sort_pages_exactly_with_its_cursor(call, agent_anna, four, sort):
    everything = refs(call(agent_anna, "get", f"{URL}?sort={sort}"))

    seen, cursor = [], ""
    while True:
        response = call(agent_anna, "get", f"{URL}?sort={sort}&limit=1{cursor}")
        seen += refs(response)
        next_cursor = response.json()["next_cursor"]
        if not next_cursor:
            break
        cursor = f"&cursor={next_cursor}"

    assert seen == everything
    assert len(seen) == 4


def test_an_unknown_sort_is_refused_with_the_sorts_allowed(call, agent_anna, four):
    response = call(agent_anna, "get", f"{URL}?sort=subject")

    assert response.status_code == 400
    assert response.json()["detail"] == (
        "Unknown sort subject; use newest, oldest, waiting, priority."
    )


def test_a_cursor_of_another_sort_is_refused_not_a_server_error(call, agent_anna, four):
    first = call(agent_anna, "get", f"{URL}?sort=priority&limit=1").json()

    response = call(agent_anna, "get", f"{URL}?sort=newest&cursor={first['next_cursor']}")

    assert response.status_code == 400
    assert "Invalid cursor" in response.json()["detail"]


def test_the_sort_is_documented():
    from klient.api.urls import api

    parameters = api.get_openapi_schema()["paths"]["/api/v1/conversations"]["get"]["parameters"]
    sort = next(p for p in parameters if p["name"] == "sort")
    assert "waiting" in sort["description"] and "priority" in sort["description"]
