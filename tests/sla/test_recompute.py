"""The SLA state stored per conversation, driven by the real conversation actions at chosen
moments (time frozen, no sleeping), and the sla.* events it appends."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from klient.conversations.actions import acknowledge, add_note, reply, update_conversation
from klient.sla import scheduler
from klient.sla.models import ConversationSla
from klient.sla.queries import breached, breaching_soon, waiting_on_us
from klient.sla.tasks import recompute_for_event

MONDAY_9_WARSAW = datetime(2026, 6, 1, 7, tzinfo=UTC)
H = timedelta(hours=1)
pytestmark = pytest.mark.usefixtures("frozen", "warsaw_hours", "standard_policy")


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def inquiry(frozen, receive, support_team, settle):
    """A customer's question to Support, Monday 1 June 2026 09:00 in Warsaw."""
    frozen.move_to(MONDAY_9_WARSAW)
    message = receive(support_team, "ewa@example.pl", "Faktura", "Proszę o fakturę VAT.")
    settle(message.conversation)
    return message.conversation


def test_a_customer_message_starts_the_clock_on_the_teams_business_hours(inquiry, sla_events):
    """Then first reply is due 13:00 (4 h), the warning at 12:00, and resolution (40 h)
    skips Corpus Christi (Thursday 4 June) to Monday 8 June 17:00 Warsaw time."""
    sla = ConversationSla.objects.get(conversation=inquiry)
    assert sla.policy.name == "Standard"
    assert sla.started_at == MONDAY_9_WARSAW
    assert sla.first_reply_due == utc(2026, 6, 1, 11)
    assert sla.resolution_due == utc(2026, 6, 8, 15)
    assert sla.due_at == sla.first_reply_due
    assert sla.next_due_at == utc(2026, 6, 1, 10)
    assert [e.kind for e in sla_events(inquiry)] == ["sla.started"]


def test_a_delivered_reply_meets_the_first_reply_target(
    inquiry, frozen, agent_anna, deliver, settle, sla_events
):
    frozen.move_to(utc(2026, 6, 1, 8, 30))
    message = reply(inquiry, actor=agent_anna, body="Dzień dobry, wysyłamy fakturę.")
    settle(inquiry)
    assert ConversationSla.objects.get(conversation=inquiry).first_reply_at is None  # queued
    frozen.move_to(utc(2026, 6, 1, 8, 31))
    deliver(message)
    sla = settle(inquiry)
    assert sla.first_reply_at == utc(2026, 6, 1, 8, 31)
    assert sla.first_reply_due is None
    assert sla.update_due == utc(2026, 6, 2, 8, 31)  # 8 business hours after the answer
    [met] = sla_events(inquiry, "sla.first_reply")
    assert met.data["on_time"] is True


@pytest.mark.parametrize("response", ["acknowledgement", "internal note", "bounced reply"])
def test_an_acknowledgement_a_note_or_a_bounced_reply_never_meets_the_target(
    response, inquiry, frozen, agent_anna, deliver, settle, sla_events
):
    frozen.move_to(utc(2026, 6, 1, 7, 1))
    if response == "acknowledgement":
        deliver(acknowledge(inquiry, body="Otrzymaliśmy Twoją wiadomość."))
    elif response == "internal note":
        add_note(inquiry, actor=agent_anna, body="Klientka pyta o fakturę.")
    else:
        answer = reply(inquiry, actor=agent_anna, body="Nie wystawiamy faktur.")
        deliver(answer)
        assert settle(inquiry).first_reply_at is not None
        frozen.move_to(utc(2026, 6, 1, 7, 5))
        deliver(answer, outcome="bounced")
    settle(inquiry)

    assert scheduler.tick(now=utc(2026, 6, 1, 11)) == 1
    sla = ConversationSla.objects.get(conversation=inquiry)
    assert sla.first_reply_at is None
    assert sla.breached == ["first_reply"]
    [breach] = sla_events(inquiry, "sla.breached")
    assert breach.data["target"] == "first_reply"
    assert breach.data["moment"] == "2026-06-01T11:00:00+00:00"


def test_waiting_on_the_customer_pauses_the_clock_and_their_answer_restarts_it(
    inquiry, frozen, receive, support_team, agent_anna, deliver, settle, sla_events
):
    frozen.move_to(utc(2026, 6, 1, 8))
    deliver(reply(inquiry, actor=agent_anna, body="Jaki jest numer NIP?", status="pending"))
    paused = settle(inquiry)
    assert paused.paused and paused.paused_since == utc(2026, 6, 1, 8)
    assert (paused.update_due, paused.resolution_due, paused.next_due_at) == (None, None, None)

    frozen.move_to(utc(2026, 6, 2, 7))  # Tuesday 09:00 Warsaw
    receive(support_team, "ewa@example.pl", "Re: Faktura", "NIP 123", conversation=inquiry)
    resumed = settle(inquiry)
    assert not resumed.paused and resumed.pause_seconds == 23 * 3600
    assert resumed.next_reply_due == utc(2026, 6, 2, 9)
    assert [e.kind for e in sla_events(inquiry)] == [
        "sla.started",
        "sla.first_reply",
        "sla.paused",
        "sla.resumed",
    ]


def test_raising_the_priority_applies_the_urgent_policy_from_the_original_start(
    inquiry, frozen, urgent_policy, agent_anna, settle, sla_events
):
    frozen.move_to(utc(2026, 6, 1, 8, 30))
    update_conversation(inquiry, actor=agent_anna, priority="urgent")
    sla = settle(inquiry)
    assert sla.policy == urgent_policy
    assert sla.first_reply_due == utc(2026, 6, 1, 8)  # one hour after 07:00, already past
    assert sla.breached == ["first_reply"]
    kinds = [e.kind for e in sla_events(inquiry)]
    assert kinds == [
        "sla.started",
        "sla.conversation_policy_changed",
        "sla.warning",
        "sla.breached",
    ]
    assert sla_events(inquiry, "sla.breached")[0].data["moment"] == "2026-06-01T08:00:00+00:00"


def test_a_transfer_keeps_the_clock(inquiry, frozen, billing_team, agent_anna, settle, sla_events):
    before = ConversationSla.objects.get(conversation=inquiry)
    frozen.move_to(utc(2026, 6, 1, 8))
    update_conversation(inquiry, actor=agent_anna, team=billing_team)
    after = settle(inquiry)
    assert after.started_at == before.started_at
    assert after.first_reply_due == before.first_reply_due
    assert [e.kind for e in sla_events(inquiry)] == ["sla.started"]


def test_the_handler_task_recomputes_the_events_conversation(frozen, receive, support_team):
    frozen.move_to(MONDAY_9_WARSAW)
    conversation = receive(support_team, "jan@example.pl", "Pytanie", "Czy...?").conversation
    event = conversation.events.get(kind="message.received")
    assert recompute_for_event.call(event.pk) == "next due 2026-06-01T10:00:00+00:00"
    assert ConversationSla.objects.get(conversation=conversation).first_reply_due is not None


def test_a_tick_emits_each_warning_and_breach_once_and_moves_the_timer_on(
    frozen, receive, support_team, settle, sla_events
):
    frozen.move_to(MONDAY_9_WARSAW)
    conversations = [
        receive(support_team, f"c{i}@example.pl", "Pytanie", "?").conversation for i in range(3)
    ]
    for conversation in conversations:
        settle(conversation)
    assert scheduler.tick(now=utc(2026, 6, 1, 9, 59)) == 0
    assert scheduler.tick(now=utc(2026, 6, 1, 10)) == 3
    assert scheduler.tick(now=utc(2026, 6, 1, 10, 30)) == 0
    assert scheduler.tick(now=utc(2026, 6, 1, 11)) == 3
    for conversation in conversations:
        kinds = [e.kind for e in sla_events(conversation)]
        assert kinds == ["sla.started", "sla.warning", "sla.breached"]
        sla = ConversationSla.objects.get(conversation=conversation)
        assert sla.next_due_at == utc(2026, 6, 1, 13)  # periodic update warning (6 h)


def test_a_ticks_queries_do_not_grow_with_the_number_of_due_timers(
    frozen, receive, support_team, settle
):
    frozen.move_to(MONDAY_9_WARSAW)
    for i in range(12):
        settle(receive(support_team, f"c{i}@example.pl", "Pytanie", "?").conversation)
    few = ConversationSla.objects.order_by("pk")[:3]
    ConversationSla.objects.exclude(pk__in=[r.pk for r in few]).update(
        next_due_at=utc(2026, 6, 1, 9, 30)
    )
    # Both ticks reach warnings and breaches (each breach also records an SlaOutcome row),
    # so they do the same kinds of work, for 12 and for 28 conversations.
    with CaptureQueriesContext(connection) as three:
        assert scheduler.tick(now=utc(2026, 6, 1, 11)) == 12 - 9 + 9  # all twelve due
    for i in range(12, 40):
        settle(receive(support_team, f"c{i}@example.pl", "Pytanie", "?").conversation)
    with CaptureQueriesContext(connection) as forty:
        assert scheduler.tick(now=utc(2026, 6, 1, 11)) == 28
    assert len(forty) == len(three)


def test_the_waiting_lists_read_the_stored_due_times(
    inquiry, frozen, receive, support_team, settle
):
    frozen.move_to(utc(2026, 6, 1, 9))
    later = receive(support_team, "ola@example.pl", "Inne", "?").conversation
    settle(later)
    assert [s.conversation for s in waiting_on_us(support_team.pk)] == [inquiry, later]
    assert [s.conversation for s in breaching_soon(utc(2026, 6, 1, 10), H)] == [inquiry]
    assert [s.conversation for s in breached(utc(2026, 6, 1, 12))] == [inquiry]
