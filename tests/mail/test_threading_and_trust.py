"""A From header proves nothing: threading by headers, signed address and subject token,
and only for the conversation's own people."""

from email.message import EmailMessage

import pytest

from klient.conversations.actions import reply
from klient.conversations.models import Conversation, Message
from klient.mail import actions
from klient.mail.addresses import reply_address, verified_reference


def email(frm, to, subject, body, **headers) -> bytes:
    msg = EmailMessage()
    msg["From"] = frm
    msg["To"] = to
    msg["Subject"] = subject
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return bytes(msg)


def deliver(raw: bytes, **kwargs) -> Message | None:
    inbound, _ = actions.accept_raw(raw, source="smtp", **kwargs)
    actions.process_inbound(inbound.pk)
    inbound.refresh_from_db()
    return Message.objects.filter(pk=inbound.message_id).first()


@pytest.fixture
def answered(support_team, agent_anna):
    """Ola asked about an invoice and Anna answered."""
    first = deliver(
        email(
            "Ola <ola@klientka.pl>",
            "support@shop.example",
            "Faktura VAT",
            "Czy mogę dostać fakturę VAT?",
            Message_ID="<ola-1@klientka.pl>",
        )
    )
    answer = reply(first.conversation, actor=agent_anna, body="Niestety nie wystawiamy faktur.")
    return first.conversation, answer


def test_a_reply_to_our_message_threads_into_its_conversation(answered):
    conversation, answer = answered

    message = deliver(
        email(
            "ola@klientka.pl",
            "support@shop.example",
            "Re: Faktura VAT",
            "Dlaczego? Pytam grzecznie.",
            In_Reply_To=answer.message_id,
        )
    )

    assert message.conversation_id == conversation.pk
    conversation.refresh_from_db()
    assert conversation.waiting_since == message.created_at


def test_a_subject_token_threads_only_for_the_customer(answered):
    conversation, _ = answered

    own = deliver(
        email(
            "ola@klientka.pl",
            "support@shop.example",
            f"Pytanie [{conversation.reference}]",
            "Ponawiam pytanie.",
        )
    )
    forged = deliver(
        email(
            "intruz@evil.example",
            "support@shop.example",
            f"Pytanie [{conversation.reference}]",
            "Wpuśćcie mnie.",
        )
    )

    assert own.conversation_id == conversation.pk
    assert forged.conversation_id != conversation.pk
    refused = forged.conversation.events.filter(kind="thread.refused").get()
    assert "intruz@evil.example" in refused.data["reason"]


def test_a_forged_in_reply_to_does_not_join_someone_elses_conversation(answered):
    conversation, answer = answered

    forged = deliver(
        email(
            "ola@klientka.pl.evil.example",
            "support@shop.example",
            "Re: Faktura",
            "Hello",
            In_Reply_To=answer.message_id,
        )
    )

    assert forged.conversation_id != conversation.pk


def test_the_signed_reply_address_lets_a_new_address_join(answered):
    conversation, _ = answered
    signed = reply_address("support@shop.example", conversation.reference)

    message = deliver(
        email("ola.prywatnie@poczta.example", signed, "Odpowiedź", "Piszę z innego adresu"),
        envelope_to=[signed],
    )

    assert verified_reference(signed) == conversation.reference
    assert message.conversation_id == conversation.pk


def test_a_tampered_reply_address_does_not_verify(answered):
    conversation, _ = answered
    signed = reply_address("support@shop.example", conversation.reference)
    local, domain = signed.split("@")
    last = local[-1]
    tampered = f"{local[:-1]}{'0' if last != '0' else '1'}@{domain}"

    message = deliver(
        email("kto@inny.example", tampered, "Odpowiedź", "Hej"), envelope_to=[tampered]
    )

    assert verified_reference(tampered) is None
    assert message.conversation_id != conversation.pk


def test_an_out_of_office_reply_is_flagged_and_does_not_count_as_waiting(answered):
    conversation, answer = answered
    Conversation.objects.filter(pk=conversation.pk).update(status="pending")

    message = deliver(
        email(
            "ola@klientka.pl",
            "support@shop.example",
            "Automatyczna odpowiedź: Re: Faktura VAT",
            "Jestem poza biurem.",
            In_Reply_To=answer.message_id,
            Auto_Submitted="auto-replied",
        )
    )

    conversation.refresh_from_db()
    assert message.conversation_id == conversation.pk
    assert message.is_auto_reply
    assert conversation.status == "pending"
    assert conversation.is_answered


def test_mail_for_no_team_is_quarantined_with_its_reason_and_can_be_retried(support_team):
    raw = email("ola@klientka.pl", "nobody@elsewhere.example", "Hello", "Lost?")
    inbound, _ = actions.accept_raw(raw, source="import")

    assert actions.process_inbound(inbound.pk) == "quarantined"
    inbound.refresh_from_db()
    assert "no team receives mail" in inbound.reason

    assert actions.retry_quarantined(inbound.pk, team_id=support_team.pk) == "stored"
    inbound.refresh_from_db()
    assert inbound.message.conversation.team == support_team


def test_processing_the_same_mail_twice_stores_it_once(support_team):
    raw = email("ola@klientka.pl", "support@shop.example", "Hello", "Once only")
    inbound, _ = actions.accept_raw(raw, source="smtp")

    assert actions.process_inbound(inbound.pk) == "stored"
    assert actions.process_inbound(inbound.pk) == "skipped"
    again, created = actions.accept_raw(raw, source="smtp")

    assert not created and again.pk == inbound.pk
    assert Message.objects.count() == 1


def test_a_message_without_message_id_is_not_duplicated_when_processing_is_redone(
    support_team,
):
    """A worker that died after storing the message but before marking the mail done:
    the hash of the bytes stands in for the missing Message-ID."""
    from klient.mail.models import InboundMail

    raw = email("ola@klientka.pl", "support@shop.example", "No id", "Bez identyfikatora")
    assert b"\nMessage-ID:" not in raw
    first = deliver(raw)
    InboundMail.objects.update(state="received", message=None, outcome="")

    inbound = InboundMail.objects.get()
    assert actions.process_inbound(inbound.pk) == "stored"

    assert first.message_id.endswith("@sha256.klient>")
    assert Message.objects.count() == 1
    inbound.refresh_from_db()
    assert inbound.message_id == first.pk
