"""The compose box's draft (autosaved, put back when the page opens) and the Undo button of
a just-sent reply, through the workspace's own endpoints."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from freezegun import freeze_time

from klient.conversations import drafts
from klient.conversations.models import Message

HOLD = 10


@pytest.fixture
def undo_window(settings):
    settings.KLIENT_UNDO_SEND_SECONDS = HOLD


@pytest.fixture
def tom(support_team, receive):
    return receive(support_team, "tom.baker@example.com", "Lost my phone", "Block my SIM.")


def urls(conversation):
    ref = conversation.reference
    return (
        reverse("workspace:conversation", args=[ref]),
        reverse("workspace:draft", args=[ref]),
        reverse("workspace:reply", args=[ref]),
    )


def test_the_autosaved_draft_is_back_in_the_compose_box(anna_client, agent_anna, tom):
    page, draft, _ = urls(tom.conversation)

    saved = anna_client.post(draft, {"body": "We blocked <your> SIM"})
    html = anna_client.get(page).content.decode()

    assert saved.status_code == 204
    assert drafts.draft_of(tom.conversation, agent_anna).body == "We blocked <your> SIM"
    assert "We blocked &lt;your&gt; SIM</textarea>" in html
    assert "Draft saved" in html


def test_an_emptied_compose_box_discards_the_draft(anna_client, agent_anna, tom):
    _, draft, _ = urls(tom.conversation)
    anna_client.post(draft, {"body": "Something"})

    assert anna_client.post(draft, {"body": "  \n"}).status_code == 204

    assert drafts.draft_of(tom.conversation, agent_anna) is None


def test_a_draft_cannot_be_saved_outside_the_scope(bruno_client, agent_bruno, tom):
    _, draft, _ = urls(tom.conversation)

    assert bruno_client.post(draft, {"body": "Mine"}).status_code == 404
    assert drafts.draft_of(tom.conversation, agent_bruno) is None


def test_the_autosave_refuses_what_is_not_an_upload_id(anna_client, agent_anna, tom):
    _, draft, _ = urls(tom.conversation)

    response = anna_client.post(draft, {"body": "Hi", "attachments": ["photo.png"]})

    assert response.status_code == 400
    assert drafts.draft_of(tom.conversation, agent_anna) is None


def test_sending_from_the_page_deletes_the_draft(anna_client, agent_anna, tom):
    page, draft, reply = urls(tom.conversation)
    anna_client.post(draft, {"body": "Done."})

    anna_client.post(reply, {"body": "Done.", "status": "", "channel": ""})

    assert drafts.draft_of(tom.conversation, agent_anna) is None
    assert "Done.</textarea>" not in anna_client.get(page).content.decode()


def test_the_just_sent_reply_shows_undo_to_its_author_only(
    undo_window, anna_client, agent_anna, support_team, tom
):
    page, _, reply = urls(tom.conversation)
    from klient.people.actions import create_agent

    colleague, _ = create_agent("marek@shop.example", name="Marek", teams=[support_team])
    colleague_client = Client()
    colleague_client.force_login(colleague)

    sent = anna_client.post(reply, {"body": "Blocked.", "status": "", "channel": ""}, follow=True)
    answer = Message.objects.get(kind=Message.Kind.OUTBOUND)
    undo = reverse("workspace:undo", args=[tom.conversation.reference, answer.pk])

    html = sent.content.decode()
    assert "Your reply will be sent in 10 seconds: you can still undo it." in html
    assert f'action="{undo}"' in html
    assert "Sending in {seconds} s" in html  # the countdown's text, filled in by compose.js
    assert f'action="{undo}"' not in colleague_client.get(page).content.decode()
    with freeze_time(answer.created_at + timedelta(seconds=HOLD)):
        assert f'action="{undo}"' not in anna_client.get(page).content.decode()


def test_undo_puts_the_reply_back_in_the_compose_box(undo_window, anna_client, tom):
    _, _, reply = urls(tom.conversation)
    anna_client.post(reply, {"body": "Blocked it.", "status": "", "channel": ""})
    answer = Message.objects.get(kind=Message.Kind.OUTBOUND)

    undone = anna_client.post(
        reverse("workspace:undo", args=[tom.conversation.reference, answer.pk]), follow=True
    )

    html = undone.content.decode()
    assert "Your reply was not sent: it is back in the compose box." in html
    assert "Blocked it.</textarea>" in html
    assert not Message.objects.filter(pk=answer.pk).exists()


def test_undo_too_late_says_so_and_keeps_the_reply(undo_window, anna_client, tom):
    _, _, reply = urls(tom.conversation)
    anna_client.post(reply, {"body": "Blocked it.", "status": "", "channel": ""})
    answer = Message.objects.get(kind=Message.Kind.OUTBOUND)
    undo = reverse("workspace:undo", args=[tom.conversation.reference, answer.pk])

    with freeze_time(answer.created_at + timedelta(seconds=HOLD + 1)):
        late = anna_client.post(undo, follow=True)

    assert "Too late to undo" in late.content.decode()
    assert Message.objects.filter(pk=answer.pk).exists()


def test_only_the_author_can_undo_from_the_page(
    undo_window, anna_client, bruno_client, support_team, tom
):
    _, _, reply = urls(tom.conversation)
    anna_client.post(reply, {"body": "Blocked it.", "status": "", "channel": ""})
    answer = Message.objects.get(kind=Message.Kind.OUTBOUND)
    undo = reverse("workspace:undo", args=[tom.conversation.reference, answer.pk])
    from klient.people.actions import create_agent

    colleague, _ = create_agent("marek@shop.example", name="Marek", teams=[support_team])
    colleague_client = Client()
    colleague_client.force_login(colleague)

    assert colleague_client.post(undo).status_code == 404
    assert bruno_client.post(undo).status_code == 404
    assert Message.objects.filter(pk=answer.pk).exists()
