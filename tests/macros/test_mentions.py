"""Story: an agent mentions colleagues in an internal note; those who can see the
conversation are notified (in the app and by email), the others are not, and the note's
author is told so."""

from __future__ import annotations

import pytest

from klient.conversations.actions import add_note
from klient.conversations.mentions import mentioned_agents, parse_mentions
from klient.core.worker import drain
from klient.notifications.models import Notification
from klient.people.actions import create_agent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def relay(smtp_sink):
    """Notification copies go to a relay of this test's own, never to whatever happens
    to listen on the default relay port."""
    return smtp_sink


@pytest.fixture
def lukasz(support_team):
    user, _ = create_agent(
        "l.zielinski@shop.example", name="Łukasz Zieliński", teams=[support_team]
    )
    return user


@pytest.fixture
def conversation(support_team, receive):
    return receive(
        support_team, "k.wisniewska@poczta.example", "Faktura", "Proszę o fakturę z NIP."
    ).conversation


def notified(kind="mention"):
    return sorted(n.recipient.email for n in Notification.objects.filter(kind=kind))


def test_the_syntax_accepts_handles_addresses_quoted_names_and_unicode():
    text = 'Hi @Anna, @bruno@shop.example and @"Łukasz  Zieliński"; cc @Олена. Mail tom@example.com'
    assert parse_mentions(text) == [
        ("handle", "anna"),
        ("email", "bruno@shop.example"),
        ("name", "łukasz zieliński"),
        ("handle", "олена"),
    ]


def test_mentions_resolve_case_insensitively_to_agents(agent_anna, agent_bruno, lukasz):
    assert mentioned_agents("@ANNA @Łukasz") == [agent_anna, lukasz]
    assert mentioned_agents('@"anna nowak" and @Bruno@Shop.example') == [agent_anna, agent_bruno]
    assert mentioned_agents("@l.zielinski") == [lukasz]
    assert mentioned_agents("@nobody and anna@shop.example") == []


def test_only_mentioned_agents_who_can_see_the_conversation_are_notified(
    conversation, agent_anna, agent_bruno, admin_zofia, lukasz, relay
):
    add_note(conversation, actor=agent_anna, body="@Łukasz @bruno @zofia please look at the NIP")
    drain()

    assert notified() == ["l.zielinski@shop.example", "zofia@shop.example"]
    note = Notification.objects.filter(recipient=lukasz).get()
    assert conversation.reference in note.text and "Anna Nowak" in note.text
    assert note.url.endswith(f"#m-{conversation.messages.last().pk}")
    assert note.email_state == Notification.EmailState.SENT
    emailed = sorted(to for _, recipients, _ in relay.messages for to in recipients)
    assert emailed == ["l.zielinski@shop.example", "zofia@shop.example"]


def test_the_author_is_never_notified_of_their_own_mention(conversation, agent_anna):
    add_note(conversation, actor=agent_anna, body="Note to self, @anna: call back")
    drain()
    assert notified() == []


def test_notifying_twice_for_the_same_note_creates_nothing_new(conversation, agent_anna, lukasz):
    from klient.core.models import Event
    from klient.macros.mentions import notify_mentions_for_events

    add_note(conversation, actor=agent_anna, body="@Łukasz see above")
    drain()
    event = Event.objects.get(kind="note.mentioned")
    notify_mentions_for_events([event.pk])
    assert notified() == ["l.zielinski@shop.example"]


def test_the_author_is_told_who_was_not_notified(conversation, agent_anna, agent_bruno):
    from django.test import Client

    add_note(conversation, actor=agent_anna, body="@bruno can you check the invoice?")
    drain()
    client = Client()
    client.force_login(agent_anna)
    page = client.get(f"/c/{conversation.reference}/").content.decode()
    assert "Bruno Martin cannot see this conversation" in page
    assert notified() == []


def test_the_mentioned_read_it_and_its_email_in_their_own_language(
    conversation, agent_anna, admin_zofia, lukasz, relay
):
    """Łukasz chose Polish, Zofia English; Anna wrote the note with her UI in French."""
    from django.utils import translation

    from klient.people.actions import set_agent_language

    set_agent_language(lukasz, "pl", actor=None)
    set_agent_language(admin_zofia, "en", actor=None)
    with translation.override("fr"):
        add_note(conversation, actor=agent_anna, body="@Łukasz @zofia NIP?")
    drain()

    # (Whitespace normalised: decoding a folded, encoded subject may double a space.)
    subjects = {email["To"]: " ".join(email["Subject"].split()) for email in relay.wait_for(2)}
    ref = conversation.reference
    assert subjects == {
        "Łukasz Zieliński <l.zielinski@shop.example>": (
            f"[Klient] Anna Nowak wspomina o Tobie w notatce do {ref} „Faktura”"
        ),
        "Zofia Admin <zofia@shop.example>": (
            f"[Klient] Anna Nowak mentioned you in a note on {ref} “Faktura”"
        ),
    }
