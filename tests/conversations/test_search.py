"""Full-text search over subjects and messages in every language the desk speaks:
PostgreSQL full-text search (stemming for English, French, German; `simple` for Polish and
Ukrainian) or SQLite FTS5 (case and diacritics folded, words matched as prefixes). The
index is written in the same transaction as the messages, by every path that writes one."""

import pytest
from django.db import connection
from django.utils import timezone

from klient.conversations import search
from klient.conversations.actions import add_note, receive_messages, reply
from klient.conversations.incoming import IncomingMessage
from klient.conversations.queries import InboxQuery, inbox

pytestmark = pytest.mark.django_db


def found(user, text) -> list[str]:
    return [c.reference for c in inbox(user, InboxQuery(text=text)).items]


@pytest.fixture
def letters(support_team, receive):
    """One customer letter per language, about an invoice."""
    return {
        "pl": receive(
            support_team,
            "ola@firma.pl",
            "Pytanie",
            "Proszę o fakturę. Faktura nie dotarła.",
            language="pl",
        ).conversation,
        "de": receive(
            support_team,
            "eva@kunde.de",
            "Frage",
            "Ich habe zwei Rechnungen bekommen.",
            language="de",
        ).conversation,
        "uk": receive(
            support_team,
            "oksana@example.ua",
            "Питання",
            "Де мій РАХУНОК за березень?",
            language="uk",
        ).conversation,
        "fr": receive(
            support_team,
            "luc@client.fr",
            "Question",
            "Je n'ai pas reçu les factures.",
            language="fr",
        ).conversation,
        "en": receive(
            support_team,
            "tom@example.com",
            "Delivery",
            "The parcels arrived broken.",
            language="en",
        ).conversation,
    }


@pytest.mark.parametrize(
    ("words", "language"),
    [
        ("faktura", "pl"),
        ("FAKTURA", "pl"),
        ("Rechnung", "de"),
        ("rechnungen", "de"),
        ("рахунок", "uk"),
        ("Рахунок", "uk"),
        ("facture", "fr"),
        ("factures", "fr"),
        ("parcel", "en"),
    ],
)
def test_search_finds_the_invoice_in_every_language(admin_zofia, letters, words, language):
    assert found(admin_zofia, words) == [letters[language].reference]


def test_all_words_must_occur(admin_zofia, letters):
    assert found(admin_zofia, "faktura dotarła") == [letters["pl"].reference]
    assert found(admin_zofia, "faktura Rechnung") == []


def test_subjects_are_searched_too(admin_zofia, letters):
    assert found(admin_zofia, "Питання") == [letters["uk"].reference]


def test_a_quoted_phrase_and_an_excluded_word(admin_zofia, letters):
    assert found(admin_zofia, '"nie dotarła"') == [letters["pl"].reference]
    assert found(admin_zofia, "faktura -dotarła") == []


@pytest.mark.skipif(connection.vendor != "sqlite", reason="FTS5 folds diacritics; PG keeps them")
def test_diacritics_do_not_matter_in_embedded_mode(admin_zofia, letters):
    assert found(admin_zofia, "prosze") == [letters["pl"].reference]
    assert found(admin_zofia, "recu") == [letters["fr"].reference]


def test_replies_and_notes_are_indexed_when_written(admin_zofia, agent_anna, letters):
    reply(letters["en"], actor=agent_anna, body="We send a replacement courier tomorrow.")
    add_note(letters["de"], actor=agent_anna, body="Duplikat prüfen, Kundennummer 4471.")

    assert found(admin_zofia, "courier") == [letters["en"].reference]
    assert found(admin_zofia, "Kundennummer") == [letters["de"].reference]


def test_a_batch_of_received_messages_is_indexed_in_bulk(admin_zofia, support_team):
    now = timezone.now()
    batch = [
        (
            IncomingMessage(
                team_id=support_team.pk,
                from_address=f"c{i}@example.com",
                from_name="",
                subject=f"Zamówienie {i}",
                body_text=f"Reklamacja numer{i} kalafior",
                new_text=f"Reklamacja numer{i} kalafior",
                received_at=now,
                message_id=f"<batch-{i}@example.com>",
                language="pl",
            ),
            None,
        )
        for i in range(20)
    ]

    results = receive_messages(batch)

    assert len(found(admin_zofia, "kalafior")) == 20
    assert found(admin_zofia, "numer7") == [results[7][0].conversation.reference]


def test_typed_syntax_never_breaks_the_query(admin_zofia, letters):
    for text in ['"', "faktura OR", "NEAR(a b)", "col:faktura", "*", "-", "a' OR 1=1 --", "()"]:
        found(admin_zofia, text)  # no error


def test_search_stays_inside_the_agents_scope(agent_bruno, letters):
    assert found(agent_bruno, "faktura") == []


def test_rebuilding_the_index_finds_the_same(admin_zofia, letters):
    assert search.rebuild_index() == 5
    assert found(admin_zofia, "Rechnung") == [letters["de"].reference]


def test_the_api_q_filter_uses_full_text_search(client, agent_anna, letters):
    response = client.get(
        "/api/v1/conversations?q=Rechnung",
        headers={"Authorization": f"Bearer {agent_anna.api_token}"},
    )

    assert [item["ref"] for item in response.json()["items"]] == [letters["de"].reference]
