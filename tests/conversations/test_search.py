"""Full-text search over subjects and messages in every language the desk speaks:
PostgreSQL full-text search (stemming for English, French, German; `simple` for Polish and
Ukrainian) or SQLite FTS5 (case and diacritics folded, words matched as prefixes). The
index is written in the same transaction as the messages, by every path that writes one."""

import pytest
from django.db import connection
from django.utils import timezone

from klient.conversations import queries, search
from klient.conversations.actions import add_note, receive_messages, reply, update_conversation
from klient.conversations.incoming import IncomingMessage
from klient.conversations.models import Conversation
from klient.conversations.queries import InboxQuery, decode_cursor, inbox

pytestmark = pytest.mark.django_db


def decode(page):
    return decode_cursor(page.next_cursor)


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


def test_rebuilding_the_index_finds_the_same(admin_zofia, agent_anna, letters):
    add_note(letters["de"], actor=agent_anna, body="Kundennummer 4471")

    assert search.rebuild_index() == 5
    assert found(admin_zofia, "Rechnung") == [letters["de"].reference]
    assert found(admin_zofia, "Rechnung Kundennummer") == [letters["de"].reference]


def test_the_api_q_filter_uses_full_text_search(client, agent_anna, letters):
    response = client.get(
        "/api/v1/conversations?q=Rechnung",
        headers={"Authorization": f"Bearer {agent_anna.api_token}"},
    )

    assert [item["ref"] for item in response.json()["items"]] == [letters["de"].reference]


# --- one document per conversation ------------------------------------------------------


def test_the_words_may_come_from_different_messages_of_a_conversation(
    admin_zofia, agent_anna, letters
):
    add_note(letters["pl"], actor=agent_anna, body="Wystawiona korekta do zamówienia.")

    assert found(admin_zofia, "faktura korekta") == [letters["pl"].reference]
    # An excluded word anywhere in the conversation excludes the conversation.
    assert found(admin_zofia, "faktura -korekta") == []


def test_a_transferred_conversation_is_found_by_its_new_team(
    agent_anna, agent_bruno, billing_team, letters
):
    update_conversation(letters["de"], actor=agent_anna, team=billing_team)

    assert found(agent_bruno, "Rechnung") == [letters["de"].reference]
    assert found(agent_anna, "Rechnung") == []


def test_the_index_follows_the_team_whatever_code_changes_it(
    agent_anna, agent_bruno, billing_team, letters
):
    """A bulk UPDATE bypasses every action: the index still follows (the trigger)."""
    Conversation.objects.filter(pk=letters["de"].pk).update(team=billing_team)

    assert found(agent_bruno, "Rechnung") == [letters["de"].reference]
    assert found(agent_anna, "Rechnung") == []


def test_an_agent_finds_what_is_assigned_to_them_in_another_team(agent_bruno, admin_zofia, letters):
    update_conversation(letters["fr"], actor=admin_zofia, assignee=agent_bruno)

    assert found(agent_bruno, "facture") == [letters["fr"].reference]
    assert found(agent_bruno, "Rechnung") == []


# (window, few matches): the view's next conversations checked one by one; the index's
# list of matches in the scope; and the subquery the inbox checks in order.
PLANS = [(1000, 5000), (1, 5000), (1, 1)]


@pytest.mark.parametrize(("window", "few_matches"), PLANS)
def test_every_plan_finds_the_same_pages(
    monkeypatch, agent_anna, support_team, billing_team, receive, window, few_matches
):
    monkeypatch.setattr(queries, "SEARCH_WINDOW", window)
    monkeypatch.setattr(queries, "FEW_MATCHES", few_matches)
    mine = [
        receive(support_team, f"k{i}@firma.pl", "Faktura", f"faktura numer{i}").conversation
        for i in range(4)
    ]
    receive(billing_team, "obcy@firma.pl", "Faktura", "faktura obca")

    first = inbox(agent_anna, InboxQuery(text="faktura", limit=3))
    rest = inbox(agent_anna, InboxQuery(text="faktura", limit=3, after=decode(first)))
    assert [c.reference for c in first.items] == [c.reference for c in reversed(mine)][:3]
    assert [c.reference for c in rest.items] == [mine[0].reference]
    assert rest.next_cursor is None
    assert found(agent_anna, "obca") == []
    assert found(agent_anna, "numer2") == [mine[2].reference]


@pytest.mark.parametrize(("window", "few_matches"), PLANS)
def test_a_reference_finds_its_conversation_whatever_the_plan(
    monkeypatch, agent_anna, letters, window, few_matches
):
    monkeypatch.setattr(queries, "SEARCH_WINDOW", window)
    monkeypatch.setattr(queries, "FEW_MATCHES", few_matches)

    assert found(agent_anna, letters["uk"].reference) == [letters["uk"].reference]


def test_a_huge_message_is_stored_and_its_beginning_found(admin_zofia, receive, letters):
    """A pasted log: more distinct words than a tsvector may hold (1 MB)."""
    log = "kalafior " + " ".join(f"x{i:07d}" for i in range(150_000))

    message = receive(letters["en"].team, "tom@example.com", "Log", log, conversation=letters["en"])

    assert message.conversation_id == letters["en"].pk
    assert found(admin_zofia, "kalafior") == [letters["en"].reference]


def test_a_conversation_past_the_documents_size_limit_keeps_storing_messages(
    admin_zofia, agent_anna, letters
):
    """Each note adds ~12,000 distinct words: the document reaches PostgreSQL's 1 MB cap
    for a tsvector after a few; the later notes are stored all the same."""
    for n in range(9):
        add_note(
            letters["en"],
            actor=agent_anna,
            body=" ".join(f"n{n}w{i:06d}" for i in range(11_000)),
        )

    assert letters["en"].messages.filter(kind="note").count() == 9
    assert found(admin_zofia, "n0w000001") == [letters["en"].reference]
    assert found(admin_zofia, "parcel") == [letters["en"].reference]
