"""Retention rules per team: GET/PUT /api/v1/teams/{id}/retention
{"erase_closed_after_months": N | null}; the worker's sweep erases the personal content of
conversations solved or closed (and untouched) for N months, at most once a day, with a
test clock; a run whose worker died is taken over."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from klient.conversations.actions import update_conversation
from klient.conversations.models import Conversation, Message
from klient.core import wiring
from klient.core.models import Event
from klient.privacy.models import RetentionRun
from klient.privacy.retention import sweep_retention

START = datetime(2026, 1, 5, 9, tzinfo=UTC)


def months(n: int) -> timedelta:
    return timedelta(days=30 * n)


@pytest.fixture
def history(support_team, billing_team, agent_anna, receive):
    """On 5 January: a solved Support conversation, an open one, and a solved Billing one."""
    with freeze_time(START):
        solved = receive(support_team, "ewa@example.com", "Zwrot", "Chcę zwrócić buty.")
        update_conversation(solved.conversation, actor=agent_anna, status="solved")
        still_open = receive(support_team, "jan@example.com", "Rozmiar", "Jaki rozmiar?")
        billing = receive(billing_team, "ola@example.com", "Faktura", "Proszę o fakturę.")
        update_conversation(billing.conversation, actor=None, status="closed")
    return solved.conversation, still_open.conversation, billing.conversation


def put(call, user, team, value):
    return call(
        user, "put", f"/api/v1/teams/{team.pk}/retention", {"erase_closed_after_months": value}
    )


def test_an_admin_sets_and_clears_a_teams_rule_others_may_not(
    call, admin_zofia, agent_anna, support_team, billing_team
):
    assert call(admin_zofia, "get", f"/api/v1/teams/{support_team.pk}/retention").json() == {
        "team": support_team.pk,
        "erase_closed_after_months": None,
    }

    assert put(call, admin_zofia, support_team, 6).json()["erase_closed_after_months"] == 6
    assert put(call, admin_zofia, support_team, 0).status_code == 422
    assert put(call, admin_zofia, support_team, "six").status_code == 422
    assert put(call, agent_anna, support_team, 1).status_code == 403
    assert put(call, agent_anna, billing_team, 1).status_code == 404
    assert put(call, admin_zofia, support_team, None).json()["erase_closed_after_months"] is None
    changes = Event.objects.filter(kind="retention.changed").values_list("data", flat=True)
    assert [d["erase_closed_after_months"] for d in changes] == [6, None]


def test_the_daily_sweep_erases_what_was_closed_n_months_ago_once(
    history, call, admin_zofia, support_team, billing_team
):
    solved, still_open, billing = history
    put(call, admin_zofia, support_team, 6)

    with freeze_time(START + months(6) - timedelta(days=1)):
        assert sweep_retention() == 0  # not yet six months
    due_day = START + months(6) + timedelta(hours=1)
    with freeze_time(due_day):
        assert sweep_retention() == 1
        put(call, admin_zofia, billing_team, 6)
    with freeze_time(due_day + timedelta(hours=2)):
        assert sweep_retention() == 0  # at most once a day: Billing's rule waits for tomorrow
        wiring.sweep()  # the worker's sweeps, this one included, change nothing more
    assert Message.objects.get(conversation=billing).body_text == "Proszę o fakturę."
    with freeze_time(due_day + timedelta(days=1)):
        assert sweep_retention() == 1

    texts = set(Message.objects.filter(conversation=solved).values_list("body_text", flat=True))
    assert texts == {""}
    assert Conversation.objects.get(pk=solved.pk).subject == ""
    assert Message.objects.get(conversation=still_open).body_text == "Jaki rozmiar?"
    assert Message.objects.get(conversation=billing).body_text == ""
    erased = Event.objects.filter(kind="conversation.erased").order_by("id")
    assert [e.conversation_id for e in erased] == [solved.pk, billing.pk]
    assert erased[0].data["counts"]["messages"] == 1
    assert RetentionRun.objects.filter(finished_at__isnull=False).count() == 3


def test_a_run_whose_worker_died_is_taken_over_once_its_lease_ran_out(
    history, call, admin_zofia, support_team, settings
):
    solved = history[0]
    put(call, admin_zofia, support_team, 1)
    later = START + months(2)
    RetentionRun.objects.create(
        day=later.date(), started_at=later, lease_until=later + timedelta(seconds=10)
    )

    with freeze_time(later + timedelta(seconds=5)):
        assert sweep_retention() == 0  # still leased by the other worker
    with freeze_time(later + timedelta(seconds=11)):
        assert sweep_retention() == 1

    assert Conversation.objects.get(pk=solved.pk).subject == ""
    assert RetentionRun.objects.get().finished_at is not None


def test_a_conversation_active_again_waits_anew(history, call, admin_zofia, support_team, receive):
    solved = history[0]
    put(call, admin_zofia, support_team, 1)
    with freeze_time(START + timedelta(days=20)):
        receive(support_team, "ewa@example.com", "Re: Zwrot", "Jeszcze jedno.", conversation=solved)
        update_conversation(solved, actor=None, status="solved")

    with freeze_time(START + timedelta(days=31)):
        assert sweep_retention() == 0
    with freeze_time(START + timedelta(days=51)):
        assert sweep_retention() == 1


def test_a_long_run_is_continued_by_the_next_sweep_calls(
    history, call, admin_zofia, support_team, billing_team, monkeypatch
):
    """Each call works for BUDGET_SECONDS at most (here: one conversation per call), then
    hands the day's run to the next call; the day's run finishes once, then nothing."""
    from klient.privacy import retention

    monkeypatch.setattr(retention, "BUDGET_SECONDS", 0.0)
    put(call, admin_zofia, support_team, 1)
    put(call, admin_zofia, billing_team, 1)

    with freeze_time(START + months(2)):
        calls = [sweep_retention() for _ in range(4)]

    assert calls == [1, 1, 0, 0]
    run = RetentionRun.objects.get()
    assert run.finished_at is not None and run.conversations == 2
    assert Event.objects.filter(kind="conversation.erased").count() == 2
