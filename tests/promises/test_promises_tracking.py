"""Promises tracked in conversations (issue 17, item 3), through the API and the worker:
Anna promises Luc a call back tomorrow in her reply; the reply's answer offers it; she
confirms it with one click; a later reply, a call or a resolution keeps it; at its due
time an open promise breaks: promise.broken, Anna and the team lead are notified, and
the conversation is escalated (its priority goes up), like an SLA breach."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time
from tests.support import worker_runs

from klient.core.models import Event
from klient.notifications.models import Notification
from klient.promises.models import Promise

# Wednesday 25 March 2026, 10:00 in Warsaw (09:00 UTC).
SENT_AT = datetime(2026, 3, 25, 9, 0, tzinfo=UTC)
PROMISE = "Thank you, Luc. I'll call you back tomorrow. Best regards, Anna"


@pytest.fixture
def call(client):
    def _call(user, method, url, body=None):
        headers = {"Authorization": f"Bearer {user.api_token}"}
        if body is None:
            return getattr(client, method)(url, headers=headers)
        return getattr(client, method)(
            url, data=json.dumps(body), content_type="application/json", headers=headers
        )

    return _call


@pytest.fixture
def luc(support_team, receive):
    """Luc, a customer in Warsaw, writes to Support."""
    with freeze_time(SENT_AT - timedelta(hours=1)):
        message = receive(
            support_team, "luc@client.fr", "Coupure", "My power went out again.", language="en"
        )
    customer = message.conversation.customer
    customer.time_zone = "Europe/Warsaw"
    customer.save(update_fields=["time_zone"])
    return message.conversation


def reply(call, agent, conversation, body, at=SENT_AT):
    with freeze_time(at):
        response = call(
            agent, "post", f"/api/v1/conversations/{conversation.reference}/replies", {"body": body}
        )
    assert response.status_code == 201, response.content
    return response.json()


def test_a_reply_lists_the_promises_it_holds_as_offered(call, agent_anna, luc):
    answer = reply(call, agent_anna, luc, PROMISE)

    [offered] = answer["promises"]
    assert offered == {
        "id": offered["id"],
        "quote": "I'll call you back tomorrow.",
        "due": "2026-03-26T17:00:00+01:00",
        "state": "offered",
    }
    listed = call(agent_anna, "get", "/api/v1/promises?state=offered").json()["items"]
    assert [(p["id"], p["conversation"]) for p in listed] == [(offered["id"], luc.reference)]
    assert Event.objects.filter(kind="promise.offered", conversation=luc).count() == 1


def test_a_reply_without_a_deadline_offers_nothing(call, agent_anna, luc):
    assert reply(call, agent_anna, luc, "I'll pass it on to the technicians.")["promises"] == []


def test_confirm_opens_it_and_an_agent_may_mark_it_kept_or_dismiss_it(
    call, agent_anna, agent_bruno, luc
):
    [offered] = reply(call, agent_anna, luc, PROMISE)["promises"]
    url = f"/api/v1/promises/{offered['id']}"

    assert call(agent_bruno, "post", f"{url}/confirm").status_code == 404  # not his team's
    confirmed = call(agent_anna, "post", f"{url}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "open"
    assert call(agent_anna, "post", f"{url}/confirm").status_code == 422  # open already
    assert (
        call(agent_anna, "get", "/api/v1/promises?state=open").json()["items"][0]["id"]
        == (offered["id"])
    )
    kept = call(agent_anna, "post", f"{url}/kept")
    assert kept.json()["state"] == "kept"
    assert call(agent_anna, "post", f"{url}/dismiss").status_code == 422  # kept already
    kinds = list(
        Event.objects.filter(conversation=luc, kind__startswith="promise.")
        .values_list("kind", flat=True)
        .order_by("pk")
    )
    assert kinds == ["promise.offered", "promise.confirmed", "promise.kept"]


def test_dismissed_is_neither_kept_nor_broken(call, agent_anna, luc):
    [offered] = reply(call, agent_anna, luc, PROMISE)["promises"]
    call(agent_anna, "post", f"/api/v1/promises/{offered['id']}/confirm")
    assert (
        call(agent_anna, "post", f"/api/v1/promises/{offered['id']}/dismiss").json()["state"]
        == "dismissed"
    )
    worker_runs(at=SENT_AT + timedelta(days=3))
    assert Promise.objects.get().state == "dismissed"


def test_an_open_promise_breaks_at_its_due_time_notifies_and_escalates(
    call, agent_anna, admin_zofia, support_team, luc
):
    support_team.lead = admin_zofia
    support_team.save(update_fields=["lead"])
    [offered] = reply(call, agent_anna, luc, PROMISE)["promises"]
    call(agent_anna, "post", f"/api/v1/promises/{offered['id']}/confirm")
    due = datetime.fromisoformat(offered["due"])

    worker_runs(at=due - timedelta(minutes=1))
    assert Promise.objects.get().state == "open"  # not yet

    worker_runs(at=due + timedelta(minutes=1))
    promise = Promise.objects.get()
    assert promise.state == "broken"
    assert Event.objects.filter(kind="promise.broken", conversation=luc).count() == 1
    told = set(
        Notification.objects.filter(kind="promise.broken", conversation=luc).values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {agent_anna.username, admin_zofia.username}
    luc.refresh_from_db()
    assert luc.priority == "high"

    worker_runs(at=due + timedelta(hours=1))  # broken once, told once
    assert Notification.objects.filter(kind="promise.broken").count() == 2
    assert (
        call(agent_anna, "get", "/api/v1/promises?state=broken").json()["items"][0]["id"]
        == (offered["id"])
    )


def test_a_later_reply_keeps_it(call, agent_anna, luc):
    [offered] = reply(call, agent_anna, luc, PROMISE)["promises"]
    call(agent_anna, "post", f"/api/v1/promises/{offered['id']}/confirm")
    worker_runs(at=SENT_AT + timedelta(minutes=1))
    assert Promise.objects.get().state == "open"  # its own reply keeps nothing

    reply(
        call, agent_anna, luc, "Here is the technician's report.", at=SENT_AT + timedelta(hours=3)
    )
    worker_runs(at=SENT_AT + timedelta(hours=3, minutes=1))

    assert Promise.objects.get().state == "kept"
    kept = Event.objects.get(kind="promise.kept", conversation=luc)
    assert kept.data["by"] == "message.outbound_queued"
    worker_runs(at=SENT_AT + timedelta(days=2))
    assert Promise.objects.get().state == "kept"  # never broken afterwards


def test_a_call_keeps_it(call, agent_anna, luc):
    [offered] = reply(call, agent_anna, luc, PROMISE)["promises"]
    call(agent_anna, "post", f"/api/v1/promises/{offered['id']}/confirm")
    with freeze_time(SENT_AT + timedelta(hours=5)):
        logged = call(
            agent_anna,
            "post",
            f"/api/v1/conversations/{luc.reference}/calls",
            {"direction": "outbound", "number": "+48601234567", "outcome": "answered"},
        )
    assert logged.status_code in (200, 201), logged.content
    worker_runs(at=SENT_AT + timedelta(hours=5, minutes=1))
    assert Promise.objects.get().state == "kept"
    assert Event.objects.get(kind="promise.kept").data["by"] == "call.logged"


def test_a_resolution_keeps_it(call, agent_anna, luc):
    [offered] = reply(call, agent_anna, luc, PROMISE)["promises"]
    with freeze_time(SENT_AT + timedelta(hours=1)):
        call(agent_anna, "patch", f"/api/v1/conversations/{luc.reference}", {"status": "solved"})
    worker_runs(at=SENT_AT + timedelta(hours=1, minutes=1))
    assert Promise.objects.get(pk=offered["id"]).state == "kept"


def test_a_reply_sent_elsewhere_than_the_api_is_offered_by_the_worker(agent_anna, luc):
    from django.db import transaction

    from klient.conversations.actions import reply as send_reply

    with freeze_time(SENT_AT), transaction.atomic():
        send_reply(luc, actor=agent_anna, body="Je vous rappelle demain.")
    worker_runs(at=SENT_AT + timedelta(seconds=5))
    promise = Promise.objects.get()
    assert (promise.state, promise.quote) == ("offered", "Je vous rappelle demain.")
    assert promise.due_at == datetime(2026, 3, 26, 16, 0, tzinfo=UTC)


def test_the_draft_check_shows_promises_before_sending(call, agent_anna, luc):
    with freeze_time(SENT_AT):
        answer = call(
            agent_anna,
            "post",
            f"/api/v1/conversations/{luc.reference}/check-reply",
            {"body": PROMISE},
        ).json()
    [finding] = [f for f in answer["findings"] if f["check"] == "promises"]
    assert finding["category"] == "promise"
    assert finding["excerpt"] == "I'll call you back tomorrow."
    assert PROMISE[finding["start"] : finding["end"]] == finding["excerpt"]
    assert "2026-03-26 17:00" in finding["message"]


def test_kept_and_broken_are_reported_per_agent_and_team(
    call, agent_anna, admin_zofia, support_team, luc
):
    first = reply(call, agent_anna, luc, PROMISE)["promises"][0]
    second = reply(call, agent_anna, luc, "I'll send the report by Friday.")["promises"][0]
    call(agent_anna, "post", f"/api/v1/promises/{first['id']}/kept")
    call(agent_anna, "post", f"/api/v1/promises/{second['id']}/confirm")
    worker_runs(at=datetime.fromisoformat(second["due"]) + timedelta(minutes=1))

    by_agent = call(admin_zofia, "get", "/api/v1/reports/promises?group=agent").json()
    assert by_agent["group"] == "agent"
    [row] = by_agent["rows"]
    assert (row["id"], row["kept"], row["broken"], row["kept_rate"]) == (agent_anna.pk, 1, 1, 0.5)
    [team_row] = call(agent_anna, "get", "/api/v1/reports/promises?group=team").json()["rows"]
    assert (team_row["name"], team_row["kept"], team_row["broken"]) == ("Support", 1, 1)


def test_a_reply_sent_as_solved_does_not_keep_its_own_promise(call, agent_anna, luc):
    with freeze_time(SENT_AT):
        answer = call(
            agent_anna,
            "post",
            f"/api/v1/conversations/{luc.reference}/replies",
            {"body": PROMISE, "status": "solved"},
        ).json()
    worker_runs(at=SENT_AT + timedelta(minutes=1))
    assert Promise.objects.get(pk=answer["promises"][0]["id"]).state == "offered"
