"""Replies, notes and changes: each stored with its events, notes never sent."""

import pytest
from django.core.exceptions import ValidationError

from klient.conversations.actions import add_note, reply, update_conversation
from klient.conversations.models import Conversation, Delivery, Message


def test_a_reply_is_stored_with_its_delivery_and_answers_the_customer(
    support_team, agent_anna, receive
):
    question = receive(
        support_team,
        "luc@client.fr",
        "Rendez-vous",
        "Coupure de courant",
        message_id="<q1@client.fr>",
    )

    answer = reply(question.conversation, actor=agent_anna, body="Pas de souci, on reprogramme.")

    conversation = Conversation.objects.get(pk=question.conversation_id)
    assert conversation.is_answered
    assert conversation.status == Conversation.Status.OPEN
    assert answer.delivery.state == Delivery.State.PENDING
    assert answer.in_reply_to == "<q1@client.fr>"
    assert answer.references.split()[-1] == "<q1@client.fr>"
    assert f"[{conversation.reference}]" in answer.subject
    assert answer.to == ["luc@client.fr"]
    assert conversation.events.filter(kind="message.outbound_queued").count() == 1


def test_an_internal_note_is_never_sent_and_never_answers(support_team, agent_anna, receive):
    question = receive(support_team, "luc@client.fr", "Question", "Bonjour")

    note = add_note(question.conversation, actor=agent_anna, body="Demander à l'équipe réseau")

    conversation = Conversation.objects.get(pk=question.conversation_id)
    assert note.kind == Message.Kind.NOTE
    assert not Delivery.objects.filter(message=note).exists()
    assert not conversation.is_answered


def test_an_empty_reply_is_refused_with_a_clear_error(support_team, agent_anna, receive):
    question = receive(support_team, "luc@client.fr", "Question", "Bonjour")

    with pytest.raises(ValidationError, match="empty"):
        reply(question.conversation, actor=agent_anna, body="   ")

    assert Message.objects.filter(kind=Message.Kind.OUTBOUND).count() == 0


def test_each_changed_field_is_an_event(support_team, billing_team, agent_anna, receive):
    conversation = receive(support_team, "luc@client.fr", "Question", "Bonjour").conversation

    update_conversation(
        conversation,
        actor=agent_anna,
        status="on_hold",
        priority="high",
        assignee=agent_anna,
        team=billing_team,
    )

    kinds = set(conversation.events.values_list("kind", flat=True))
    assert {"status.changed", "priority.changed", "assignee.changed", "team.changed"} <= kinds
    conversation.refresh_from_db()
    assert (conversation.status, conversation.priority, conversation.team_id) == (
        "on_hold",
        "high",
        billing_team.pk,
    )


def test_an_unknown_status_is_refused(support_team, agent_anna, receive):
    conversation = receive(support_team, "luc@client.fr", "Question", "Bonjour").conversation

    with pytest.raises(ValidationError, match="Unknown status"):
        update_conversation(conversation, actor=agent_anna, status="forgotten")


def test_an_acknowledgement_is_sent_once_a_day_and_is_not_an_answer(support_team, receive):
    from klient.conversations.actions import acknowledge

    conversation = receive(support_team, "luc@client.fr", "Question", "Bonjour").conversation

    first = acknowledge(conversation, body="Nous avons bien reçu votre message.")
    second = acknowledge(conversation, body="Nous avons bien reçu votre message.")

    conversation.refresh_from_db()
    assert first is not None and first.sender == Message.Sender.SYSTEM and first.is_auto_reply
    assert second is None
    assert not conversation.is_answered
