"""Time rules: "when a conversation has been pending for N (business) minutes". The timer
is scheduled when the conversation becomes pending, due N business minutes later on the
team's calendar (across a weekend and a change to summer time), fired by the sweep once
per moment, with the conditions checked again when it fires."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from freezegun import freeze_time

from klient.automations.engine import sweep_due_timers
from klient.automations.models import Firing, Timer
from klient.calendars.actions import save_team_hours
from klient.conversations.actions import set_tags, update_conversation
from klient.core.models import Event
from klient.core.wiring import dispatch_pending, run_handlers
from support import worker_runs

# Friday 27 March 2026, 16:00 in Warsaw (CET, UTC+1). Summer time starts on Sunday 29 March.
FRIDAY_4PM = datetime(2026, 3, 27, 15, 0, tzinfo=UTC)
# 120 business minutes later: Friday's last hour, then Monday 09:00-10:00 in Warsaw, which
# is CEST (UTC+2) by then: 08:00 UTC.
MONDAY_10AM = datetime(2026, 3, 30, 8, 0, tzinfo=UTC)


@pytest.fixture
def office_hours(support_team):
    save_team_hours(
        support_team,
        actor=None,
        time_zone="Europe/Warsaw",
        hours={day: [("09:00", "17:00")] for day in range(5)},
    )


def stale_rule(make_rule, *, minutes=120, business=True, conditions=()):
    return make_rule(
        {
            "name": "Stale pending",
            "when": {
                "after": {"minutes": minutes, "business": business, "since": "status:pending"}
            },
            "if": list(conditions),
            "then": [{"action": "add_tag", "value": "stale"}],
        }
    )


def tags(conversation):
    return sorted(conversation.tags.values_list("name", flat=True))


def set_pending(conversation, agent, at):
    with freeze_time(at):
        update_conversation(conversation, actor=agent, status="pending")
    worker_runs(at=at)


def test_business_minutes_run_across_the_weekend_and_the_change_to_summer_time(
    make_rule, office_hours, question, agent_anna
):
    stale_rule(make_rule)
    set_pending(question, agent_anna, FRIDAY_4PM)
    timer = Timer.objects.get()
    assert timer.due_at == MONDAY_10AM

    worker_runs(at=MONDAY_10AM - timedelta(seconds=1))
    assert tags(question) == []
    worker_runs(at=MONDAY_10AM + timedelta(seconds=30))  # within the 60 s
    assert tags(question) == ["stale"]
    timer.refresh_from_db()
    assert timer.state == Timer.State.FIRED


def test_calendar_minutes_are_real_time_across_the_change_to_summer_time(
    make_rule, office_hours, question, agent_anna
):
    stale_rule(make_rule, minutes=24 * 60, business=False)
    saturday_noon = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    set_pending(question, agent_anna, saturday_noon)
    assert Timer.objects.get().due_at == saturday_noon + timedelta(hours=24)


def test_a_one_minute_rule_fires_once_per_moment(make_rule, question, agent_anna):
    stale_rule(make_rule, minutes=1, business=False)
    start = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
    set_pending(question, agent_anna, start)
    change = Event.objects.get(conversation=question, kind="status.changed")
    worker_runs(at=start + timedelta(minutes=1))
    worker_runs(at=start + timedelta(minutes=5))
    with freeze_time(start + timedelta(minutes=6)):
        run_handlers([change.pk])  # the status change redelivered: no second timer
        assert sweep_due_timers() == 0
    assert Timer.objects.count() == 1
    assert Firing.objects.filter(outcome=Firing.Outcome.FIRED).count() == 1
    assert Event.objects.filter(conversation=question, kind="automation.fired").count() == 1

    # Open again, then pending again: a new moment, so the rule fires once more.
    set_tags(question, actor=agent_anna, remove=["stale"])
    with freeze_time(start + timedelta(minutes=10)):
        update_conversation(question, actor=agent_anna, status="open")
    set_pending(question, agent_anna, start + timedelta(minutes=11))
    worker_runs(at=start + timedelta(minutes=12, seconds=1))
    assert tags(question) == ["stale"]
    assert Firing.objects.filter(outcome=Firing.Outcome.FIRED).count() == 2


def test_conditions_are_checked_again_when_the_timer_fires(make_rule, question, agent_anna):
    stale_rule(
        make_rule,
        minutes=60,
        business=False,
        conditions=[{"field": "tags", "op": "contains", "value": "waiting-on-parts"}],
    )
    start = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
    set_tags(question, actor=agent_anna, add=["waiting-on-parts"])
    set_pending(question, agent_anna, start)
    with freeze_time(start + timedelta(minutes=30)):
        set_tags(question, actor=agent_anna, remove=["waiting-on-parts"])
    worker_runs(at=start + timedelta(minutes=61))
    assert tags(question) == []
    assert Firing.objects.get().outcome == Firing.Outcome.NOT_MATCHED
    assert Timer.objects.get().state == Timer.State.SKIPPED


def test_leaving_the_state_cancels_the_timer(make_rule, question, agent_anna):
    stale_rule(make_rule, minutes=60, business=False)
    start = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
    set_pending(question, agent_anna, start)
    with freeze_time(start + timedelta(minutes=20)):
        update_conversation(question, actor=agent_anna, status="open")
    worker_runs(at=start + timedelta(minutes=20))
    assert Timer.objects.get().state == Timer.State.CANCELLED
    worker_runs(at=start + timedelta(minutes=61))
    assert tags(question) == [] and not Firing.objects.exists()


def test_a_rule_created_later_schedules_the_conversations_already_pending(
    make_rule, question, agent_anna
):
    start = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
    set_pending(question, agent_anna, start)
    with freeze_time(start + timedelta(minutes=30)):
        stale_rule(make_rule, minutes=60, business=False)
        dispatch_pending()  # the bulk pass after the rule is saved
    assert Timer.objects.get().due_at == start + timedelta(minutes=60)
    worker_runs(at=start + timedelta(minutes=60, seconds=5))
    assert tags(question) == ["stale"]


def test_an_edited_rule_never_fires_its_older_timers(make_rule, question, agent_anna, admin_zofia):
    from klient.automations.actions import patch_rule

    start = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
    with freeze_time(start):
        rule = stale_rule(make_rule, minutes=60, business=False)
    set_pending(question, agent_anna, start)
    with freeze_time(start + timedelta(minutes=5)):
        patch_rule(
            rule,
            {"when": {"after": {"minutes": 120, "since": "status:pending"}}},
            actor=admin_zofia,
        )
    worker_runs(at=start + timedelta(minutes=61))
    assert tags(question) == []
    [timer] = Timer.objects.filter(state=Timer.State.SCHEDULED)
    assert timer.due_at == start + timedelta(minutes=120)
    worker_runs(at=start + timedelta(minutes=121))
    assert tags(question) == ["stale"]


def test_new_business_hours_move_the_scheduled_timers(
    make_rule, office_hours, question, agent_anna, support_team
):
    """The team opens at 08:00 instead of 09:00 from the next week: a timer counting 120
    business minutes from Friday 16:00 is due at Monday 09:00, not 10:00, and fires then."""
    stale_rule(make_rule)
    set_pending(question, agent_anna, FRIDAY_4PM)
    assert Timer.objects.get().due_at == MONDAY_10AM

    with freeze_time(FRIDAY_4PM + timedelta(minutes=5)):
        save_team_hours(
            support_team,
            actor=None,
            time_zone="Europe/Warsaw",
            hours={day: [("08:00", "17:00")] for day in range(5)},
        )
    worker_runs(at=FRIDAY_4PM + timedelta(minutes=5))
    assert Timer.objects.get().due_at == MONDAY_10AM - timedelta(hours=1)

    worker_runs(at=MONDAY_10AM - timedelta(minutes=59))
    assert tags(question) == ["stale"]


def test_new_hours_leave_real_time_timers_and_other_teams_alone(
    make_rule, office_hours, question, agent_anna, support_team, billing_team
):
    stale_rule(make_rule, minutes=24 * 60, business=False)
    set_pending(question, agent_anna, FRIDAY_4PM)
    due = Timer.objects.get().due_at

    for team in (support_team, billing_team):
        save_team_hours(
            team,
            actor=None,
            time_zone="Europe/Warsaw",
            hours={day: [("06:00", "20:00")] for day in range(7)},
        )
    worker_runs(at=FRIDAY_4PM + timedelta(minutes=5))
    assert Timer.objects.get().due_at == due
