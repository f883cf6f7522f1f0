"""Story 1, the reply without headers: a customer answers from a client that drops
In-Reply-To and References, or writes "Re: <subject>" by hand. Sent over real SMTP to the
listener, processed by the worker: the reply joins the customer's conversation by its
subject, only their own, only when it is the one recent conversation with that subject."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from klient.conversations.actions import reply
from klient.conversations.models import Conversation, Message
from klient.core.models import Event
from klient.mail import actions
from klient.mail.smtp import SmtpListener
from support import run_worker

pytestmark = pytest.mark.django_db(transaction=True)

LENA = "Lena Fischer <lena.fischer@posteo.example>"


@pytest.fixture
def listener(support_team) -> Iterator[SmtpListener]:
    server = SmtpListener(port=0)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def mail(sender: str, subject: str, body: str, **headers: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "support@shop.example"
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="posteo.example")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg


def send(listener: SmtpListener, msg: EmailMessage) -> Message:
    """Over SMTP to the listener, processed as the woken worker processes it; the stored
    message."""
    with smtplib.SMTP(listener.host, listener.port, timeout=10) as client:
        client.ehlo()
        client.mail("sender@posteo.example")
        client.rcpt("support@shop.example")
        code, answer = client.data(msg.as_bytes(policy=policy.SMTP))
    assert code == 250, answer
    actions.process_inbound(int(answer.decode().rsplit(" ", 1)[1]))
    run_worker()
    return Message.objects.get(message_id=msg["Message-ID"])


def threaded_by(message: Message) -> str | None:
    event = Event.objects.get(kind="message.received", data__message=message.pk)
    return event.data.get("threaded_by")


@pytest.fixture
def answered(listener, agent_anna) -> Conversation:
    """Lena asked about a late delivery and Anna answered (waiting on the customer)."""
    first = send(listener, mail(LENA, "Lieferung verspätet", "Wo bleibt meine Bestellung 4711?"))
    reply(first.conversation, actor=agent_anna, body="Sie ist unterwegs.", status="pending")
    return first.conversation


def test_a_subject_only_reply_joins_and_reopens_the_conversation(listener, answered):
    message = send(listener, mail(LENA, "AW: Re: Lieferung verspätet", "Immer noch nichts."))

    assert message.conversation_id == answered.pk
    assert threaded_by(message) == "subject"
    answered.refresh_from_db()
    assert answered.status == Conversation.Status.OPEN
    assert answered.waiting_since == message.created_at


@pytest.mark.parametrize("subject", ["Re[2]: lieferung  VERSPÄTET", "RE：Lieferung verspätet"])
def test_counted_and_full_width_prefixes_thread_too(listener, answered, subject):
    message = send(listener, mail(LENA, subject, "Und?"))

    assert message.conversation_id == answered.pk


def test_the_same_subject_from_someone_else_opens_a_new_conversation(listener, answered):
    message = send(listener, mail("kai@example.org", "Re: Lieferung verspätet", "Meine auch!"))

    assert message.conversation_id != answered.pk
    assert threaded_by(message) is None


def test_a_reply_without_a_prefix_is_a_new_message(listener, answered):
    message = send(listener, mail(LENA, "Lieferung verspätet", "Eine zweite Bestellung."))

    assert message.conversation_id != answered.pk


def test_two_conversations_with_that_subject_make_it_a_guess_so_a_new_one_opens(listener, answered):
    second = send(listener, mail(LENA, "Lieferung verspätet", "Bestellung 4712 auch."))
    assert second.conversation_id != answered.pk

    message = send(listener, mail(LENA, "Re: Lieferung verspätet", "Welche kommt zuerst?"))

    assert message.conversation_id not in (answered.pk, second.conversation_id)


def test_a_conversation_quiet_for_more_than_30_days_is_not_joined(listener, answered):
    Conversation.objects.filter(pk=answered.pk).update(
        updated_at=answered.updated_at - timedelta(days=31)
    )

    message = send(listener, mail(LENA, "Re: Lieferung verspätet", "Nochmals."))

    assert message.conversation_id != answered.pk


def test_a_participant_copied_on_the_first_mail_may_reply_by_subject(listener):
    first = send(
        listener,
        mail(LENA, "Rechnung fehlt", "Bitte an Jonas senden.", Cc="jonas@posteo.example"),
    )

    message = send(listener, mail("jonas@posteo.example", "Aw: Rechnung fehlt", "Danke!"))

    assert message.conversation_id == first.conversation_id
