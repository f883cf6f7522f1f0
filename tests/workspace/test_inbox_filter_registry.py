"""A higher layer adds an inbox filter without editing conversations: registered once, it
is a parameter of the workspace inbox and of GET /api/v1/conversations, validated by its
own parser, and unknown parameters are still refused (API) or ignored (workspace)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from klient.conversations.actions import update_conversation
from klient.conversations.queries import (
    FilterError,
    allowed_params,
    register_inbox_filter,
    unregister_inbox_filter,
)

INBOX = reverse("workspace:inbox")
API = "/api/v1/conversations"


def parse_priority(text: str) -> str:
    if text not in ("high", "urgent"):
        raise FilterError("pressing must be high or urgent.")
    return text


@pytest.fixture
def pressing_filter():
    """A dummy filter, as insights would add one: `pressing=high` or `pressing=urgent`."""
    register_inbox_filter(
        "pressing",
        parse=parse_priority,
        apply=lambda rows, value, user: rows.filter(priority=value),
    )
    yield
    unregister_inbox_filter("pressing")


@pytest.fixture
def two_conversations(support_team, receive, agent_anna):
    calm = receive(support_team, "tom@example.com", "A question", "When?").conversation
    burning = receive(support_team, "ola@example.com", "Outage", "Down!").conversation
    update_conversation(burning, actor=agent_anna, priority="urgent")
    return calm, burning


def api_refs(client, user, query):
    response = client.get(f"{API}?{query}", headers={"Authorization": f"Bearer {user.api_token}"})
    return response


def page_refs(response) -> list[str]:
    return re.findall(r'class="conv-ref">(K-\d+)<', response.content.decode())


def test_a_registered_filter_narrows_the_api_list(
    client, agent_anna, pressing_filter, two_conversations
):
    _calm, burning = two_conversations

    response = api_refs(client, agent_anna, "pressing=urgent")

    assert response.status_code == 200
    assert [c["ref"] for c in response.json()["items"]] == [burning.reference]
    assert "pressing" in allowed_params()


def test_the_api_refuses_an_invalid_value_of_a_registered_filter(
    client, agent_anna, pressing_filter, two_conversations
):
    response = api_refs(client, agent_anna, "pressing=whenever")

    assert response.status_code == 400
    assert response.json()["detail"] == "pressing must be high or urgent."
    assert "pressing" in response.json()["allowed"]


def test_without_registration_the_parameter_is_unknown(client, agent_anna, two_conversations):
    response = api_refs(client, agent_anna, "pressing=urgent")

    assert response.status_code == 400
    assert "pressing" not in response.json()["allowed"]


def test_a_registered_filter_narrows_the_workspace_inbox(
    anna_client, pressing_filter, two_conversations
):
    calm, burning = two_conversations

    everything = page_refs(anna_client.get(INBOX))
    pressing = page_refs(anna_client.get(f"{INBOX}?pressing=urgent"))

    assert sorted(everything) == sorted([calm.reference, burning.reference])
    assert pressing == [burning.reference]


def test_the_workspace_ignores_and_names_an_invalid_value(
    anna_client, pressing_filter, two_conversations
):
    response = anna_client.get(f"{INBOX}?pressing=whenever")

    assert len(page_refs(response)) == 2
    assert "pressing must be high or urgent." in response.content.decode()


def test_a_registered_filter_adds_no_query(anna_client, pressing_filter, two_conversations):
    with CaptureQueriesContext(connection) as plain:
        anna_client.get(INBOX)
    with CaptureQueriesContext(connection) as narrowed:
        anna_client.get(f"{INBOX}?pressing=urgent")

    assert len(narrowed.captured_queries) == len(plain.captured_queries)


def test_a_name_is_registered_once_and_built_in_filters_stay(pressing_filter):
    with pytest.raises(ValueError, match="exists already"):
        register_inbox_filter("pressing", parse=str, apply=lambda rows, value, user: rows)
    with pytest.raises(ValueError, match="exists already"):
        register_inbox_filter("status", parse=str, apply=lambda rows, value, user: rows)
    with pytest.raises(ValueError, match="built-in"):
        unregister_inbox_filter("status")


def test_the_workspace_takes_every_filter_the_api_takes(anna_client, two_conversations):
    _calm, burning = two_conversations

    page = anna_client.get(f"{INBOX}?customer=ola@example.com")

    assert page_refs(page) == [burning.reference]
