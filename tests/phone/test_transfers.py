"""Transfers with context: a conversation moves to another agent or team only with a
handover note (POST /api/v1/conversations/{ref}/transfer, or the form on its page); the
note is pinned above the history for the receiver; every transfer is a
conversation.transferred event, and the reports count them per conversation."""

from __future__ import annotations

import pytest

from klient.conversations.models import Conversation, Message
from klient.conversations.transfers import transfer
from klient.core.models import Event

NOTE = "Luc's power cut: the engineer came on Monday, the meter still trips. Wants a refund."


@pytest.fixture
def support_colleague(support_team):
    from klient.people.actions import create_agent

    user, token = create_agent(
        "piotr@shop.example", name="Piotr Nowak", teams=[support_team], password="pw-piotr-123"
    )
    user.api_token = token
    return user


def _transfer(call, user, conversation, body):
    return call(user, "post", f"/api/v1/conversations/{conversation.reference}/transfer", body)


def test_anna_hands_a_conversation_to_a_colleague_with_a_note(
    call, agent_anna, support_colleague, luc_power_cut
):
    response = _transfer(
        call, agent_anna, luc_power_cut, {"agent": support_colleague.pk, "note": f"  {NOTE} "}
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["assignee"]["email"] == "piotr@shop.example"
    assert body["team"] == "Support"
    note = Message.objects.get(pk=body["note"])
    assert (note.kind, note.body_text, note.author) == ("note", NOTE, agent_anna)
    event = Event.objects.get(kind="conversation.transferred")
    assert event.data == {
        "note": note.pk,
        "from_agent": None,
        "from_team": luc_power_cut.team_id,
        "to_agent": support_colleague.pk,
        "to_team": luc_power_cut.team_id,
    }
    assert Event.objects.filter(conversation=luc_power_cut, kind="assignee.changed").count() == 1


def test_an_empty_handover_note_is_refused_and_nothing_moves(
    call, agent_anna, support_colleague, luc_power_cut
):
    before = (Message.objects.count(), Event.objects.count())

    response = _transfer(
        call, agent_anna, luc_power_cut, {"agent": support_colleague.pk, "note": "  \n "}
    )

    assert response.status_code == 422
    assert "handover note" in response.json()["detail"]
    assert Conversation.objects.get(pk=luc_power_cut.pk).assignee is None
    assert (Message.objects.count(), Event.objects.count()) == before


def test_a_transfer_to_another_team_leaves_it_unassigned_there(
    call, agent_anna, billing_team, luc_power_cut
):
    response = _transfer(call, agent_anna, luc_power_cut, {"team": "Billing", "note": NOTE})

    assert response.status_code == 200
    moved = Conversation.objects.get(pk=luc_power_cut.pk)
    assert (moved.team, moved.assignee) == (billing_team, None)


def test_a_transfer_to_an_agent_outside_the_team_or_to_no_one_is_refused(
    call, agent_anna, agent_bruno, luc_power_cut
):
    outside = _transfer(call, agent_anna, luc_power_cut, {"agent": agent_bruno.pk, "note": NOTE})
    nobody = _transfer(call, agent_anna, luc_power_cut, {"note": NOTE})

    assert outside.status_code == 422 and "not in the team" in outside.json()["detail"]
    assert nobody.status_code == 422
    assert not Event.objects.filter(kind="conversation.transferred").exists()


def test_an_agent_who_cannot_see_the_conversation_gets_404(call, agent_bruno, luc_power_cut):
    assert (
        _transfer(call, agent_bruno, luc_power_cut, {"team": "Billing", "note": NOTE}).status_code
        == 404
    )


def test_the_receiver_sees_the_note_pinned_above_the_history(
    client, agent_anna, support_colleague, luc_power_cut
):
    transfer(luc_power_cut, actor=agent_anna, note=NOTE, agent=support_colleague)
    client.force_login(support_colleague)

    page = client.get(f"/c/{luc_power_cut.reference}/").content.decode()

    pin = page.index('class="card transfer-pin"')
    assert NOTE.replace("'", "&#x27;") in page[pin : page.index('class="thread"')]
    assert pin < page.index('class="thread"')


def test_the_transfer_form_on_the_page_needs_a_note(
    client, agent_anna, support_colleague, luc_power_cut
):
    client.force_login(agent_anna)
    url = f"/c/{luc_power_cut.reference}/transfer/"

    refused = client.post(url, {"agent": support_colleague.pk, "note": ""}, follow=True)
    done = client.post(url, {"agent": support_colleague.pk, "note": NOTE}, follow=True)

    assert "Write a handover note" in refused.content.decode()
    assert done.status_code == 200
    assert Conversation.objects.get(pk=luc_power_cut.pk).assignee == support_colleague


def test_the_report_counts_transfers_per_conversation(
    call, agent_anna, support_colleague, billing_team, luc_power_cut, ola_invoice, admin_zofia
):
    transfer(luc_power_cut, actor=agent_anna, note=NOTE, agent=support_colleague)
    transfer(luc_power_cut, actor=support_colleague, note="Back to you, Anna.", agent=agent_anna)
    transfer(luc_power_cut, actor=agent_anna, note="Billing handles refunds.", team=billing_team)
    transfer(
        ola_invoice, actor=admin_zofia, note="Support knows NIP rules.", team=luc_power_cut.team
    )

    report = call(admin_zofia, "get", "/api/v1/reports/transfers").json()

    assert report["conversations"] == 2
    assert report["transfers"] == 4
    assert report["per_conversation"] == 2.0
    assert report["distribution"] == {"1": 1, "2": 0, "3+": 1}
    assert report["most"][0] == {"conversation": luc_power_cut.reference, "transfers": 3}


def test_the_reports_page_shows_transfers_per_conversation(
    client, agent_anna, support_colleague, luc_power_cut
):
    transfer(luc_power_cut, actor=agent_anna, note=NOTE, agent=support_colleague)
    transfer(luc_power_cut, actor=support_colleague, note="Back to you, Anna.", agent=agent_anna)
    client.force_login(agent_anna)

    page = client.get("/reports/").content.decode()

    section = page[page.index('id="transfers-title"') :]
    assert "Transfers: 2; conversations transferred: 1; per conversation: 2.0." in section
    assert luc_power_cut.reference in section


def test_the_receiver_is_notified_with_the_start_of_the_note(
    agent_anna, support_colleague, luc_power_cut
):
    from klient.notifications.models import Notification
    from support import worker_runs

    transfer(luc_power_cut, actor=agent_anna, note=NOTE, agent=support_colleague)
    worker_runs()
    worker_runs()

    [notification] = Notification.objects.filter(recipient=support_colleague)
    assert notification.text.startswith(f"Anna Nowak handed {luc_power_cut.reference}")
    assert NOTE[:40] in notification.text
    assert not Notification.objects.filter(recipient=agent_anna).exists()


def test_a_transfer_to_a_team_notifies_its_members(
    agent_anna, agent_bruno, billing_team, luc_power_cut
):
    from klient.notifications.models import Notification
    from support import worker_runs

    transfer(luc_power_cut, actor=agent_anna, note=NOTE, team=billing_team)
    worker_runs()

    assert list(Notification.objects.values_list("recipient", flat=True)) == [agent_bruno.pk]
