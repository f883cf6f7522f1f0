"""A resent reply is a new chance to answer: when it is delivered it is the answer, at the
moment it arrives, although the same message failed or bounced before; a bounce of the
resent delivery voids it again. The pure clock, then the recorded outcomes and the report
through the real actions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from klient.conversations.actions import reply, resend
from klient.sla.clock import ClockEvent, Targets, evaluate
from klient.sla.models import SlaOutcome

T0 = datetime(2026, 6, 1, 8, tzinfo=UTC)
H = timedelta(hours=1)
WITHIN_FOUR_HOURS = Targets(first_reply=4 * H)


def customer(when):
    return ClockEvent("message.received", when, {"message": 1})


def outcome(kind, when, message=10):
    return ClockEvent(
        kind, when, {"message": message, "sender": "agent", "message_kind": "outbound"}
    )


def resent(when, message=10):
    return ClockEvent("delivery.resend_requested", when, {"message": message, "delivery": 3})


def test_a_failed_reply_resent_and_delivered_is_the_first_reply_when_it_arrives():
    events = [
        customer(T0),
        outcome("delivery.failed", T0 + H),
        resent(T0 + 2 * H),
        outcome("delivery.sent", T0 + 2 * H + timedelta(minutes=1)),
    ]

    state = evaluate(WITHIN_FOUR_HOURS, None, events, T0 + 5 * H)

    assert state.first_reply_at == T0 + 2 * H + timedelta(minutes=1)
    assert state.breached == ()
    [cycle] = state.cycles
    assert (cycle.outcome, cycle.ended_at) == ("met", T0 + 2 * H + timedelta(minutes=1))


def test_a_bounced_reply_resent_counts_from_its_second_delivery_only():
    events = [
        customer(T0),
        outcome("delivery.sent", T0 + H),
        outcome("delivery.bounced", T0 + 2 * H),
        resent(T0 + 3 * H),
        outcome("delivery.sent", T0 + 3 * H),
    ]

    state = evaluate(WITHIN_FOUR_HOURS, None, events, T0 + 5 * H)

    assert state.first_reply_at == T0 + 3 * H


def test_a_resent_reply_that_bounces_again_is_no_answer():
    events = [
        customer(T0),
        outcome("delivery.failed", T0 + H),
        resent(T0 + 2 * H),
        outcome("delivery.sent", T0 + 2 * H),
        outcome("delivery.bounced", T0 + 3 * H),
    ]

    state = evaluate(WITHIN_FOUR_HOURS, None, events, T0 + 5 * H)

    assert state.first_reply_at is None
    assert state.breached == ("first_reply",)


def test_without_a_resend_a_failure_still_voids_the_message():
    events = [
        customer(T0),
        outcome("delivery.sent", T0 + H),
        outcome("delivery.failed", T0 + 2 * H),
    ]

    assert evaluate(WITHIN_FOUR_HOURS, None, events, T0 + 3 * H).first_reply_at is None


def test_answer_and_solve_that_failed_then_was_resent_is_a_met_first_reply(
    frozen, support_team, agent_anna, receive, deliver, settle
):
    from klient.sla.admin_actions import save_policy

    asked = datetime(2026, 6, 1, 6, tzinfo=UTC)  # where `frozen` starts
    save_policy(actor=None, name="Hour", first_reply_minutes=60, business_time=False)
    conversation = receive(support_team, "kasia@example.pl", "Faktura", "Poproszę fakturę.")
    conversation = conversation.conversation
    frozen.move_to(asked + timedelta(minutes=10))
    answer = reply(conversation, actor=agent_anna, body="Oto faktura.", status="solved")
    deliver(answer, "failed")
    settle(conversation)
    assert not SlaOutcome.objects.filter(target="first_reply").exists()
    frozen.move_to(asked + timedelta(minutes=20))

    resend(answer, actor=agent_anna)
    deliver(answer, "sent")
    settle(conversation)

    [met] = SlaOutcome.objects.filter(conversation=conversation, target="first_reply")
    assert (met.outcome, met.ended_at) == ("met", asked + timedelta(minutes=20))
