"""The API exposes each conversation's SLA state (issue 3, item 7): in the list, in one
conversation and after a change; null when no policy applies; joined into the page's one query."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from freezegun import freeze_time

from klient.calendars.actions import save_team_hours
from klient.conversations.actions import update_conversation
from klient.sla.actions import recompute
from klient.sla.admin_actions import save_policy

URL = "/api/v1/conversations"
# Friday 3 April 2026, 14:00 in Warsaw; Easter Monday 6 April is a holiday.
FRIDAY = datetime(2026, 4, 3, 12, tzinfo=UTC)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def standard_sla(support_team):
    save_team_hours(
        support_team,
        actor=None,
        time_zone="Europe/Warsaw",
        hours={day: [("09:00", "17:00")] for day in range(5)},
        country="PL",
    )
    return save_policy(actor=None, name="Standard", team=support_team, first_reply_minutes=240)


@pytest.fixture
def ola_waits(support_team, receive):
    """Ola asked Support for an invoice on Friday afternoon; nobody has answered."""
    with freeze_time(FRIDAY):
        conversation = receive(
            support_team, "ola@klientka.pl", "Faktura VAT", "Dzień dobry, proszę o fakturę."
        ).conversation
        recompute(conversation.pk)
    return conversation


def test_a_list_item_carries_its_sla_state(call, agent_anna, standard_sla, ola_waits):
    [item] = call(agent_anna, "get", URL).json()["items"]

    assert item["sla"] == {
        "policy": "Standard",
        "first_reply_due": "2026-04-07T08:00:00Z",
        "next_reply_due": None,
        "update_due": None,
        "resolution_due": None,
        "due_at": "2026-04-07T08:00:00Z",
        "paused": False,
        "stopped": False,
        "breached": [],
        "first_reply_at": None,
    }


def test_one_conversation_shows_a_breach(call, agent_anna, standard_sla, ola_waits):
    with freeze_time(utc(2026, 4, 7, 9)):
        recompute(ola_waits.pk)

    sla = call(agent_anna, "get", f"{URL}/{ola_waits.reference}").json()["sla"]

    assert sla["breached"] == ["first_reply"]
    assert sla["due_at"] == "2026-04-07T08:00:00Z"


def test_one_conversation_shows_a_pause(call, agent_anna, standard_sla, ola_waits):
    with freeze_time(utc(2026, 4, 7, 7)):
        update_conversation(ola_waits, actor=agent_anna, status="pending")
        recompute(ola_waits.pk)

    sla = call(agent_anna, "get", f"{URL}/{ola_waits.reference}").json()["sla"]

    assert sla["paused"] and sla["due_at"] is None and sla["breached"] == []


def test_a_change_answers_with_the_sla_state(call, agent_anna, standard_sla, ola_waits):
    response = call(agent_anna, "patch", f"{URL}/{ola_waits.reference}", {"priority": "high"})

    assert response.status_code == 200
    assert response.json()["sla"]["policy"] == "Standard"


def test_without_a_policy_the_sla_is_null(call, agent_anna, ola_waits):
    assert call(agent_anna, "get", URL).json()["items"][0]["sla"] is None
    assert call(agent_anna, "get", f"{URL}/{ola_waits.reference}").json()["sla"] is None


def test_the_sla_state_costs_no_query_of_its_own(
    call, agent_anna, support_team, standard_sla, receive
):
    def page_queries(count):
        for i in range(count):
            conversation = receive(support_team, f"c{i}@example.com", f"Q{i}", "Hello").conversation
            recompute(conversation.pk)
        call(agent_anna, "get", URL)  # the first call of the minute records the token's use
        with CaptureQueriesContext(connection) as queries:
            response = call(agent_anna, "get", URL)
        assert all(item["sla"] for item in response.json()["items"])
        return len(queries)

    assert page_queries(2) == page_queries(10) == 2  # the token, the page


def test_the_sla_object_is_documented(client, db):
    schema = client.get("/api/v1/openapi.json").json()["components"]["schemas"]

    assert {"policy", "first_reply_due", "due_at", "paused", "breached"} <= set(
        schema["SlaOut"]["properties"]
    )
