"""Issue 14, item 7: moving a conversation to a colleague needs a handover note, on every path
an agent has. On the conversation page the assignee field asks for the note; in the inbox a
bulk "assign" leaves alone what a colleague holds and says why; taking a case yourself or
assigning one nobody has is triage, not a handover."""

from __future__ import annotations

import pytest
from django.urls import reverse

from klient.conversations.actions import update_conversation
from klient.conversations.models import Message
from klient.core.models import Event


@pytest.fixture
def annas_case(support_team, agent_anna, agent_bruno, admin_zofia, receive):
    support_team.members.add(agent_bruno)
    conversation = receive(support_team, "ola@example.pl", "Faktura", "Dzień dobry").conversation
    update_conversation(conversation, actor=None, assignee=agent_anna)
    return conversation


def update(client, conversation, **fields):
    return client.post(
        reverse("workspace:update", args=[conversation.reference]),
        {"status": conversation.status, "priority": conversation.priority, **fields},
    )


def test_the_page_refuses_a_move_without_a_note_and_pins_the_note_given(
    zofia_client, annas_case, agent_anna, agent_bruno
):
    refused = update(zofia_client, annas_case, assignee=agent_bruno.pk)

    assert refused.status_code == 400
    assert "handover note" in refused.content.decode()
    annas_case.refresh_from_db()
    assert annas_case.assignee == agent_anna

    moved = update(
        zofia_client, annas_case, assignee=agent_bruno.pk, note="Ola czeka na korektę faktury."
    )

    assert moved.status_code == 302
    annas_case.refresh_from_db()
    assert annas_case.assignee == agent_bruno
    assert Event.objects.filter(kind="conversation.transferred").count() == 1
    assert Message.objects.filter(
        conversation=annas_case, kind="note", body_text="Ola czeka na korektę faktury."
    ).exists()


def test_taking_a_case_yourself_needs_no_note(bruno_client, annas_case, agent_bruno):
    assert update(bruno_client, annas_case, assignee=agent_bruno.pk).status_code == 302
    annas_case.refresh_from_db()
    assert annas_case.assignee == agent_bruno
    assert not Event.objects.filter(kind="conversation.transferred").exists()


def test_bulk_assign_leaves_a_colleagues_case_and_says_so(
    zofia_client, annas_case, agent_anna, agent_bruno, support_team, receive
):
    nobodys = receive(support_team, "jan@example.pl", "Pytanie", "Dzień dobry").conversation

    response = zofia_client.post(
        reverse("workspace:bulk"),
        {
            "ids": [annas_case.reference, nobodys.reference],
            "do": "assign",
            "assignee": agent_bruno.pk,
        },
        follow=True,
    )

    annas_case.refresh_from_db()
    nobodys.refresh_from_db()
    assert annas_case.assignee == agent_anna
    assert nobodys.assignee == agent_bruno
    assert f"{annas_case.reference} is with a colleague" in response.content.decode()
