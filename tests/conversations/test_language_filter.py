"""The inbox's language filter: the same conversations whether they are few in the agent's
teams (listed from the index) or many (the ordered walk)."""

from __future__ import annotations

import pytest

from klient.conversations import queries
from klient.conversations.actions import update_conversation
from klient.conversations.queries import InboxQuery, inbox

pytestmark = pytest.mark.django_db


def refs(user, language):
    return [c.reference for c in inbox(user, InboxQuery(language=language)).items]


@pytest.mark.parametrize("few", [5000, 1])
def test_a_language_rare_in_my_teams_finds_mine_and_what_is_assigned_to_me(
    monkeypatch, agent_anna, admin_zofia, support_team, billing_team, receive, few
):
    monkeypatch.setattr(queries, "FEW_IN_LANGUAGE", few)
    polish = [
        receive(support_team, f"k{i}@firma.pl", "Faktura", "Proszę o fakturę.", language="pl")
        for i in range(3)
    ]
    german_here = receive(support_team, "eva@kunde.de", "Frage", "Rechnung?", language="de")
    german_there = receive(billing_team, "jan@kunde.de", "Frage", "Mahnung?", language="de")
    german_mine = receive(billing_team, "ute@kunde.de", "Frage", "Gutschrift?", language="DE")
    update_conversation(german_mine.conversation, actor=admin_zofia, assignee=agent_anna)

    assert refs(agent_anna, "de") == [
        german_mine.conversation.reference,
        german_here.conversation.reference,
    ]
    assert refs(agent_anna, "pl") == [m.conversation.reference for m in reversed(polish)]
    assert german_there.conversation.reference in refs(admin_zofia, "de")
    assert refs(agent_anna, "uk") == []
