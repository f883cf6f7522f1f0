"""Senders recovered, not refused (issue 13, item 4): a From whose display name is unquoted,
raw 8-bit or full of commas still names its sender by the address in angle brackets, and
the display name is read in the message's charset. An "@" in a display name is never taken
for the address. A value that can never be stored is quarantined at once, saying why."""

from __future__ import annotations

import smtplib
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klient.conversations.models import Message
from klient.mail import actions
from klient.mail.models import InboundMail
from klient.mail.parsing import parse, recognised_headers
from klient.mail.smtp import SmtpListener
from support import smtp_listener


def mail(from_value: bytes, *, charset: str | None = None, message_id: bytes = b"<a@b.example>"):
    content_type = f"Content-Type: text/plain; charset={charset}\r\n" if charset else ""
    return (
        b"From: " + from_value + b"\r\n"
        b"To: support@shop.example\r\n"
        b"Subject: Lieferung\r\n"
        b"Message-ID: " + message_id + b"\r\n"
        b"MIME-Version: 1.0\r\n" + content_type.encode() + b"\r\n"
        b"Guten Tag, wo bleibt meine Lieferung?\r\n"
    )


@pytest.mark.parametrize(
    ("from_value", "charset", "name", "address"),
    [
        # Older Outlook and webmail: "Last, First", unquoted, raw Latin-1.
        (
            b"Kr\xfcger, Stefan <skruger@t-online.example>",
            "iso-8859-1",
            "Krüger, Stefan",
            "skruger@t-online.example",
        ),
        (
            b"Kr\xfcger, Stefan <skruger@t-online.example>",
            None,
            "Krüger, Stefan",
            "skruger@t-online.example",
        ),
        (
            "Krüger, Stefan <SKruger@T-Online.example>".encode(),
            None,
            "Krüger, Stefan",
            "skruger@t-online.example",
        ),
        (
            "Żółć, Łucja <lucja@wp.example>".encode("iso-8859-2"),
            "iso-8859-2",
            "Żółć, Łucja",
            "lucja@wp.example",
        ),
        (
            "Wiśniewska, Ewa <ewa@onet.example>".encode("cp1250"),
            "windows-1250",
            "Wiśniewska, Ewa",
            "ewa@onet.example",
        ),
        (
            "Шевченко, Олена <olena@ukr.example>".encode("koi8-u"),
            "koi8-u",
            "Шевченко, Олена",
            "olena@ukr.example",
        ),
        (
            "Шевченко, Олена <olena@ukr.example>".encode("cp1251"),
            "windows-1251",
            "Шевченко, Олена",
            "olena@ukr.example",
        ),
        (
            "Lefèvre, Amélie <amelie@orange.example>".encode("cp1252"),
            "windows-1252",
            "Lefèvre, Amélie",
            "amelie@orange.example",
        ),
        (
            b'"Kowalska, Anna" <anna@klientka.example>',
            None,
            "Kowalska, Anna",
            "anna@klientka.example",
        ),
        (
            b"=?utf-8?q?M=C3=BCller=2C_Jan?= <jan@gmx.example>",
            None,
            "Müller, Jan",
            "jan@gmx.example",
        ),
    ],
)
def test_the_address_comes_from_the_angle_brackets_and_the_name_from_the_charset(
    from_value, charset, name, address
):
    parsed = parse(mail(from_value, charset=charset))

    assert (parsed.from_name, parsed.from_address) == (name, address)


def test_the_body_charset_of_a_multipart_mail_decodes_a_raw_8bit_name():
    raw = (
        "From: Шевченко, Олена <olena@ukr.example>\r\n"
        "Subject: Замовлення\r\n"
        'Content-Type: multipart/alternative; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain; charset=koi8-u\r\n\r\nДоброго дня\r\n--b--\r\n"
    ).encode("koi8-u")

    parsed = parse(raw)

    assert (parsed.from_name, parsed.subject) == ("Шевченко, Олена", "Замовлення")


@pytest.mark.parametrize(
    "from_value",
    [
        b"ceo@bank.example <mallory@evil.example>",
        b"support@shop.example, Kowalski <mallory@evil.example>",
        b'"anna@klientka.example" <mallory@evil.example>',
        b"Anna <anna@klientka.example> <mallory@evil.example>",
    ],
)
def test_an_address_in_the_display_name_is_never_the_sender(from_value):
    assert parse(mail(from_value)).from_address == "mallory@evil.example"


def test_a_bare_address_is_still_the_sender():
    assert parse(mail(b"ola@klientka.example")).from_address == "ola@klientka.example"


ATEXT = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-"
atoms = st.text(alphabet=ATEXT, min_size=1, max_size=10)
labels = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10)
addr_specs = st.builds(
    lambda local, domain: f"{'.'.join(local)}@{'.'.join(domain)}",
    st.lists(atoms, min_size=1, max_size=3),
    st.lists(labels, min_size=1, max_size=3),
)
# Any bytes a client may put in a display name but a line break (which would end the header).
name_bytes = st.binary(max_size=60).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b""))


@settings(max_examples=500, deadline=None)
@given(
    name=name_bytes,
    addr_spec=addr_specs,
    charset=st.sampled_from(
        [None, "utf-8", "iso-8859-1", "iso-8859-2", "koi8-u", "windows-1251", "x-unknown"]
    ),
)
def test_for_any_display_name_bytes_the_address_is_the_bracketed_addr_spec(
    name, addr_spec, charset
):
    parsed = parse(mail(name + b" <" + addr_spec.encode() + b">", charset=charset))

    assert parsed.from_address == addr_spec.lower()


@settings(max_examples=200, deadline=None)
@given(raw=st.binary(max_size=300))
def test_recognised_headers_never_fail(raw):
    recognised_headers(raw)


# -- end to end, over SMTP ---------------------------------------------------------------------


@pytest.fixture
def listener(support_team) -> Iterator[SmtpListener]:
    with smtp_listener() as server:
        yield server


def send(listener: SmtpListener, raw: bytes) -> int:
    with smtplib.SMTP(listener.host, listener.port, timeout=10) as client:
        client.ehlo()
        client.mail("bounce@t-online.example")
        client.rcpt("support@shop.example")
        code, answer = client.data(raw)
    assert code == 250, answer
    return int(answer.decode().rsplit(" ", 1)[1])


@pytest.mark.django_db(transaction=True)
def test_krugers_last_first_mail_becomes_a_conversation_under_his_name(listener):
    raw = mail(
        b"Kr\xfcger, Stefan <skruger@t-online.example>",
        charset="iso-8859-1",
        message_id=b"<krueger-1@t-online.example>",
    )

    inbound_id = send(listener, raw)

    assert actions.process_inbound(inbound_id) == "stored"
    message = Message.objects.select_related("conversation__customer").get(
        message_id="<krueger-1@t-online.example>"
    )
    assert (message.from_address, message.from_name) == (
        "skruger@t-online.example",
        "Krüger, Stefan",
    )
    assert message.conversation.customer.name == "Krüger, Stefan"


@pytest.mark.django_db(transaction=True)
def test_a_900_character_from_address_is_quarantined_at_once_saying_why(listener):
    long_address = "k" * 888 + "@t-online.example"
    inbound_id = send(listener, mail(b"Stefan <" + long_address.encode() + b">"))

    assert actions.process_inbound(inbound_id) == "quarantined"
    inbound = InboundMail.objects.get(pk=inbound_id)
    assert inbound.state == InboundMail.State.QUARANTINED
    assert inbound.attempts == 1
    assert inbound.reason == ("the From address is 905 characters long; at most 320 can be stored")
    assert not Message.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_over_long_message_id_is_ignored_and_the_mail_kept(listener):
    long_id = b"<" + b"m" * 950 + b"@t-online.example>"
    inbound_id = send(listener, mail(b"Stefan <skruger@t-online.example>", message_id=long_id))

    assert actions.process_inbound(inbound_id) == "stored"
    [message] = Message.objects.all()
    assert message.message_id.endswith("@sha256.klient>")  # known by its bytes' hash
