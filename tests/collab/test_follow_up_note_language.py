"""The note a follow-up adds when it reopens a conversation reads in each agent's own
language; it is stored (and searched) in English."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone, translation

from klient.collab.followups import solve_and_check_back, sweep_due_follow_ups
from klient.conversations.actions import update_conversation
from klient.conversations.models import Message
from klient.people.actions import create_agent, set_agent_language

ENGLISH = "Reopened automatically: this conversation was solved with a check back in 3 days"
POLISH = "Otwarto ponownie automatycznie: rozmowę rozwiązano z przypomnieniem za 3 dni"


def page_of(user, conversation) -> str:
    client = Client()
    client.force_login(user)
    return client.get(f"/c/{conversation.reference}/").content.decode()


def test_the_reopening_note_reads_in_each_agents_language(agent_anna, support_team, receive):
    lena, _ = create_agent("lena@shop.example", name="Lena Lead", teams=[support_team])
    set_agent_language(agent_anna, "pl", actor=agent_anna)
    conversation = receive(support_team, "ewa@poczta.pl", "Błąd SIM", "Nadal błąd.").conversation
    conversation = update_conversation(conversation, actor=agent_anna, assignee=agent_anna)
    with translation.override("pl"):  # Anna works in Polish; the worker is no matter
        solve_and_check_back(conversation, actor=agent_anna, days=3)
    assert sweep_due_follow_ups(now=timezone.now() + timedelta(days=3.01)) == 1

    [note] = Message.objects.filter(conversation=conversation, kind=Message.Kind.NOTE)
    assert note.body_text.startswith(ENGLISH)

    anna_page = page_of(agent_anna, conversation)
    lena_page = page_of(lena, conversation)
    assert POLISH in anna_page and ENGLISH not in anna_page
    assert ENGLISH in lena_page and POLISH not in lena_page
