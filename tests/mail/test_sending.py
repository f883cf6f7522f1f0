"""Outbound email through a real SMTP relay: correct headers, signed Reply-To, retries
with backoff, never sent twice, no header injection.

The relay (aiosmtpd in a thread) never touches the database, so only the test with two
sending threads needs transaction=True; the others run in the faster test transaction."""

import socket
import threading
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone

from klient.conversations.actions import acknowledge, reply
from klient.conversations.channel_registry import redrive_due_deliveries
from klient.conversations.models import Conversation, Delivery, Message
from klient.mail.addresses import verified_reference
from klient.mail.sending import (
    MAX_ATTEMPTS,
    build_email,
    retry_delay,
    send_delivery,
)


def closed_port() -> int:
    """A port nothing listens on (bound for a moment, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RejectingRelay:
    """A real SMTP server that refuses every recipient permanently."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return "550 5.1.1 No such user here"


@pytest.fixture
def rejecting_relay(settings):
    port = closed_port()
    controller = Controller(RejectingRelay(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.KLIENT_SMTP_RELAY = f"127.0.0.1:{port}"
    try:
        yield
    finally:
        controller.stop()


@pytest.fixture
def question(support_team, receive):
    return receive(
        support_team,
        "luc@client.fr",
        "Rendez-vous",
        "Coupure de courant, je reviens.",
        from_name="Luc Martin",
        message_id="<q1@client.fr>",
    )


def test_a_reply_arrives_with_threading_headers_and_a_signed_reply_address(
    smtp_sink, question, agent_anna
):
    conversation = question.conversation
    answer = reply(conversation, actor=agent_anna, body="Pas de souci, on reprogramme. Zażółć.")

    outcome = send_delivery(answer.delivery.pk)

    assert outcome == "sent"
    [(envelope_from, rcpt_tos, _)] = smtp_sink.messages
    assert envelope_from == "support@shop.example"
    assert rcpt_tos == ["luc@client.fr"]
    [email] = smtp_sink.parsed()
    assert email["From"] == "Anna Nowak — Support <support@shop.example>"
    assert email["To"] == "luc@client.fr"
    assert f"[{conversation.reference}]" in email["Subject"]
    assert email["Message-ID"] == answer.message_id
    assert email["In-Reply-To"] == "<q1@client.fr>"
    assert email["References"].split()[-1] == "<q1@client.fr>"
    assert email["Date"] is not None
    assert email["Auto-Submitted"] is None
    assert email.get_content_type() == "multipart/alternative"
    plain = email.get_body(("plain",))
    assert plain.get_content_charset() == "utf-8"
    assert plain.get_content().startswith("Pas de souci, on reprogramme. Zażółć.\r\n")
    reply_to = email["Reply-To"].addresses[0].addr_spec
    assert reply_to != "support@shop.example"
    assert verified_reference(reply_to) == conversation.reference
    delivery = Delivery.objects.get(pk=answer.delivery.pk)
    assert (delivery.state, delivery.attempts, delivery.lease_until) == ("sent", 1, None)
    assert delivery.sent_at is not None
    assert conversation.events.filter(kind="delivery.sent").count() == 1


def test_relay_down_defers_with_backoff_then_sends_exactly_once_when_it_is_back(
    smtp_sink, settings, question, agent_anna
):
    answer = reply(question.conversation, actor=agent_anna, body="Nous revenons vers vous.")
    settings.KLIENT_SMTP_RELAY = f"127.0.0.1:{closed_port()}"

    assert send_delivery(answer.delivery.pk) == "deferred"

    delivery = Delivery.objects.get(pk=answer.delivery.pk)
    assert delivery.state == Delivery.State.PENDING
    assert delivery.next_attempt_at > timezone.now()
    assert delivery.attempts == 1
    assert "relay unreachable" in delivery.last_error
    deferred = question.conversation.events.get(kind="delivery.deferred")
    assert deferred.data["attempts"] == 1

    # The relay is back, but the backoff is not over: nothing is due yet.
    settings.KLIENT_SMTP_RELAY = f"{smtp_sink.host}:{smtp_sink.port}"
    assert send_delivery(delivery.pk) == "skipped"
    assert redrive_due_deliveries() == 0
    assert smtp_sink.messages == []

    # Time passes: the sweeper sends it, once.
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )
    assert redrive_due_deliveries() == 1
    assert redrive_due_deliveries() == 0
    assert send_delivery(delivery.pk) == "skipped"

    assert len(smtp_sink.messages) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == ("sent", 2)


def test_a_temporary_refusal_is_retried(smtp_sink, question, agent_anna):
    answer = reply(question.conversation, actor=agent_anna, body="Bonjour")
    smtp_sink.refuse = True  # 451 try again later

    assert send_delivery(answer.delivery.pk) == "deferred"

    delivery = Delivery.objects.get(pk=answer.delivery.pk)
    assert delivery.state == Delivery.State.PENDING
    assert delivery.last_error.startswith("451")


@pytest.mark.django_db(transaction=True)  # two threads, two connections: real commits
def test_two_workers_racing_for_one_delivery_send_it_once(smtp_sink, question, agent_anna):
    answer = reply(question.conversation, actor=agent_anna, body="Une seule fois, s'il vous plaît.")
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def worker():
        try:
            start.wait()
            outcomes.append(send_delivery(answer.delivery.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["sent", "skipped"]
    assert len(smtp_sink.messages) == 1
    assert Delivery.objects.get(pk=answer.delivery.pk).attempts == 1


def test_an_expired_lease_is_redriven_with_the_same_message_id(smtp_sink, question, agent_anna):
    """A worker died mid-send: its lease expires and the sweeper sends again, same id."""
    answer = reply(question.conversation, actor=agent_anna, body="Bonjour")
    Delivery.objects.filter(pk=answer.delivery.pk).update(
        state=Delivery.State.SENDING,
        attempts=1,
        lease_until=timezone.now() - timedelta(seconds=1),
    )

    assert redrive_due_deliveries() == 1

    [email] = smtp_sink.parsed()
    assert email["Message-ID"] == answer.message_id
    assert Delivery.objects.get(pk=answer.delivery.pk).state == Delivery.State.SENT


def test_a_leased_delivery_is_not_taken_by_another_worker(smtp_sink, question, agent_anna):
    answer = reply(question.conversation, actor=agent_anna, body="Bonjour")
    Delivery.objects.filter(pk=answer.delivery.pk).update(
        state=Delivery.State.SENDING, lease_until=timezone.now() + timedelta(minutes=2)
    )

    assert send_delivery(answer.delivery.pk) == "skipped"
    assert redrive_due_deliveries() == 0
    assert smtp_sink.messages == []


def test_a_permanent_refusal_fails_and_the_customer_is_waiting_again(
    rejecting_relay, question, agent_anna
):
    answer = reply(question.conversation, actor=agent_anna, body="Bonjour")
    assert Conversation.objects.get(pk=question.conversation_id).waiting_since is None

    assert send_delivery(answer.delivery.pk) == "failed"

    delivery = Delivery.objects.get(pk=answer.delivery.pk)
    assert delivery.state == Delivery.State.FAILED
    assert "550" in delivery.last_error
    conversation = Conversation.objects.get(pk=question.conversation_id)
    # Waiting since the customer's question, not since the reply that never arrived.
    assert conversation.waiting_since == question.created_at
    assert conversation.events.filter(kind="delivery.failed").count() == 1
    assert send_delivery(delivery.pk) == "skipped"


def test_after_the_last_attempt_a_delivery_fails(settings, question, agent_anna):
    answer = reply(question.conversation, actor=agent_anna, body="Bonjour")
    Delivery.objects.filter(pk=answer.delivery.pk).update(attempts=MAX_ATTEMPTS - 1)
    settings.KLIENT_SMTP_RELAY = f"127.0.0.1:{closed_port()}"

    assert send_delivery(answer.delivery.pk) == "failed"

    delivery = Delivery.objects.get(pk=answer.delivery.pk)
    assert delivery.state == Delivery.State.FAILED
    assert delivery.last_error.startswith(f"gave up after {MAX_ATTEMPTS} attempts")


def test_backoff_doubles_from_thirty_seconds_up_to_an_hour():
    assert timedelta(seconds=30) <= retry_delay(1) <= timedelta(seconds=33)
    assert timedelta(seconds=60) <= retry_delay(2) <= timedelta(seconds=66)
    assert timedelta(minutes=4) <= retry_delay(4) <= timedelta(minutes=4.4)
    assert timedelta(hours=1) <= retry_delay(11) <= timedelta(hours=1.1)


def test_an_acknowledgement_says_it_is_automatic(smtp_sink, question):
    ack = acknowledge(question.conversation, body="Nous avons bien reçu votre message.")

    assert send_delivery(ack.delivery.pk) == "sent"

    [email] = smtp_sink.parsed()
    assert email["Auto-Submitted"] == "auto-replied"
    assert email["X-Auto-Response-Suppress"] == "All"


def test_a_customer_subject_with_a_line_break_cannot_add_a_bcc(
    smtp_sink, support_team, receive, agent_anna
):
    """An encoded-word subject can decode to CR LF; replying must not turn it into a header."""
    question = receive(support_team, "luc@client.fr", "Hi\r\nBcc: victim@evil.example", "Hello")
    answer = reply(question.conversation, actor=agent_anna, body="Bonjour")

    assert send_delivery(answer.delivery.pk) == "sent"

    [(_, rcpt_tos, raw)] = smtp_sink.messages
    assert rcpt_tos == ["luc@client.fr"]
    email = message_from_bytes(raw, policy=policy.default)
    assert email["Bcc"] is None
    assert b"\r\nBcc:" not in raw
    assert "\n" not in email["Subject"] and "Bcc: victim@evil.example" in email["Subject"]


def outbound(conversation, **fields) -> Message:
    """An outbound message in memory, for building emails from hostile field values."""
    values = {
        "conversation": conversation,
        "kind": Message.Kind.OUTBOUND,
        "sender": Message.Sender.AGENT,
        "from_address": "support@shop.example",
        "from_name": "Support",
        "to": ["luc@client.fr"],
        "subject": f"Re: Question [{conversation.reference}]",
        "body_text": "Bonjour",
        "message_id": "<k-1.abc@klient.localhost>",
        "created_at": timezone.now(),
    }
    values.update(fields)
    return Message(**values)


def test_a_display_name_with_a_line_break_stays_one_header(question):
    email = build_email(
        outbound(question.conversation, from_name="Support\r\nBcc: victim@x.example")
    )

    raw = email.as_bytes()
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Bcc"] is None
    assert parsed["From"].addresses[0].addr_spec == "support@shop.example"
    assert b"\nBcc:" not in raw


@pytest.mark.parametrize(
    "fields",
    [
        {"to": ["luc@client.fr\r\nBcc: victim@x.example"]},
        {"to": ["luc@client.fr, victim@x.example"]},
        {"to": ["not an address"]},
        {"cc": ["ola@klientka.pl\nBcc: victim@x.example"]},
        {"from_address": "support@shop.example\nBcc: victim@x.example"},
        {"message_id": "<a@b>\r\nBcc: victim@x.example"},
        {"in_reply_to": "<a@b>\r\nBcc: victim@x.example"},
        {"references": "<a@b>\nBcc: victim@x.example"},
        {"to": []},
    ],
)
def test_an_address_or_id_that_could_inject_a_header_is_refused(question, fields):
    with pytest.raises(ValueError):
        build_email(outbound(question.conversation, **fields))


def test_long_message_ids_are_folded_between_ids_never_encoded(question):
    long_id = "<CAH" + "x" * 90 + "@mail.gmail.com>"
    email = build_email(
        outbound(question.conversation, in_reply_to=long_id, references=f"<a@b> {long_id}")
    )

    parsed = message_from_bytes(email.as_bytes(), policy=policy.default)
    assert parsed["In-Reply-To"] == long_id
    assert parsed["References"].split() == ["<a@b>", long_id]
    assert b"=?" not in email.as_bytes()


def test_an_email_that_cannot_be_built_fails_instead_of_retrying(smtp_sink, question, agent_anna):
    answer = reply(question.conversation, actor=agent_anna, body="Bonjour")
    Message.objects.filter(pk=answer.pk).update(to=["luc@client.fr, victim@x.example"])

    assert send_delivery(answer.delivery.pk) == "failed"

    assert smtp_sink.messages == []
    assert "cannot build the email" in Delivery.objects.get(pk=answer.delivery.pk).last_error
