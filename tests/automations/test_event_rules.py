"""Event rules: when a conversation is created, a message is received, its status changes
or an SLA target is warned or breached, if the conditions hold, the actions run through
the domains' own actions, named after the rule in the timeline."""

from __future__ import annotations

import json

from klient.automations.models import Firing
from klient.conversations.actions import set_tags, update_conversation
from klient.conversations.models import Conversation, Message
from klient.core.models import Event
from klient.core.wiring import run_handlers
from support import worker_runs


def tags(conversation):
    return sorted(conversation.tags.values_list("name", flat=True))


def test_a_new_conversation_in_support_is_tagged_and_raised(make_rule, support_team, receive):
    rule = make_rule(
        {
            "name": "Parcels are urgent",
            "when": {"event": "conversation.created"},
            "if": [{"field": "team", "op": "is", "value": support_team.pk}],
            "then": [
                {"action": "add_tag", "value": "Parcel"},
                {"action": "set_priority", "value": "high"},
            ],
        }
    )
    message = receive(support_team, "ewa@poczta.pl", "Parcel", "Where is it?")
    worker_runs()

    conversation = Conversation.objects.get(pk=message.conversation_id)
    assert tags(conversation) == ["parcel"]
    assert conversation.priority == "high"
    changed = Event.objects.get(conversation=conversation, kind="priority.changed")
    assert changed.actor_label == rule.label
    assert changed.data["automation"] == {"rule": rule.pk, "depth": 1, "chain": [rule.pk]}
    assert Event.objects.filter(conversation=conversation, kind="automation.fired").count() == 1


def test_conditions_that_do_not_hold_change_nothing(make_rule, billing_team, question):
    make_rule(
        {
            "name": "Billing only",
            "when": {"event": "message.received"},
            "if": [{"field": "team", "op": "is", "value": billing_team.pk}],
            "then": [{"action": "add_tag", "value": "billing"}],
        }
    )
    worker_runs()
    assert tags(question) == []
    assert Firing.objects.get().outcome == Firing.Outcome.NOT_MATCHED


def test_a_status_change_to_solved_adds_a_note(make_rule, question, agent_anna):
    make_rule(
        {
            "name": "Survey reminder",
            "when": {"event": "status.changed"},
            "if": [{"field": "status", "op": "is", "value": "solved"}],
            "then": [{"action": "add_note", "value": "Remember the survey."}],
        }
    )
    update_conversation(question, actor=agent_anna, status="open")
    worker_runs()
    assert not question.messages.filter(kind=Message.Kind.NOTE).exists()
    update_conversation(question, actor=agent_anna, status="solved")
    worker_runs()
    note = question.messages.get(kind=Message.Kind.NOTE)
    assert note.body_text == "Remember the survey."


def test_tags_conditions_and_a_handler_run_twice_fire_once(make_rule, question, agent_anna):
    make_rule(
        {
            "name": "VIP to Anna",
            "when": {"event": "status.changed"},
            "if": [
                {"field": "tags", "op": "contains", "value": "vip"},
                {"field": "channel", "op": "in", "value": ["email", "web"]},
                {"field": "priority", "op": "is_not", "value": "low"},
            ],
            "then": [{"action": "set_assignee", "value": agent_anna.pk}],
        }
    )
    set_tags(question, actor=agent_anna, add=["VIP"])
    update_conversation(question, actor=agent_anna, status="pending")
    event = Event.objects.get(conversation=question, kind="status.changed")
    worker_runs()
    run_handlers([event.pk])  # redelivered: the firing is recorded once per event
    question.refresh_from_db()
    assert question.assignee == agent_anna
    assert Firing.objects.filter(moment=f"event:{event.pk}").count() == 1
    assert Event.objects.filter(conversation=question, kind="assignee.changed").count() == 1


def test_an_sla_breach_notifies_the_team(make_rule, question, agent_anna):
    from klient.notifications.models import Notification

    make_rule(
        {
            "name": "Breach alarm",
            "when": {"event": "sla.breached"},
            "then": [{"action": "notify", "value": "team"}],
        }
    )
    from django.db import transaction

    from klient.core.wiring import publish_on_commit
    from klient.sla.events import Kind as SlaKind

    with transaction.atomic():
        breach = Event.objects.create(
            conversation=question,
            kind=SlaKind.BREACHED,
            actor_label="sla",
            data={"target": "first_reply"},
            at=question.created_at,
        )
        publish_on_commit(breach)
    worker_runs()
    notification = Notification.objects.get(recipient=agent_anna, kind="automation.notify")
    assert "Breach alarm" in notification.text and question.reference in notification.text


def test_a_rule_calls_a_webhook_with_the_conversation(make_rule, support_team, receive, settings):
    """A shop's order system hears of every new Support conversation through a rule's
    "call a webhook": one signed delivery queued in the firing's transaction."""
    from klient.webhooks.actions import create_endpoint
    from klient.webhooks.models import Delivery

    settings.KLIENT_WEBHOOK_ALLOWED_HOSTS = "127.0.0.1"
    endpoint, _ = create_endpoint("http://127.0.0.1:9/orders", ["note.added"])
    rule = make_rule(
        {
            "name": "Tell the order system",
            "when": {"event": "conversation.created"},
            "if": [{"field": "team", "op": "is", "value": support_team.pk}],
            "then": [{"action": "call_webhook", "value": endpoint.pk}],
        }
    )
    message = receive(support_team, "ewa@poczta.pl", "Parcel", "Where is it?")
    worker_runs()

    delivery = Delivery.objects.get(endpoint=endpoint, event_type="automation.fired")
    conversation = Conversation.objects.get(pk=message.conversation_id)
    assert json.loads(delivery.body)["data"] == {
        "rule": rule.pk,
        "name": "Tell the order system",
        "conversation": conversation.reference,
    }
