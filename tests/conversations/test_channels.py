"""One conversation, many channels: an answer goes out on the conversation's channel, or
on another the customer can be reached on, is delivered by that channel, and the SLA
counts it once delivered, whatever the channel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from klient.conversations import channel_registry
from klient.conversations.actions import acknowledge, receive_message, reply
from klient.conversations.channel_registry import Channel, Outbound, redrive_due_deliveries
from klient.conversations.incoming import IncomingMessage
from klient.conversations.models import Conversation, Delivery
from klient.core import wiring
from klient.core.models import PendingEvent
from klient.people.actions import add_identity
from klient.sla.admin_actions import save_policy
from klient.sla.models import ConversationSla


@pytest.fixture
def one_hour_first_reply(db):
    return save_policy(
        actor=None, name="Hotline", position=1, first_reply_minutes=60, business_time=False
    )


def call(team, number, summary, **fields):
    """A customer calls; the agent logs what they asked."""
    incoming = IncomingMessage(
        team_id=team.pk,
        from_address=number,
        from_name=fields.pop("from_name", ""),
        subject=summary,
        body_text=summary,
        new_text=summary,
        received_at=timezone.now(),
        channel="phone",
        from_kind="phone",
        **fields,
    )
    message, _ = receive_message(incoming)
    return message.conversation


def test_a_customer_who_called_is_answered_on_the_phone_and_the_sla_records_the_first_reply(
    support_team, agent_anna, one_hour_first_reply
):
    conversation = call(support_team, "601 234 567", "Internet down since this morning")
    assert conversation.customer.reachable_at("phone") == "+48601234567"

    answer = reply(conversation, actor=agent_anna, body="Told her a technician comes at 14:00.")

    assert answer.delivery.channel == "phone"
    assert answer.to == ["+48601234567"]
    assert answer.message_id is None
    wiring.dispatch_pending()
    answer.delivery.refresh_from_db()
    assert answer.delivery.state == Delivery.State.SENT
    [sent] = conversation.events.filter(kind="delivery.sent")
    sla = ConversationSla.objects.get(conversation=conversation)
    assert sla.first_reply_at == sent.at
    assert Conversation.objects.get(pk=conversation.pk).is_answered


def test_a_caller_is_the_same_customer_whether_they_give_their_number_nationally_or_not(
    support_team,
):
    first = call(support_team, "601 234 567", "Invoice")
    second = call(support_team, "+48 601-234-567", "Invoice again")

    assert second.customer_id == first.customer_id
    assert second.messages.get().from_address == "+48601234567"


def _compose_page(conversation, *, to, author=None):
    return Outbound(from_address="", from_name=conversation.team.name, to=[to], subject="page")


pager_log: list[int] = []  # what the pager carried, in order


def _deliver_page(delivery_ids):
    """A pager 'transport': it records what it carried, then reports it delivered."""
    from klient.conversations.actions import record_delivery_outcome

    for delivery in Delivery.objects.filter(pk__in=delivery_ids):
        pager_log.append(delivery.pk)
        record_delivery_outcome(delivery, outcome="sent")


@pytest.fixture
def pager_channel():
    pager_log.clear()
    channel_registry.register(
        Channel(
            "pager",
            identity_kind="phone",
            compose=f"{__name__}._compose_page",
            deliver=f"{__name__}._deliver_page",
        )
    )
    yield
    channel_registry.unregister("pager")


def test_a_channel_plugged_into_the_registry_delivers_its_replies_and_the_sla_counts_them(
    pager_channel, smtp_sink, support_team, agent_anna, receive, one_hour_first_reply
):
    question = receive(support_team, "ola@klientka.pl", "Awaria", "Nie działa")
    conversation = question.conversation
    add_identity(conversation.customer, kind="phone", value="601 234 567", verified=True)

    page = reply(conversation, actor=agent_anna, body="Technik jedzie.", channel="pager")
    wiring.dispatch_pending()

    assert page.to == ["+48601234567"]
    page.delivery.refresh_from_db()
    assert (page.delivery.channel, page.delivery.state) == ("pager", Delivery.State.SENT)
    assert pager_log == [page.delivery.pk]
    [page_sent] = conversation.events.filter(kind="delivery.sent")
    assert ConversationSla.objects.get(conversation=conversation).first_reply_at == page_sent.at

    # Dispatched by channel: an email answer goes to the mail sender, not the pager.
    email_answer = reply(conversation, actor=agent_anna, body="Szczegóły w mailu.")
    wiring.dispatch_pending()

    assert pager_log == [page.delivery.pk]
    [sent_mail] = smtp_sink.wait_for(1)
    assert sent_mail["Message-ID"] == email_answer.message_id


def test_a_reply_whose_dispatch_was_lost_is_delivered_by_the_sweep_on_its_own_channel(
    pager_channel, smtp_sink, support_team, agent_anna, receive
):
    """The worker died before the outbox ran (or its wake-up was lost): the deliveries
    sweep finds the pending rows, and each goes to its own channel, once."""
    conversation = receive(support_team, "ola@klientka.pl", "Awaria", "Nie działa").conversation
    add_identity(conversation.customer, kind="phone", value="601 234 567", verified=True)
    page = reply(conversation, actor=agent_anna, body="Technik jedzie.", channel="pager")
    email_answer = reply(conversation, actor=agent_anna, body="Szczegóły w mailu.")
    PendingEvent.objects.all().delete()  # the dispatch never happens
    Delivery.objects.update(next_attempt_at=timezone.now() - timedelta(minutes=1))

    assert redrive_due_deliveries() == 2
    assert redrive_due_deliveries() == 0

    assert pager_log == [page.delivery.pk]
    [sent_mail] = smtp_sink.wait_for(1)
    assert sent_mail["Message-ID"] == email_answer.message_id
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.State.SENT}


def test_an_agent_answers_an_email_by_phone_only_if_the_customer_has_a_verified_number(
    support_team, agent_anna, receive
):
    conversation = receive(support_team, "ola@klientka.pl", "Awaria", "Nie działa").conversation

    with pytest.raises(ValidationError, match="no verified phone number"):
        reply(conversation, actor=agent_anna, body="Dzwoniłam.", channel="phone")
    add_identity(conversation.customer, kind="phone", value="601 234 567", verified=False)
    with pytest.raises(ValidationError, match="no verified phone number"):
        reply(conversation, actor=agent_anna, body="Dzwoniłam.", channel="phone")
    add_identity(conversation.customer, kind="phone", value="601 234 567", verified=True)

    logged = reply(conversation, actor=agent_anna, body="Dzwoniłam.", channel="phone")

    assert logged.delivery.channel == "phone"
    assert Conversation.objects.get(pk=conversation.pk).channel == "email"


def test_a_reply_on_a_channel_that_does_not_exist_is_refused_with_the_known_ones(
    support_team, agent_anna, receive
):
    conversation = receive(support_team, "ola@klientka.pl", "Awaria", "Nie działa").conversation

    with pytest.raises(
        ValidationError, match="Unknown channel 'fax'; use one of chat, email, phone"
    ):
        reply(conversation, actor=agent_anna, body="?", channel="fax")
    assert not Delivery.objects.exists()


def test_a_web_form_conversation_is_answered_by_email_with_its_threading(
    support_team, agent_anna, receive
):
    question = receive(support_team, "luc@client.fr", "Formulaire", "Bonjour", channel="web")

    answer = reply(question.conversation, actor=agent_anna, body="Bonjour Luc")

    assert answer.delivery.channel == "email"
    assert answer.from_address == "support@shop.example"
    assert answer.in_reply_to == question.message_id
    assert answer.message_id.endswith("@klient.localhost>")


def test_a_chat_conversation_whose_customer_is_known_only_by_email_is_answered_by_email(
    support_team, agent_anna, receive
):
    question = receive(support_team, "tom@example.com", "Chat", "Hello", channel="chat")

    answer = reply(question.conversation, actor=agent_anna, body="Hi Tom")

    assert answer.delivery.channel == "email"
    assert answer.to == ["tom@example.com"]


def test_a_phone_call_is_never_acknowledged_as_if_someone_had_called_back(
    support_team, one_hour_first_reply, smtp_sink
):
    """Klient cannot say anything on the phone by itself: a logged call is acknowledged by
    email when the caller has an address, and not at all otherwise, never with a "call"
    recorded as delivered that nobody made."""
    conversation = call(support_team, "601 234 567", "Internet down")

    assert acknowledge(conversation, body="We'll call you back.") is None
    assert not Delivery.objects.exists()

    add_identity(conversation.customer, kind="email", value="jan@example.pl", verified=True)
    conversation.refresh_from_db()
    ack = acknowledge(conversation, body="We'll call you back.")

    assert ack is not None
    assert (ack.delivery.channel, ack.to, ack.is_auto_reply) == ("email", ["jan@example.pl"], True)
    wiring.dispatch_pending()
    [mail] = smtp_sink.wait_for(1)
    assert mail["Auto-Submitted"] == "auto-replied"
    sla = ConversationSla.objects.get(conversation=conversation)
    assert sla.first_reply_at is None
    assert not Conversation.objects.get(pk=conversation.pk).is_answered
