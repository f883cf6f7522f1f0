"""Story 1, the reply without headers: a customer answers from a client that drops
In-Reply-To and References, or writes "Re: <subject>" by hand. Sent over real SMTP to the
listener, processed by the worker: the reply joins the customer's conversation by its
subject, only their own, only when it is the one recent conversation with that subject."""

from __future__ import annotations

from datetime import timedelta

import pytest

from klient.conversations.actions import reply
from klient.conversations.models import Conversation, Message
from klient.core.models import Event
from support import customer_email as mail

pytestmark = pytest.mark.django_db(transaction=True)

LENA = "Lena Fischer <lena.fischer@posteo.example>"


def threaded_by(message: Message) -> str | None:
    event = Event.objects.get(kind="message.received", data__message=message.pk)
    return event.data.get("threaded_by")


@pytest.fixture
def answered(send, agent_anna) -> Conversation:
    """Lena asked about a late delivery and Anna answered (waiting on the customer)."""
    first = send(mail(LENA, "Lieferung verspätet", "Wo bleibt meine Bestellung 4711?"))
    reply(first.conversation, actor=agent_anna, body="Sie ist unterwegs.", status="pending")
    return first.conversation


def test_a_subject_only_reply_joins_and_reopens_the_conversation(send, answered):
    message = send(mail(LENA, "AW: Re: Lieferung verspätet", "Immer noch nichts."))

    assert message.conversation_id == answered.pk
    assert threaded_by(message) == "subject"
    answered.refresh_from_db()
    assert answered.status == Conversation.Status.OPEN
    assert answered.waiting_since == message.created_at


@pytest.mark.parametrize("subject", ["Re[2]: lieferung  VERSPÄTET", "RE：Lieferung verspätet"])
def test_counted_and_full_width_prefixes_thread_too(send, answered, subject):
    message = send(mail(LENA, subject, "Und?"))

    assert message.conversation_id == answered.pk


def test_the_same_subject_from_someone_else_opens_a_new_conversation(send, answered):
    message = send(mail("kai@example.org", "Re: Lieferung verspätet", "Meine auch!"))

    assert message.conversation_id != answered.pk
    assert threaded_by(message) is None


def test_a_reply_without_a_prefix_is_a_new_message(send, answered):
    message = send(mail(LENA, "Lieferung verspätet", "Eine zweite Bestellung."))

    assert message.conversation_id != answered.pk


def test_two_conversations_with_that_subject_make_it_a_guess_so_a_new_one_opens(send, answered):
    second = send(mail(LENA, "Lieferung verspätet", "Bestellung 4712 auch."))
    assert second.conversation_id != answered.pk

    message = send(mail(LENA, "Re: Lieferung verspätet", "Welche kommt zuerst?"))

    assert message.conversation_id not in (answered.pk, second.conversation_id)


def test_a_conversation_quiet_for_more_than_30_days_is_not_joined(send, answered):
    Conversation.objects.filter(pk=answered.pk).update(
        updated_at=answered.updated_at - timedelta(days=31)
    )

    message = send(mail(LENA, "Re: Lieferung verspätet", "Nochmals."))

    assert message.conversation_id != answered.pk


def test_a_participant_copied_on_the_first_mail_may_reply_by_subject(send):
    first = send(
        mail(LENA, "Rechnung fehlt", "Bitte an Jonas senden.", Cc="jonas@posteo.example"),
    )

    message = send(mail("jonas@posteo.example", "Aw: Rechnung fehlt", "Danke!"))

    assert message.conversation_id == first.conversation_id
