"""Mail is stored in batches for speed, with the same rules as one at a time."""

from klient.conversations.models import Conversation, Message
from klient.mail import actions
from klient.mail.models import InboundMail


def mail(frm: str, subject: str, body: str, message_id: str, in_reply_to: str = "") -> bytes:
    reply = f"In-Reply-To: {in_reply_to}\r\n" if in_reply_to else ""
    return (
        f"From: {frm}\r\nTo: support@shop.example\r\nSubject: {subject}\r\n"
        f"Message-ID: {message_id}\r\n{reply}Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{body}\r\n"
    ).encode()


def accept(*raws: bytes) -> list[int]:
    return [actions.accept_raw(raw, source="import")[0].pk for raw in raws]


def test_a_reply_to_a_message_of_the_same_batch_joins_its_conversation(support_team):
    ids = accept(
        mail("ola@klientka.pl", "SIM", "Błąd karty SIM", "<a@k.pl>"),
        mail("jan@firma.pl", "Faktura", "Proszę o fakturę", "<b@f.pl>"),
        mail("ola@klientka.pl", "Re: SIM", "Nadal nie działa", "<c@k.pl>", in_reply_to="<a@k.pl>"),
    )

    outcomes = actions.process_batch(ids)

    assert list(outcomes.values()) == ["stored", "stored", "stored"]
    first, _, follow_up = (
        Message.objects.get(message_id=m) for m in ("<a@k.pl>", "<b@f.pl>", "<c@k.pl>")
    )
    assert follow_up.conversation_id == first.conversation_id
    assert Conversation.objects.count() == 2


def test_a_broken_mail_in_a_batch_is_quarantined_and_the_others_are_stored(support_team):
    ids = accept(
        mail("ola@klientka.pl", "SIM", "Błąd karty SIM", "<a@k.pl>"),
        b"\x00\x01 not an email at all",
        mail("jan@firma.pl", "Faktura", "Proszę o fakturę", "<b@f.pl>"),
    )

    outcomes = actions.process_batch(ids)

    assert [outcomes[i] for i in ids] == ["stored", "quarantined", "stored"]
    assert InboundMail.objects.get(pk=ids[1]).reason


def test_two_copies_of_one_message_in_a_batch_are_stored_once(support_team):
    ids = accept(
        mail("ola@klientka.pl", "SIM", "Błąd karty SIM", "<a@k.pl>"),
        mail("ola@klientka.pl", "SIM", "Błąd karty SIM ", "<a@k.pl>"),
    )

    outcomes = actions.process_batch(ids)

    assert [outcomes[i] for i in ids] == ["stored", "duplicate"]
    assert Message.objects.count() == 1


def test_one_new_customer_writing_twice_in_a_batch_is_one_customer(support_team):
    ids = accept(
        mail("Ola <ola@klientka.pl>", "SIM", "Błąd karty SIM", "<a@k.pl>"),
        mail("Ola <ola@klientka.pl>", "Faktura", "Proszę o fakturę", "<b@k.pl>"),
    )

    actions.process_batch(ids)

    customers = {c.customer_id for c in Conversation.objects.all()}
    assert len(customers) == 1


def test_the_task_for_one_mail_stores_the_others_waiting_too(support_team):
    from klient.mail.tasks import process_inbound

    ids = [
        actions.accept_raw(
            mail(f"c{i}@firma.pl", "Pytanie", "Dzień dobry", f"<{i}@f.pl>"), source="smtp"
        )[0].pk
        for i in range(5)
    ]

    assert process_inbound.call(ids[2]) == "stored"

    assert set(InboundMail.objects.values_list("state", flat=True)) == {"done"}
    assert process_inbound.call(ids[0]) == "skipped"
