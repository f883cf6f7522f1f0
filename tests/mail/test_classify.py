"""classify(): auto-replies, bounces and bulk mail, from headers and wording."""

from __future__ import annotations

from pathlib import Path

import pytest

from klient.mail.classify import classify
from klient.mail.parsing import parse

EML = Path(__file__).resolve().parents[1] / "fixtures" / "eml"


def classify_file(name: str):
    return classify(parse((EML / name).read_bytes()))


def mail(headers: str, body: str = "Hello, my order has not arrived.") -> bytes:
    return (f"From: Customer <c@example.com>\r\n{headers}\r\n\r\n{body}\r\n").encode()


def test_customer_messages_in_the_corpus_are_neither_auto_reply_bounce_nor_bulk():
    for name in (
        "pl_iso8859_2_qp.eml",
        "fr_cp1252_8bit.eml",
        "de_utf8_outlook.eml",
        "uk_koi8u_8bit.eml",
        "en_reply_quoted.eml",
    ):
        result = classify_file(name)
        assert (result.auto_reply, result.bounce, result.bulk, result.reasons) == (
            False,
            False,
            False,
            (),
        ), name


def test_auto_submitted_header_marks_an_auto_reply_with_its_value_as_reason():
    result = classify_file("ooo_en_auto_submitted.eml")
    assert result.auto_reply
    assert "Auto-Submitted: auto-replied" in result.reasons


def test_auto_submitted_no_is_not_an_auto_reply():
    result = classify(parse(mail("Auto-Submitted: no\r\nSubject: Question")))
    assert not result.auto_reply


@pytest.mark.parametrize(
    "header",
    ["X-Autoreply: yes", "X-Autorespond: vacation", "Precedence: auto_reply"],
)
def test_de_facto_auto_reply_headers_mark_an_auto_reply(header):
    result = classify(parse(mail(f"{header}\r\nSubject: Question")))
    assert result.auto_reply
    assert result.reasons[0].lower().startswith(header.split(":")[0].lower())


@pytest.mark.parametrize("name", ["ooo_fr_wording.eml", "ooo_pl_wording.eml", "ooo_uk_wording.eml"])
def test_out_of_office_subject_wording_alone_marks_an_auto_reply(name):
    result = classify_file(name)
    assert result.auto_reply
    assert result.auto_reasons[0] == "subject"
    assert result.reasons[0].startswith("wording scores")


@pytest.mark.parametrize(
    "subject",
    [
        "Out of Office: Re: your ticket",
        "Automatic reply: Order",
        "Réponse automatique : commande",
        "Absence du bureau",
        "Automatyczna odpowiedź: zamówienie",
        "Odpowiedź automatyczna",
        "Abwesenheitsnotiz: Ihre Anfrage",
        "Automatische Antwort: Bestellung",
        "Автоматична відповідь: замовлення",
        "Не в офісі",
    ],
)
def test_out_of_office_subjects_in_five_languages(subject):
    assert classify(parse(mail(f"Subject: {subject}"))).auto_reply


def test_body_wording_with_an_extra_hint_marks_an_auto_reply():
    result = classify_file("ooo_de_body_hint.eml")
    assert result.auto_reply
    assert any("X-Auto-Response-Suppress" in reason for reason in result.reasons)
    assert "header_hint" in result.auto_reasons


def test_body_wording_alone_is_not_enough():
    """A customer may write that they are out of the office."""
    body = "Ich bin nicht im Büro, bitte rufen Sie mich morgen zurück."
    assert not classify(parse(mail("Subject: Rückruf", body))).auto_reply


def test_body_wording_after_the_first_800_characters_is_ignored():
    body = "x " * 400 + "I am out of the office until Monday."
    raw = mail("Subject: Re: order\r\nIn-Reply-To: <a@b>\r\nX-Auto-Response-Suppress: OOF", body)
    assert not classify(parse(raw)).auto_reply


def test_dsn_report_marks_a_bounce_and_not_an_auto_reply():
    result = classify_file("dsn_bounce.eml")
    assert result.bounce
    assert not result.auto_reply
    assert "delivery report: failed 5.1.1" in result.reasons


def test_x_failed_recipients_marks_a_bounce():
    result = classify_file("bounce_plain_failed_recipients.eml")
    assert result.bounce
    assert result.reasons == ("X-Failed-Recipients: gone@customer.example",)


def test_mailer_daemon_with_failure_wording_marks_a_bounce():
    raw = (
        b"From: MAILER-DAEMON@mx.example.com\r\nSubject: Undeliverable: your order\r\n\r\n"
        b"Your message could not be delivered.\r\n"
    )
    result = classify(parse(raw))
    assert result.bounce
    assert "mailer-daemon@mx.example.com" in result.reasons[0]


def test_postmaster_without_failure_wording_is_not_a_bounce():
    raw = b"From: postmaster@example.com\r\nSubject: Question about DNS\r\n\r\nHi.\r\n"
    assert not classify(parse(raw)).bounce


def test_list_headers_and_precedence_bulk_mark_bulk_mail():
    result = classify_file("list_message.eml")
    assert result.bulk
    assert not result.auto_reply
    assert "Precedence: bulk" in result.reasons
    assert any(r.startswith("List-ID:") for r in result.reasons)
    assert any(r.startswith("List-Unsubscribe:") for r in result.reasons)


@pytest.mark.parametrize("value", ["list", "junk"])
def test_precedence_list_and_junk_mark_bulk(value):
    assert classify(parse(mail(f"Precedence: {value}"))).bulk
