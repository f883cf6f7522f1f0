"""Real-time work not taken up goes to the next agent: a chat its agent has not answered
within KLIENT_ROUTING_ACCEPT_SECONDS is routed again, passing over them."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from klient.core.wiring import dispatch_pending
from klient.routing.models import Offer
from klient.routing.offers import sweep_unanswered_offers


def chat_desk(bank_team, anna, piotr, ewa):
    """Piotr and Ewa have the workspace open; Anna has stepped away. Chats are routed."""
    from klient.people.presence import heartbeat, set_status
    from klient.routing.rules import create_rule

    set_status(anna, "away", actor=anna)
    heartbeat(piotr)
    heartbeat(ewa)
    create_rule(actor=None, name="Chats", channels=["chat"], strategy="least_load")


def chat(bank_team, receive):
    message = receive(bank_team, "gosc@poczta.example", "Czat", "Halo, jest ktoś?", channel="chat")
    dispatch_pending()
    message.conversation.refresh_from_db()
    return message.conversation


def test_a_chat_not_answered_in_time_goes_to_the_next_agent(
    settings, bank_team, anna, piotr, ewa, receive
):
    settings.KLIENT_ROUTING_ACCEPT_SECONDS = 30
    chat_desk(bank_team, anna, piotr, ewa)
    conversation = chat(bank_team, receive)
    first = conversation.assignee
    assert first in (piotr, ewa)

    assert sweep_unanswered_offers(now=timezone.now() + timedelta(seconds=10)) == 0
    sweep_unanswered_offers(now=timezone.now() + timedelta(seconds=31))

    conversation.refresh_from_db()
    second = {piotr, ewa} - {first}
    assert conversation.assignee in second
    assert Offer.objects.get(agent=first).state == "passed"
    assert Offer.objects.get(agent=conversation.assignee).passed_over == [first.pk]


def test_a_chat_its_agent_answered_stays_theirs(settings, bank_team, anna, piotr, ewa, receive):
    from klient.conversations.actions import reply

    chat_desk(bank_team, anna, piotr, ewa)
    conversation = chat(bank_team, receive)
    reply(conversation, actor=conversation.assignee, body="Dzień dobry, w czym mogę pomóc?")

    sweep_unanswered_offers(now=timezone.now() + timedelta(seconds=31))

    offer = Offer.objects.get()
    assert offer.state == "taken"
    conversation.refresh_from_db()
    assert conversation.assignee_id == offer.agent_id
