"""In the workspace: the draft's promises show in the compose box's findings before
sending; once sent, the conversation page shows them with one-click confirm (htmx)."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import transaction
from django.urls import reverse
from freezegun import freeze_time

from klient.conversations.actions import reply
from klient.promises.actions import offer_from_message
from klient.promises.models import Promise

SENT_AT = datetime(2026, 3, 25, 9, 0, tzinfo=UTC)


def test_the_compose_box_shows_a_drafts_promise(client, agent_anna, support_team, receive):
    conversation = receive(support_team, "luc@client.fr", "Coupure", "Encore !").conversation
    client.force_login(agent_anna)
    page = client.post(
        reverse("workspace:reply_check", args=[conversation.reference]),
        {"body": "Merci. Je vous rappelle demain."},
    )
    assert "Je vous rappelle demain." in page.content.decode()
    assert "finding-promise" in page.content.decode()


def test_one_click_confirms_an_offered_promise(client, agent_anna, support_team, receive):
    conversation = receive(support_team, "luc@client.fr", "Coupure", "Encore !").conversation
    with freeze_time(SENT_AT), transaction.atomic():
        sent = reply(conversation, actor=agent_anna, body="I'll call you back tomorrow.")
    [promise] = offer_from_message(sent)
    client.force_login(agent_anna)

    page = client.get(reverse("workspace:conversation", args=[conversation.reference]))
    assert "I&#x27;ll call you back tomorrow." in page.content.decode()
    assert reverse("promises:confirm", args=[promise.pk]) in page.content.decode()

    card = client.post(reverse("promises:confirm", args=[promise.pk]), HTTP_HX_REQUEST="true")
    assert card.status_code == 200
    assert 'id="promises-card"' in card.content.decode()
    assert reverse("promises:confirm", args=[promise.pk]) not in card.content.decode()
    assert Promise.objects.get().state == "open"


def test_another_teams_agent_cannot_touch_it(
    client, agent_bruno, agent_anna, support_team, receive
):
    conversation = receive(support_team, "luc@client.fr", "Coupure", "Encore !").conversation
    with transaction.atomic():
        sent = reply(conversation, actor=agent_anna, body="I'll call you back tomorrow.")
    [promise] = offer_from_message(sent)
    client.force_login(agent_bruno)
    assert client.post(reverse("promises:confirm", args=[promise.pk])).status_code == 404
    assert Promise.objects.get().state == "offered"


def test_the_reports_page_shows_kept_and_broken_per_team(
    client, admin_zofia, agent_anna, support_team, receive
):
    from klient.promises.actions import mark_kept

    conversation = receive(support_team, "luc@client.fr", "Coupure", "Encore !").conversation
    with transaction.atomic():
        sent = reply(conversation, actor=agent_anna, body="I'll call you back tomorrow.")
    [promise] = offer_from_message(sent)
    with transaction.atomic():
        mark_kept(promise, actor=agent_anna)
    client.force_login(admin_zofia)
    page = client.get(reverse("reports:dashboard")).content.decode()
    assert 'id="promises"' in page
    section = page[page.index('id="promises"') :]
    assert '<th scope="row">Support</th><td>1</td><td>0</td>' in section
