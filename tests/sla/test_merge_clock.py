"""The SLA clock across a merge (docs/sla.md, "Merge"): the survivor keeps its policy and
clock; a customer who had waited longer on the merged conversation carries that wait over
(silence is not erased by merging); the merged conversation's targets stop. The stored
state always equals a recomputation from the events."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klient.conversations.actions import reply, update_conversation
from klient.conversations.merge import merge_conversations
from klient.core.models import Event
from klient.sla import scheduler
from klient.sla.actions import stored_fields
from klient.sla.clock import ClockEvent, Targets, evaluate
from klient.sla.models import ConversationSla
from klient.sla.queries import recomputed_fields

pytestmark = pytest.mark.usefixtures("frozen", "warsaw_hours", "standard_policy")


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def assert_recomputable(row):
    assert stored_fields(row) == recomputed_fields(row.conversation_id, row.computed_at)


@pytest.fixture
def duplicate(frozen, receive, support_team, settle):
    """Monday 09:00 Warsaw: Ewa asks for her invoice. Nobody answers."""
    frozen.move_to(utc(2026, 6, 1, 7))
    conversation = receive(support_team, "ewa@example.pl", "Faktura", "Proszę o fakturę.")
    settle(conversation.conversation)
    return conversation.conversation


@pytest.fixture
def answered_later(frozen, receive, support_team, agent_anna, deliver, settle, duplicate):
    """10:00 Warsaw: Ewa writes again, a new conversation, which Anna answers at 10:30."""
    frozen.move_to(utc(2026, 6, 1, 8))
    conversation = receive(support_team, "ewa@example.pl", "Faktura?", "Halo?").conversation
    settle(conversation)
    frozen.move_to(utc(2026, 6, 1, 8, 30))
    deliver(reply(conversation, actor=agent_anna, body="Sprawdzamy."))
    settle(conversation)
    return conversation


def test_the_survivor_takes_the_longer_wait_and_its_next_reply_is_due_from_then(
    frozen, duplicate, answered_later, agent_anna, settle, sla_events
):
    frozen.move_to(utc(2026, 6, 1, 8, 45))
    merge_conversations(duplicate, answered_later, actor=agent_anna)
    answered_later.refresh_from_db()
    sla = settle(answered_later)

    assert answered_later.waiting_since == utc(2026, 6, 1, 7)
    # Next reply within 2 business hours of Ewa's first, unanswered message (09:00 Warsaw).
    assert sla.next_reply_due == utc(2026, 6, 1, 9)
    assert sla.due_at == utc(2026, 6, 1, 9)
    # The survivor keeps its policy, start and first reply.
    assert (sla.policy.name, sla.started_at) == ("Standard", utc(2026, 6, 1, 8))
    assert sla.first_reply_at == utc(2026, 6, 1, 8, 30)
    # The warning moment (75% of 2 h after 07:00) was already past: reported at once.
    [warning] = sla_events(answered_later, "sla.warning")
    assert warning.data["target"] == "next_reply"
    assert warning.data["moment"] == "2026-06-01T08:30:00+00:00"
    assert_recomputable(sla)

    frozen.move_to(utc(2026, 6, 1, 9, 1))
    scheduler.tick(now=utc(2026, 6, 1, 9, 1))
    [breach] = sla_events(answered_later, "sla.breached")
    assert breach.data["target"] == "next_reply"
    assert_recomputable(ConversationSla.objects.get(conversation=answered_later))


def test_the_merged_conversations_targets_stop_and_never_warn_or_breach(
    frozen, duplicate, answered_later, agent_anna, settle, sla_events
):
    frozen.move_to(utc(2026, 6, 1, 8, 45))
    merge_conversations(duplicate, answered_later, actor=agent_anna)
    sla = settle(duplicate)

    assert sla.stopped
    assert (sla.first_reply_due, sla.due_at, sla.next_due_at) == (None, None, None)
    frozen.move_to(utc(2026, 6, 10, 12))
    scheduler.tick(now=utc(2026, 6, 10, 12))
    assert sla_events(duplicate, "sla.warning") == []
    assert sla_events(duplicate, "sla.breached") == []
    assert_recomputable(ConversationSla.objects.get(conversation=duplicate))


def test_a_survivor_that_waits_longer_keeps_its_own_clock(
    frozen, receive, support_team, duplicate, agent_anna, settle
):
    frozen.move_to(utc(2026, 6, 1, 8))
    later = receive(support_team, "ewa@example.pl", "Faktura?", "Halo?").conversation
    settle(later)
    before = stored_fields(settle(duplicate))

    frozen.move_to(utc(2026, 6, 1, 8, 45))
    merge_conversations(later, duplicate, actor=agent_anna)
    sla = settle(duplicate)

    duplicate.refresh_from_db()
    assert duplicate.waiting_since == utc(2026, 6, 1, 7)
    assert sla.first_reply_due == before["first_reply_due"] == utc(2026, 6, 1, 11)
    assert sla.next_reply_due is None
    assert_recomputable(sla)


def test_a_waiting_duplicate_reopens_a_solved_survivor(
    frozen, duplicate, answered_later, agent_anna, settle
):
    frozen.move_to(utc(2026, 6, 1, 8, 40))
    update_conversation(answered_later, actor=agent_anna, status="solved")
    assert settle(answered_later).stopped

    frozen.move_to(utc(2026, 6, 1, 8, 45))
    merge_conversations(duplicate, answered_later, actor=agent_anna)
    answered_later.refresh_from_db()
    sla = settle(answered_later)

    assert answered_later.status == "open"
    assert not sla.stopped
    # From Ewa's 07:00 message; the 5 minutes the survivor was solved do not count (a
    # cycle runs on its own conversation's clock, docs/sla.md "Merge").
    assert sla.next_reply_due == utc(2026, 6, 1, 9, 5)
    assert_recomputable(sla)


def test_a_closed_duplicate_carries_no_wait(frozen, duplicate, answered_later, agent_anna, settle):
    """An agent had closed it: nobody is waiting on it any more."""
    frozen.move_to(utc(2026, 6, 1, 8, 40))
    update_conversation(duplicate, actor=agent_anna, status="closed")

    frozen.move_to(utc(2026, 6, 1, 8, 45))
    merge_conversations(duplicate, answered_later, actor=agent_anna)
    answered_later.refresh_from_db()
    sla = settle(answered_later)

    assert answered_later.waiting_since is None
    assert (sla.next_reply_due, sla.due_at) == (None, utc(2026, 6, 2, 8, 30))  # the update
    assert_recomputable(sla)


# --- the pure clock -------------------------------------------------------------------------

TARGETS = Targets(first_reply=timedelta(hours=4), next_reply=timedelta(hours=2))
T0 = utc(2026, 6, 1, 8)


def merged(at, waiting_since):
    return ClockEvent(
        "conversation.merged",
        at,
        {"waiting_since": waiting_since.isoformat() if waiting_since else None},
    )


def customer(at):
    return ClockEvent("message.received", at, {"message": 1})


def answer(at):
    return ClockEvent("delivery.sent", at, {"sender": "agent", "message_kind": "outbound"})


def test_clock_a_merge_without_a_waiting_customer_changes_nothing():
    history = [customer(T0), answer(T0 + timedelta(minutes=10))]
    now = T0 + timedelta(hours=1)

    assert evaluate(TARGETS, None, [*history, merged(now, None)], now) == evaluate(
        TARGETS, None, history, now
    )


def test_clock_a_merge_moves_the_open_wait_back_to_the_earlier_message():
    now = T0 + timedelta(hours=1)
    history = [customer(T0), merged(now, T0 - timedelta(hours=3))]

    state = evaluate(TARGETS, None, history, now)

    assert state.due("first_reply") == T0 + timedelta(hours=1)
    assert state.started_at == T0  # the survivor's own start
    assert [a.kind for a in state.alerts] == ["warning", "breach"]


def test_clock_a_merge_into_an_answered_conversation_starts_next_reply_from_the_wait():
    now = T0 + timedelta(hours=1)
    history = [customer(T0), answer(T0 + timedelta(minutes=5)), merged(now, T0)]

    state = evaluate(TARGETS, None, history, now)

    assert state.due("next_reply") == T0 + timedelta(hours=2)


# --- property: stored equals recomputed, whatever happened before the merge -----------------

STEPS = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=6 * 60),  # minutes since the previous step
        st.sampled_from(["survivor", "source"]),
        st.sampled_from(["customer", "reply", "pending", "on_hold", "solved", "tick"]),
    ),
    max_size=8,
)


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS, after=st.integers(min_value=1, max_value=3 * 24 * 60))
def test_the_stored_state_equals_a_recomputation_after_a_merge(
    steps, after, frozen, receive, support_team, agent_anna, deliver, settle
):
    now = utc(2026, 6, 1, 7)
    frozen.move_to(now)
    pair = {
        name: receive(support_team, "ewa@example.pl", name, "?").conversation
        for name in ("survivor", "source")
    }
    for minutes, which, step in steps:
        now += timedelta(minutes=minutes)
        frozen.move_to(now)
        conversation = pair[which]
        if step == "customer":
            receive(support_team, "ewa@example.pl", "Re", "!", conversation=conversation)
        elif step == "reply":
            deliver(reply(conversation, actor=agent_anna, body="Odpowiedź."))
        elif step == "tick":
            scheduler.tick(now=now)
        else:
            update_conversation(conversation, actor=agent_anna, status=step)
        settle(conversation)
    now += timedelta(minutes=1)
    frozen.move_to(now)
    merge_conversations(pair["source"], pair["survivor"], actor=agent_anna)
    for conversation in pair.values():
        assert_recomputable(settle(conversation))
    now += timedelta(minutes=after)
    frozen.move_to(now)
    scheduler.tick(now=now)
    for conversation in pair.values():
        assert_recomputable(settle(conversation))
    source_alerts = Event.objects.filter(
        conversation=pair["source"], kind__in=["sla.warning", "sla.breached"]
    )
    merged_at = Event.objects.get(conversation=pair["source"], kind="conversation.merged_into").at
    assert not source_alerts.filter(at__gt=merged_at).exists()
