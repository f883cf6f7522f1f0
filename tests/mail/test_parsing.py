"""parse(): the corpus in tests/fixtures/eml/ (regenerate with make_eml_corpus.py)."""

from __future__ import annotations

import copy
import pickle
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from klient.mail.parsing import MailParseError, ParsedMail, parse

EML = Path(__file__).resolve().parents[1] / "fixtures" / "eml"


def load(name: str) -> ParsedMail:
    return parse((EML / name).read_bytes())


def test_every_corpus_message_parses_with_a_sender_and_text():
    names = sorted(p.name for p in EML.glob("*.eml"))
    assert len(names) >= 20
    for name in names:
        parsed = load(name)
        assert "@" in parsed.from_address, name
        assert parsed.text.strip(), name
        assert "\ufffd" not in parsed.text + parsed.subject + parsed.from_name, name


def test_polish_iso_8859_2_quoted_printable_body_and_q_encoded_headers_are_decoded():
    parsed = load("pl_iso8859_2_qp.eml")
    assert parsed.subject == "Re: Zamówienie nr 4471 - gdzie jest przesyłka?"
    assert parsed.from_name == "Łukasz Żółkiewski"
    assert parsed.from_address == "lukasz@example.pl"
    assert "nadal nie dotarło. Proszę o sprawdzenie" in parsed.text
    assert parsed.defects == ()


def test_polish_windows_1250_8bit_body_and_b_encoded_subject_are_decoded():
    parsed = load("pl_cp1250_8bit.eml")
    assert parsed.subject == "Błędna faktura – korekta NIP"
    assert parsed.from_name == "Małgorzata Świątek"
    assert "zawiera błąd w numerze NIP" in parsed.text
    assert parsed.cc == ("szef@example.pl",)


def test_french_latin_1_and_windows_1252_including_euro_and_oe_ligature():
    latin1 = load("fr_iso8859_1_qp.eml")
    assert latin1.subject == "Re: Remboursement non reçu"
    assert "Hélène Lefèvre" in latin1.text
    cp1252 = load("fr_cp1252_8bit.eml")
    assert cp1252.subject == "Montant débité incorrect (129,90 €)"
    assert cp1252.from_name == "François Dœuf"
    assert "129,90 € au lieu de 99,90 €" in cp1252.text
    assert "le cœur à l'ouvrage" in cp1252.text


def test_iso_8859_15_euro_sign_in_header_and_body():
    parsed = load("fr_iso8859_15_forward.eml")
    assert parsed.subject == "Fwd: Prix à 50 €"
    assert parsed.from_name == "Élodie"
    assert "l'offre à 50 € que j'ai reçue" in parsed.text


def test_german_utf8_umlauts_survive():
    parsed = load("de_utf8_outlook.eml")
    assert parsed.subject == "AW: Ihre Rücksendung"
    assert parsed.from_name == "Jürgen Müller"
    assert "Mit freundlichen Grüßen" in parsed.text


def test_ukrainian_koi8_u_windows_1251_and_utf8_base64():
    koi = load("uk_koi8u_8bit.eml")
    assert koi.subject == "Re: Де моє замовлення?"
    assert koi.from_name == "Олена Ковальчук"
    assert "Моє замовлення досі не доставлено" in koi.text
    cp1251 = load("uk_cp1251_qp.eml")
    assert cp1251.subject == "Скасування підписки"
    assert "прошу скасувати підписку" in cp1251.text
    b64 = load("uk_utf8_base64_alternative.eml")
    assert b64.subject == "Прохання зателефонувати"
    assert "Будь ласка, зателефонуйте мені." in b64.text
    assert "<p>Доброго дня!</p>" in b64.html


def test_raw_8bit_utf8_headers_are_decoded_and_missing_message_id_is_none():
    parsed = load("no_message_id_8bit_headers.eml")
    assert parsed.message_id is None
    assert parsed.from_name == "Zoë Straße"
    assert parsed.subject == "Frage zur Lieferung – dringend"


def test_raw_8bit_legacy_header_is_guessed_and_recorded():
    raw = "From: Małgorzata <m@example.pl>\r\nSubject: Błąd w fakturze\r\n\r\nTreść\r\n"
    parsed = parse(raw.encode("cp1250"))
    assert parsed.subject == "Błąd w fakturze"
    assert parsed.from_name == "Małgorzata"
    assert any("decoded as cp1250" in d for d in parsed.defects)


def test_threading_headers_are_normalised_to_angle_bracket_ids():
    parsed = load("en_reply_quoted.eml")
    assert parsed.message_id == "<en-reply@customer.example>"
    assert parsed.in_reply_to == "<K-1042.3.reply@klient.example.com>"
    assert parsed.references == (
        "<K-1042.1@customer.example>",
        "<K-1042.3.reply@klient.example.com>",
    )


def test_addresses_are_lower_cased_and_display_names_with_commas_kept():
    parsed = load("en_reply_quoted.eml")
    assert parsed.from_address == "sean.obrien@customer.example"
    assert parsed.from_name == "O'Brien, Sean"
    assert parsed.to == ("support@example.com", "other@example.com")
    assert parsed.reply_to == ("sean.private@customer.example",)


def test_date_is_an_aware_datetime_with_the_senders_offset():
    parsed = load("en_reply_quoted.eml")
    assert parsed.date == datetime(2024, 3, 21, 15, 0, tzinfo=UTC)
    assert parsed.date.utcoffset() == timedelta(hours=-5)


def test_date_without_zone_is_taken_as_utc_and_noted():
    parsed = parse(b"From: a@example.com\r\nDate: Tue, 19 Mar 2024 10:00:00 -0000\r\n\r\nx")
    assert parsed.date == datetime(2024, 3, 19, 10, 0, tzinfo=UTC)
    assert any("time zone" in d for d in parsed.defects)


def test_unreadable_date_is_none_and_noted():
    parsed = parse(b"From: a@example.com\r\nDate: someday soon\r\n\r\nx")
    assert parsed.date is None
    assert any(d.startswith("Date:") for d in parsed.defects)


def test_html_only_message_gets_a_text_rendering_and_keeps_raw_html():
    parsed = load("en_html_only_remote_image.eml")
    assert parsed.content_type == "text/html"
    assert "<script>" in parsed.html  # raw: sanitising is a later step
    assert "My parcel arrived damaged, see the photos." in parsed.text
    assert "Mary & John" in parsed.text
    assert "alert" not in parsed.text


def test_attachment_filenames_are_normalised_and_inline_images_keep_their_content_id():
    parsed = load("en_attachment_rtl_filename.eml")
    by_type = {a.content_type: a for a in parsed.attachments}
    assert by_type["application/octet-stream"].filename == "facturefdp.exe"
    assert by_type["application/octet-stream"].data == b"MZ fake exe"
    assert by_type["application/pdf"].filename == "résumé.pdf"
    assert by_type["application/pdf"].data.startswith(b"%PDF-1.4")
    logo = by_type["image/png"]
    assert (logo.content_id, logo.inline) == ("logo@example.org", True)
    assert parsed.text == "Please find the invoice attached."


def test_rfc2231_continuations_and_rfc2047_filenames_are_decoded():
    raw = (
        b"From: a@example.com\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"
        b"Content-Type: text/plain\r\n\r\nsee files\r\n--x\r\n"
        b"Content-Type: application/pdf\r\nContent-Disposition: attachment;\r\n"
        b" filename*0*=iso-8859-2''%B3%F3d%BF; filename*1=.pdf\r\n\r\nA\r\n--x\r\n"
        b'Content-Type: application/pdf; name="=?utf-8?B?w6l0w6kucGRm?="\r\n\r\nB\r\n--x--\r\n'
    )
    names = [a.filename for a in parse(raw).attachments]
    assert names == ["łódż.pdf", "été.pdf"]


def test_dsn_bounce_yields_a_delivery_report_for_the_original_message():
    parsed = load("dsn_bounce.eml")
    assert parsed.content_type == "multipart/report"
    report = parsed.report
    assert report is not None
    assert report.original_message_id == "<K-1042.7.reply@klient.example.com>"
    assert (report.status, report.action) == ("5.1.1", "failed")
    assert report.recipients == ("nobody@customer.example",)
    assert "User unknown" in report.diagnostic
    assert parsed.attachments == ()  # the returned message lives in the report, not as a file


def test_dsn_with_only_returned_headers_finds_the_original_message_id():
    raw = (
        b"From: MAILER-DAEMON@mx.example.com\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="r"\r\n\r\n'
        b"--r\r\nContent-Type: text/plain\r\n\r\nDelivery failed.\r\n"
        b"--r\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n"
        b"Final-Recipient: rfc822; Gone@Customer.Example\r\nAction: delayed\r\n"
        b"Status: 4.4.1\r\n\r\n"
        b"--r\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <orig@klient>\r\n"
        b"Subject: hi\r\n\r\n--r--\r\n"
    )
    report = parse(raw).report
    assert report is not None
    assert report.original_message_id == "<orig@klient>"
    assert (report.action, report.status, report.recipients) == (
        "delayed",
        "4.4.1",
        ("gone@customer.example",),
    )


def test_ordinary_mail_has_no_report():
    assert load("list_message.eml").report is None


def test_forwarded_message_rfc822_part_becomes_an_eml_attachment():
    parsed = load("fr_iso8859_15_forward.eml")
    (forwarded,) = parsed.attachments
    assert forwarded.content_type == "message/rfc822"
    assert forwarded.filename == "Offre.eml"
    assert b"Message-ID: <offer@shop.example>" in forwarded.data
    assert "Offre spéciale" not in parsed.text


def test_headers_mapping_holds_lower_cased_names_and_decoded_first_values():
    parsed = load("list_message.eml")
    assert parsed.headers["list-id"] == "Shop news <news.shop.example>"
    assert parsed.headers["precedence"] == "bulk"
    assert parsed.headers["content-type"] == "text/plain; charset=us-ascii"
    assert load("ooo_uk_wording.eml").headers["subject"].startswith("Автоматична відповідь")
    with pytest.raises(TypeError):
        parsed.headers["x"] = "y"  # type: ignore[index]


def test_parsed_mail_can_be_copied_pickled_and_turned_into_a_dict():
    parsed = load("dsn_bounce.eml")
    assert pickle.loads(pickle.dumps(parsed)) == parsed
    assert copy.deepcopy(parsed).headers["subject"] == parsed.subject
    assert asdict(parsed)["report"]["status"] == "5.1.1"


def test_bogus_charset_label_falls_back_and_is_recorded():
    parsed = load("bogus_charset.eml")
    assert parsed.subject == "Problème de livraison"
    assert "Le colis est arrivé abîmé" in parsed.text
    assert any("unknown charset 'x-unknown-9'" in d for d in parsed.defects)


def test_utf8_mislabelled_as_latin_1_is_read_as_utf8_and_noted():
    raw = "From: a@example.com\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nGrüße\r\n"
    parsed = parse(raw.encode())
    assert parsed.text.strip() == "Grüße"
    assert any("is UTF-8" in d for d in parsed.defects)


def test_broken_base64_body_keeps_what_was_readable_and_is_recorded():
    parsed = load("broken_base64.eml")
    assert parsed.text.startswith("Bonjour, ma facture est fausse.")
    assert any("invalid base64" in d for d in parsed.defects)


def test_missing_close_boundary_is_tolerated_and_recorded():
    parsed = load("broken_boundary.eml")
    assert "My printer still prints blank pages" in parsed.text
    assert "Zażółć" in parsed.text
    assert any("boundary" in d for d in parsed.defects)


def test_boundary_mismatch_is_rescued_with_the_boundary_the_body_uses():
    parsed = load("boundary_mismatch.eml")
    assert parsed.text.strip() == "Drukarka nie działa."
    assert [(a.filename, a.data) for a in parsed.attachments] == [("log.csv", b"a,b\r\n1,2")]
    assert any("boundary mismatch" in d for d in parsed.defects)


def test_encoded_words_split_inside_a_multibyte_character_are_joined():
    subject = b"=?utf-8?B?w6k=?= =?utf-8?B?w6nD?= =?utf-8?B?qQ==?="
    raw = b"From: a@example.com\r\nSubject: " + subject + b"\r\n\r\nx"
    assert parse(raw).subject == "ééé"


def test_encoded_word_inside_quotes_in_display_name_is_decoded():
    raw = b'From: "=?windows-1251?B?0uDw4PE=?=" <taras@example.ua>\r\n\r\nx'
    assert parse(raw).from_name == "Тарас"


def test_subject_whitespace_is_collapsed():
    raw = b"From: a@example.com\r\nSubject:  Hello\r\n\t  world \r\n\r\nx"
    assert parse(raw).subject == "Hello world"


def test_nul_characters_are_removed_from_text():
    parsed = parse(b"From: a@example.com\r\n\r\nbad\x00byte")
    assert parsed.text == "badbyte"


def test_sender_header_is_used_when_from_is_missing():
    parsed = parse(b"Sender: list@example.com\r\nSubject: x\r\n\r\nbody")
    assert parsed.from_address == "list@example.com"
    assert "From: missing, used Sender" in parsed.defects


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty input"),
        (b"  \r\n\r\n ", "empty input"),
        (b"just some text without headers", "no headers"),
        (b"Subject: hello\r\nTo: a@example.com\r\n\r\nbody", "no From address"),
        (b"From: undisclosed-recipients:;\r\n\r\nbody", "no From address"),
    ],
)
def test_unusable_bytes_raise_mail_parse_error_with_a_reason(raw, reason):
    with pytest.raises(MailParseError, match=reason):
        parse(raw)


def test_non_bytes_input_is_a_parse_error():
    with pytest.raises(MailParseError, match="expected bytes"):
        parse("From: a@example.com\r\n\r\nx")  # type: ignore[arg-type]
