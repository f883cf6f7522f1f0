"""The SMTP listener, spoken to with smtplib over a real socket."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from klient.conversations.actions import reply
from klient.conversations.models import Conversation, Message
from klient.core import blobs
from klient.mail import actions
from klient.mail.models import InboundMail
from klient.mail.smtp import SmtpListener
from support import smtp_listener

pytestmark = pytest.mark.django_db(transaction=True)

CUSTOMER = "ola@customer.example"


@pytest.fixture
def listener(settings, support_team) -> Iterator[SmtpListener]:
    settings.KLIENT_MAX_MESSAGE_BYTES = 20_000
    with smtp_listener() as server:
        yield server


def smtp(listener: SmtpListener) -> smtplib.SMTP:
    return smtplib.SMTP(listener.host, listener.port, timeout=10)


def email_bytes(
    subject: str = "My order", *, to: str = "support@shop.example", **headers: str
) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Ola Kowalska <{CUSTOMER}>"
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="customer.example")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content("Hello, my order #123 has not arrived.\n")
    return msg.as_bytes(policy=policy.SMTP)


def send_raw(listener: SmtpListener, raw: bytes, to: str = "support@shop.example") -> int:
    """Send with explicit commands; returns the inbound id from "250 2.0.0 queued as N"."""
    with smtp(listener) as client:
        client.ehlo()
        client.mail(CUSTOMER)
        code, _ = client.rcpt(to)
        assert code == 250
        code, answer = client.data(raw)
    assert code == 250, answer
    text = answer.decode()
    assert text.startswith("2.0.0 queued as ")
    return int(text.rsplit(" ", 1)[1])


# An 8-bit iso-8859-2 message: the bytes must be stored untouched, never decoded.
LATIN2 = (
    "From: =?iso-8859-2?q?Ola_Kowalska?= <ola@customer.example>\r\n"
    "To: support@shop.example\r\n"
    "Subject: =?iso-8859-2?q?Zam=F3wienie?=\r\n"
    "Message-ID: <latin2-1@customer.example>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=iso-8859-2\r\n"
    "Content-Transfer-Encoding: 8bit\r\n"
    "\r\n"
    "Dzień dobry, zamówienie nie dotarło. Zażółć gęślą jaźń.\r\n"
).encode("iso-8859-2")


def test_an_accepted_message_is_stored_byte_for_byte_before_250(listener):
    inbound_id = send_raw(listener, LATIN2)

    inbound = InboundMail.objects.get(pk=inbound_id)
    assert blobs.load(inbound.raw_blob) == LATIN2
    assert inbound.source == "smtp"
    assert inbound.state == "received"
    assert inbound.envelope_from == CUSTOMER
    assert inbound.envelope_to == ["support@shop.example"]
    assert inbound.team.name == "Support"


def test_a_stored_message_becomes_a_conversation_when_processed(listener):
    inbound_id = send_raw(listener, LATIN2)

    outcome = actions.process_inbound(inbound_id)

    assert outcome == "stored"
    conversation = Conversation.objects.get()
    assert conversation.subject == "Zamówienie"
    assert conversation.team.name == "Support"
    message = conversation.messages.get()
    assert "Zażółć gęślą jaźń" in message.body_text


def test_sendmail_to_the_team_address_is_accepted(listener):
    with smtp(listener) as client:
        refused = client.sendmail(CUSTOMER, ["support@shop.example"], email_bytes())

    assert refused == {}
    assert InboundMail.objects.count() == 1


def test_an_unknown_recipient_is_refused_with_550(listener):
    with smtp(listener) as client, pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        client.sendmail(CUSTOMER, ["nobody@shop.example"], email_bytes(to="nobody@shop.example"))

    code, text = refused.value.recipients["nobody@shop.example"]
    assert code == 550
    assert text == b"5.1.1 <nobody@shop.example>: no such team here"
    assert InboundMail.objects.count() == 0


def test_with_one_known_and_one_unknown_recipient_only_the_known_one_is_kept(listener):
    with smtp(listener) as client:
        refused = client.sendmail(
            CUSTOMER, ["stranger@elsewhere.example", "support@shop.example"], email_bytes()
        )

    assert list(refused) == ["stranger@elsewhere.example"]
    assert InboundMail.objects.get().envelope_to == ["support@shop.example"]


def test_plus_addressed_and_differently_cased_team_addresses_are_accepted(listener, support_team):
    plus = "support+k-1042.abcdef0123@shop.example"
    with smtp(listener) as client:
        refused = client.sendmail(CUSTOMER, [plus], email_bytes(to=plus))
        refused_too = client.sendmail(CUSTOMER, ["Support@Shop.Example"], email_bytes())

    assert refused == refused_too == {}
    assert [m.team_id for m in InboundMail.objects.all()] == [support_team.pk] * 2


def test_a_team_created_while_the_listener_runs_receives_mail_at_once(listener):
    from klient.people.actions import create_team

    send_raw(listener, email_bytes())  # the listener now holds a copy of the addresses
    billing = create_team("Billing", address="billing@shop.example")

    inbound_id = send_raw(
        listener, email_bytes(to="billing@shop.example"), to="billing@shop.example"
    )

    assert InboundMail.objects.get(pk=inbound_id).team_id == billing.pk


def test_a_team_whose_address_changed_is_found_under_its_new_address(listener, support_team):
    send_raw(listener, email_bytes())
    support_team.inbound_address = "help@shop.example"
    support_team.save(update_fields=["inbound_address"])

    inbound_id = send_raw(listener, email_bytes(to="help@shop.example"), to="help@shop.example")

    assert InboundMail.objects.get(pk=inbound_id).team_id == support_team.pk


def test_an_oversize_message_is_refused_with_552_when_announced(listener):
    big = email_bytes() + b"x" * 30_000 + b"\r\n"

    with smtp(listener) as client, pytest.raises(smtplib.SMTPSenderRefused) as refused:
        client.sendmail(CUSTOMER, ["support@shop.example"], big)

    assert refused.value.smtp_code == 552
    assert InboundMail.objects.count() == 0


def test_an_oversize_message_is_refused_with_552_in_data_when_not_announced(listener):
    big = email_bytes() + (b"y" * 900 + b"\r\n") * 30

    with smtp(listener) as client:
        client.ehlo()
        client.mail(CUSTOMER)  # no SIZE= parameter
        client.rcpt("support@shop.example")
        code, _ = client.data(big)

    assert code == 552
    assert InboundMail.objects.count() == 0


def test_when_storing_fails_the_sender_is_told_to_retry_never_250(listener, settings, tmp_path):
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("blobs cannot live under a file")
    settings.KLIENT_BLOB_DIR = not_a_folder / "blobs"

    with smtp(listener) as client, pytest.raises(smtplib.SMTPDataError) as failed:
        client.sendmail(CUSTOMER, ["support@shop.example"], email_bytes())

    assert failed.value.smtp_code == 451
    assert failed.value.smtp_error == b"4.3.0 temporary failure, try again"
    assert InboundMail.objects.count() == 0


def test_the_same_bytes_delivered_twice_are_one_inbound_mail(listener):
    raw = email_bytes()

    first = send_raw(listener, raw)
    second = send_raw(listener, raw)

    assert first == second
    assert InboundMail.objects.count() == 1


def test_a_reply_to_our_message_threads_into_its_conversation(listener, agent_anna):
    first = send_raw(listener, email_bytes("Broken zipper"))
    actions.process_inbound(first)
    conversation = Conversation.objects.get()
    ours = reply(conversation, actor=agent_anna, body="Please send us a photo.")

    answer = send_raw(
        listener,
        email_bytes("Re: Broken zipper", In_Reply_To=ours.message_id, References=ours.message_id),
    )
    outcome = actions.process_inbound(answer)

    assert outcome == "stored"
    assert Conversation.objects.count() == 1
    assert list(
        conversation.messages.order_by("created_at", "id").values_list("kind", flat=True)
    ) == [Message.Kind.INBOUND, Message.Kind.OUTBOUND, Message.Kind.INBOUND]
