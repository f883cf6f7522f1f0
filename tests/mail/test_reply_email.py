"""An agent's reply reaches the customer (at a real SMTP sink) as an email they are glad to
receive: plain text and sanitised HTML alternatives, from "Agent name — Team name" at the
team's address with the name correctly encoded, the agent's signature (else the team's),
the customer's previous message quoted below with an attribution in the conversation's
language and the customer's time zone, and a link to the conversation in the portal."""

import base64
from datetime import UTC, datetime
from email.header import decode_header, make_header

import pytest

from klient.conversations.actions import reply
from klient.mail.sending import send_delivery
from klient.people.actions import create_agent, find_or_create_customer_by_email
from klient.people.models import AgentProfile

pytestmark = pytest.mark.django_db

ASKED_AT = datetime(2025, 3, 12, 12, 30, tzinfo=UTC)  # 13:30 in Warsaw


def plain(email) -> str:
    return email.get_body(("plain",)).get_content().replace("\r\n", "\n")


def html(email) -> str:
    return email.get_body(("html",)).get_content()


def raw_header(raw: bytes, name: str) -> str:
    """A header as it travelled (unfolded), before any parser decoded it."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii")
    for field in head.replace("\r\n ", " ").split("\r\n"):
        if field.lower().startswith(name.lower() + ":"):
            return field.split(":", 1)[1].strip()
    raise KeyError(name)


def sent(smtp_sink, conversation, agent, body):
    answer = reply(conversation, actor=agent, body=body)
    assert send_delivery(answer.delivery.pk) == "sent"
    [email] = smtp_sink.wait_for(1)
    return email, smtp_sink.messages[0][2]


@pytest.fixture
def anna_kowalska(support_team):
    user, _token = create_agent(
        "anna.kowalska@shop.example", name="Anna Kowalska", teams=[support_team]
    )
    return user


@pytest.fixture
def ola_asked(support_team, receive):
    """Ola, in Warsaw, wrote to Support in Polish on 12 March 2025 at 13:30 her time."""
    customer = find_or_create_customer_by_email("ola@example.pl", "Ola Nowak")
    customer.time_zone = "Europe/Warsaw"
    customer.save(update_fields=["time_zone"])
    return receive(
        support_team,
        "ola@example.pl",
        "Faktura",
        "Dzień dobry,\nproszę o fakturę.\n\nOla",
        from_name="Ola Nowak",
        language="pl",
        received_at=ASKED_AT,
    ).conversation


def test_a_reply_has_a_plain_text_and_a_sanitised_html_alternative(
    smtp_sink, ola_asked, anna_kowalska
):
    email, _raw = sent(
        smtp_sink,
        ola_asked,
        anna_kowalska,
        "Faktura: https://shop.example/f/77?a=1&b=2\n<script>alert(1)</script> <b onclick=x>",
    )

    assert email.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in email.iter_parts()] == ["text/plain", "text/html"]
    assert "<script>alert(1)</script> <b onclick=x>" in plain(email)
    body = html(email)
    assert "<script" not in body and "onclick" not in body.replace("onclick=x&gt;", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert '<a href="https://shop.example/f/77?a=1&amp;b=2"' in body


def test_the_customers_html_quoted_in_the_reply_cannot_become_markup(
    smtp_sink, support_team, receive, anna_kowalska
):
    conversation = receive(
        support_team, "eve@example.com", "x", '<img src=x onerror="alert(1)"> hello'
    ).conversation

    email, _raw = sent(smtp_sink, conversation, anna_kowalska, "Hello Eve")

    assert "<img" not in html(email)
    assert "&lt;img src=x onerror=" in html(email)


def test_the_reply_is_from_agent_and_team_at_the_teams_address_encoded_for_the_wire(
    smtp_sink, ola_asked, anna_kowalska
):
    email, raw = sent(smtp_sink, ola_asked, anna_kowalska, "Dzień dobry")

    [sender] = email["From"].addresses
    assert sender.display_name == "Anna Kowalska — Support"
    assert sender.addr_spec == "support@shop.example"
    assert email["Reply-To"].addresses[0].display_name == "Anna Kowalska — Support"
    on_the_wire = raw_header(raw, "From")
    assert on_the_wire.isascii() and "=?utf-8?b?" in on_the_wire
    assert str(make_header(decode_header(on_the_wire.rsplit(" <", 1)[0]))) == (
        "Anna Kowalska — Support"
    )


@pytest.mark.parametrize(
    ("agent", "team"),
    [
        ("Łucja Żółć-Wiśniewska", "Wsparcie techniczne"),
        ("Олена Шевченко", "Підтримка"),
        ("Олександр Костянтинович Шевченко-Ковальчук", "Служба підтримки клієнтів"),
    ],
)
def test_polish_and_ukrainian_names_are_read_back_as_written_and_never_cut_inside_a_word(
    smtp_sink, receive, agent, team
):
    from klient.people.actions import create_team

    desk = create_team(team, address="desk@shop.example")
    person, _token = create_agent("agent@shop.example", name=agent, teams=[desk])
    conversation = receive(desk, "ola@example.pl", "Pytanie", "Dzień dobry").conversation

    _email, raw = sent(smtp_sink, conversation, person, "Dzień dobry")

    phrase = raw_header(raw, "From").rsplit(" <", 1)[0]
    assert phrase.isascii()
    assert all(len(word) <= 75 for word in phrase.split())
    # What an RFC 2047 decoder shows: the name exactly.
    assert str(make_header(decode_header(phrase))) == f"{agent} — {team}"
    # Each encoded word but the last ends with a space: no word is split between two, so
    # a decoder that keeps the space between encoded words still shows whole words.
    encoded = [w for w in phrase.split() if w.startswith("=?utf-8?b?")]
    decoded = [base64.b64decode(w[len("=?utf-8?b?") : -2]).decode() for w in encoded]
    assert all(piece.endswith(" ") for piece in decoded[:-1])


def test_the_agents_signature_comes_below_the_reply_before_the_teams(
    smtp_sink, support_team, ola_asked, anna_kowalska
):
    support_team.signature = "Zespół Wsparcia\nSklep"
    support_team.save(update_fields=["signature"])
    AgentProfile.objects.filter(user=anna_kowalska).update(
        signature="Anna Kowalska\nSpecjalistka ds. faktur"
    )

    email, _raw = sent(smtp_sink, ola_asked, anna_kowalska, "Faktura w załączniku.")

    text = plain(email)
    assert text.startswith("Faktura w załączniku.\n\n-- \nAnna Kowalska\nSpecjalistka ds. faktur\n")
    assert "Zespół Wsparcia" not in text
    assert "Specjalistka ds. faktur" in html(email)
    assert "Zespół Wsparcia" not in html(email)


def test_without_a_signature_of_their_own_the_agent_signs_with_the_teams(
    smtp_sink, support_team, ola_asked, anna_kowalska
):
    support_team.signature = "Zespół Wsparcia"
    support_team.save(update_fields=["signature"])

    email, _raw = sent(smtp_sink, ola_asked, anna_kowalska, "Faktura w załączniku.")

    assert plain(email).startswith("Faktura w załączniku.\n\n-- \nZespół Wsparcia\n")
    assert "Zespół Wsparcia" in html(email)


ATTRIBUTIONS = {
    "en": "On March 12, 2025 at 1:30 p.m., Ola Nowak wrote:",
    "fr": "Le 12 mars 2025 à 13:30, Ola Nowak a écrit :",
    "pl": "W dniu 12 marca 2025 o 13:30 Ola Nowak napisał(a):",
    "de": "Am 12. März 2025 um 13:30 schrieb Ola Nowak:",
    "uk": "12 березня 2025 р. о 13:30 Ola Nowak написав(ла):",
}


@pytest.mark.parametrize("language", sorted(ATTRIBUTIONS))
def test_the_customers_previous_message_is_quoted_below_in_the_conversations_language(
    smtp_sink, ola_asked, anna_kowalska, language
):
    ola_asked.language = language
    ola_asked.save(update_fields=["language"])

    email, _raw = sent(smtp_sink, ola_asked, anna_kowalska, "Proszę bardzo.")

    text = plain(email)
    quote = f"{ATTRIBUTIONS[language]}\n> Dzień dobry,\n> proszę o fakturę.\n>\n> Ola\n"
    assert text.endswith(quote)
    assert text.index("Proszę bardzo.") < text.index(ATTRIBUTIONS[language])
    body = html(email)
    assert ATTRIBUTIONS[language].replace("'", "&#x27;") in body
    blockquote = body[body.index("<blockquote") : body.index("</blockquote>")]
    assert "proszę o fakturę." in blockquote


def test_only_the_customers_latest_own_message_is_quoted(
    smtp_sink, support_team, receive, ola_asked, anna_kowalska
):
    receive(
        support_team,
        "ola@example.pl",
        "Re: Faktura",
        "Jeszcze NIP: 5260250995",
        conversation=ola_asked,
        from_name="Ola Nowak",
    )

    email, _raw = sent(smtp_sink, ola_asked, anna_kowalska, "Dziękuję.")

    assert "> Jeszcze NIP: 5260250995" in plain(email)
    assert "proszę o fakturę" not in plain(email)


def test_the_reply_links_to_the_conversation_in_the_portal(
    smtp_sink, settings, ola_asked, anna_kowalska
):
    settings.KLIENT_BASE_URL = "https://pomoc.shop.example/"

    email, _raw = sent(smtp_sink, ola_asked, anna_kowalska, "Proszę bardzo.")

    url = f"https://pomoc.shop.example/portal/c/{ola_asked.reference}/"
    assert f"Zgłoszenie można śledzić online:\n{url}\n" in plain(email)
    assert f'<a href="{url}"' in html(email)
