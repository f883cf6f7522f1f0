"""Story 4: every message is a conversation; an automatic reply is never an answer."""

from klient.conversations.models import Conversation, Message
from klient.core.models import Event


def test_a_first_email_opens_a_new_conversation_with_a_reference(support_team, receive):
    message = receive(support_team, "ola@klientka.pl", "Faktura VAT", "Proszę o fakturę VAT.")

    conversation = message.conversation
    assert conversation.status == Conversation.Status.NEW
    assert conversation.reference == f"K-{conversation.pk + 1000}"
    assert conversation.customer.primary_email() == "ola@klientka.pl"
    assert conversation.waiting_since == message.created_at
    kinds = list(conversation.events.values_list("kind", flat=True))
    assert kinds == ["conversation.created", "message.received"]


def test_the_same_message_id_is_stored_once(support_team, receive):
    first = receive(support_team, "ola@klientka.pl", "Faktura", "Dzień dobry", message_id="<a@b>")
    again = receive(support_team, "ola@klientka.pl", "Faktura", "Dzień dobry", message_id="<a@b>")

    assert again.pk == first.pk
    assert Message.objects.count() == 1


def test_an_auto_reply_is_attached_but_does_not_wait_or_reopen(support_team, agent_anna, receive):
    from klient.conversations.actions import reply, update_conversation

    question = receive(support_team, "ola@klientka.pl", "Faktura", "Czy wystawiacie faktury?")
    conversation = question.conversation
    reply(conversation, actor=agent_anna, body="Tak, wystawiamy.")
    update_conversation(conversation, actor=agent_anna, status="solved")

    receive(
        support_team,
        "ola@klientka.pl",
        "Automatyczna odpowiedź",
        "Jestem poza biurem do poniedziałku.",
        conversation=conversation,
        is_auto_reply=True,
    )

    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.SOLVED
    assert conversation.is_answered
    assert conversation.messages.filter(is_auto_reply=True).count() == 1


def test_a_customer_message_reopens_a_solved_conversation(support_team, agent_anna, receive):
    from klient.conversations.actions import reply, update_conversation

    conversation = receive(support_team, "ola@klientka.pl", "SIM", "Błąd karty SIM").conversation
    reply(conversation, actor=agent_anna, body="Proszę włożyć nową kartę SIM.")
    update_conversation(conversation, actor=agent_anna, status="solved")

    receive(
        support_team, "ola@klientka.pl", "Re: SIM", "Nadal nie działa.", conversation=conversation
    )

    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.OPEN
    assert not conversation.is_answered
    reopened = Event.objects.filter(conversation=conversation, kind="status.changed").last()
    assert reopened is not None
    assert reopened.data == {
        "field": "status",
        "from": "solved",
        "to": "open",
        "reason": "customer wrote",
    }


def test_a_bounce_never_reopens_and_never_counts_as_the_customer_waiting(
    support_team, agent_anna, receive
):
    from klient.conversations.actions import reply, update_conversation

    conversation = receive(support_team, "ola@klientka.pl", "Pytanie", "Pytanie").conversation
    reply(conversation, actor=agent_anna, body="Odpowiedź")
    update_conversation(conversation, actor=agent_anna, status="pending")

    receive(
        support_team,
        "mailer-daemon@mx.example",
        "Undelivered",
        "550 no such user",
        conversation=conversation,
        is_bounce=True,
    )

    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.PENDING
    assert conversation.is_answered
