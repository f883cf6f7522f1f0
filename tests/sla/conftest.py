"""SLA fixtures: policies, Warsaw business hours, a movable frozen clock, and helpers that
drive conversations through the real actions at chosen moments."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from freezegun import freeze_time

WEEKDAYS_9_TO_5 = {day: [("09:00", "17:00")] for day in range(5)}


@pytest.fixture
def frozen():
    """Time stands still at a Monday morning until the test moves it (frozen.move_to)."""
    with freeze_time(datetime(2026, 6, 1, 6, tzinfo=UTC)) as factory:
        yield factory


@pytest.fixture
def warsaw_hours(support_team):
    from klient.calendars.actions import save_team_hours

    return save_team_hours(
        support_team, actor=None, time_zone="Europe/Warsaw", hours=WEEKDAYS_9_TO_5, country="PL"
    )


@pytest.fixture
def standard_policy(db):
    """First reply within 4 business hours, next reply 2, news every 8, resolved within 40."""
    from klient.sla.admin_actions import save_policy

    return save_policy(
        actor=None,
        name="Standard",
        position=100,
        first_reply_minutes=240,
        next_reply_minutes=120,
        periodic_update_minutes=480,
        resolution_minutes=2400,
    )


@pytest.fixture
def urgent_policy(db):
    """Urgent conversations: first reply within one hour of calendar time."""
    from klient.sla.admin_actions import save_policy

    return save_policy(
        actor=None,
        name="Urgent",
        position=10,
        priority="urgent",
        first_reply_minutes=60,
        next_reply_minutes=60,
        business_time=False,
    )


@pytest.fixture
def deliver():
    """deliver(message, outcome="sent"): record the channel's outcome, as the sender would."""
    from klient.conversations.actions import record_delivery_outcome

    def _deliver(message, outcome="sent"):
        message.delivery.refresh_from_db()
        record_delivery_outcome(message.delivery, outcome=outcome)

    return _deliver


@pytest.fixture
def settle():
    """settle(conversation) -> ConversationSla: what the wired handler does after an event."""
    from klient.sla.actions import recompute

    return lambda conversation: recompute(conversation.pk)


@pytest.fixture
def sla_events():
    """sla_events(conversation, kind=None) -> the conversation's sla.* events in order."""
    from klient.core.models import Event

    def _events(conversation, kind=None):
        events = Event.objects.filter(conversation=conversation, kind__startswith="sla.")
        if kind:
            events = events.filter(kind=kind)
        return list(events.order_by("at", "id"))

    return _events
