"""A customer's language is read from what they wrote, not from the quoted history below
it (often ours, in another language): tone, sentiment and promises are analysed in it."""

from __future__ import annotations

import pytest

from support import customer_email as mail

pytestmark = pytest.mark.django_db(transaction=True)

ENGLISH_QUOTE = "\n".join(
    "> " + line
    for line in (
        "Dear customer, thank you for your message about the delivery of your order.",
        "We have checked with the warehouse and the parcel will leave tomorrow morning.",
        "If anything else comes up, please reply to this email and we will help you.",
        "Kind regards, the support team",
    )
    * 3
)


def test_a_polish_answer_above_an_english_quote_is_polish(send):
    body = (
        "Nadal nic nie przyszło. Kiedy?\n\n"
        "W dniu 3 marca 2025 o 10:12 Support <support@klient.example> napisał:\n" + ENGLISH_QUOTE
    )

    message = send(mail("ola@example.com", "Re: Delivery", body))

    assert message.language == "pl"
    assert message.new_text == "Nadal nic nie przyszło. Kiedy?"


def test_a_reply_too_short_to_tell_is_read_with_its_quote(send):
    body = (
        "Danke!\n\nAm 3. März 2025 um 10:12 schrieb Support <support@klient.example>:\n"
        + "\n".join(
            "> " + line
            for line in (
                "Guten Tag, vielen Dank für Ihre Nachricht zur Lieferung Ihrer Bestellung.",
                "Wir haben mit dem Lager gesprochen, und das Paket geht morgen früh hinaus.",
            )
        )
    )

    message = send(mail("jonas@example.com", "Re: Lieferung", body))

    assert message.language == "de"
