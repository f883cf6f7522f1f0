"""Loops between rules are stopped and reported; a saved reply is never sent to an
automatic message or conversation."""

from __future__ import annotations

from itertools import pairwise

import pytest

from klient.automations.models import Firing
from klient.conversations.actions import update_conversation
from klient.conversations.models import Conversation, Message
from klient.core.models import Event
from klient.macros.actions import save_macro
from klient.notifications.models import Notification
from support import worker_runs


def test_two_rules_that_undo_each_other_are_stopped_and_reported(
    make_rule, question, agent_anna, admin_zofia
):
    reopen = make_rule(
        {
            "name": "Never pending",
            "when": {"event": "status.changed"},
            "if": [{"field": "status", "op": "is", "value": "pending"}],
            "then": [{"action": "set_status", "value": "open"}],
        }
    )
    park = make_rule(
        {
            "name": "Always pending",
            "when": {"event": "status.changed"},
            "if": [{"field": "status", "op": "is", "value": "open"}],
            "then": [{"action": "set_status", "value": "pending"}],
        }
    )
    update_conversation(question, actor=agent_anna, status="pending")
    worker_runs()

    changes = list(
        Event.objects.filter(conversation=question, kind="status.changed")
        .order_by("pk")
        .values_list("data__to", "actor_label")
    )
    # Anna's change, then each rule once: the first would run again in the same chain.
    assert changes == [
        ("pending", agent_anna.email),
        ("open", reopen.label),
        ("pending", park.label),
    ]
    stopped = Event.objects.get(conversation=question, kind="automation.loop_stopped")
    assert stopped.data["chain"] == [reopen.pk, park.pk, reopen.pk]
    assert Firing.objects.get(outcome=Firing.Outcome.LOOP_STOPPED).rule == reopen
    alert = Notification.objects.get(recipient=admin_zofia, kind="automation.loop_notice")
    assert "Never pending" in alert.text and question.reference in alert.text
    question.refresh_from_db()
    assert question.status == "pending"


def test_a_rule_chain_deeper_than_the_limit_stops(make_rule, question, agent_anna):
    """Four different rules in a row are allowed; a fifth is stopped."""
    steps = ["pending", "on_hold", "solved", "closed", "open", "new"]
    for current, following in pairwise(steps):
        make_rule(
            {
                "name": f"{current} then {following}",
                "when": {"event": "status.changed"},
                "if": [{"field": "status", "op": "is", "value": current}],
                "then": [{"action": "set_status", "value": following}],
            }
        )
    update_conversation(question, actor=agent_anna, status="pending")
    worker_runs()
    automatic = Event.objects.filter(
        conversation=question, kind="status.changed", actor_label__startswith="automation"
    )
    assert list(automatic.order_by("pk").values_list("data__to", flat=True)) == [
        "on_hold",
        "solved",
        "closed",
        "open",
    ]
    stopped = Event.objects.get(conversation=question, kind="automation.loop_stopped")
    assert stopped.data["depth"] == 5
    question.refresh_from_db()
    assert question.status == "open"


@pytest.fixture
def thanks_macro(admin_zofia):
    return save_macro(
        actor=admin_zofia,
        name="We got it",
        texts={"en": "Thank you {{ customer.name }}, we are on it."},
        shared=True,
    )


@pytest.fixture
def auto_answer(make_rule, thanks_macro):
    return make_rule(
        {
            "name": "Answer at once",
            "when": {"event": "message.received"},
            "then": [{"action": "send_saved_reply", "value": thanks_macro.pk}],
        }
    )


def outbound(conversation):
    return list(conversation.messages.filter(kind=Message.Kind.OUTBOUND))


def test_a_saved_reply_answers_a_customer(auto_answer, support_team, receive):
    message = receive(support_team, "ewa@poczta.pl", "Parcel", "Where?", from_name="Ewa")
    worker_runs()
    [sent] = outbound(message.conversation)
    assert sent.body_text == "Thank you Ewa, we are on it."
    assert sent.sender == Message.Sender.SYSTEM
    queued = Event.objects.get(conversation=message.conversation, kind="message.outbound_queued")
    assert queued.actor_label == auto_answer.label


def test_a_saved_reply_is_never_sent_to_an_automatic_message(auto_answer, support_team, receive):
    message = receive(
        support_team,
        "ewa@poczta.pl",
        "Out of office",
        "I am away until Monday.",
        is_auto_reply=True,
    )
    worker_runs()
    assert outbound(message.conversation) == []
    firing = Firing.objects.get()
    assert firing.outcome == Firing.Outcome.FIRED
    assert firing.errors == [
        "send_saved_reply: A saved reply is never sent to an automatic message."
    ]


def test_a_saved_reply_is_never_sent_to_an_automatic_conversation(
    auto_answer, support_team, receive
):
    message = receive(support_team, "ewa@poczta.pl", "Hello", "Plain words.")
    Conversation.objects.filter(pk=message.conversation_id).update(automatic=True)
    worker_runs()
    assert outbound(message.conversation) == []
