"""A promise quotes a reply to the customer: it is in her export and erased with her
(issue 18's erasure), and a reply undone before it went out takes its promises with it."""

from __future__ import annotations

import io
import json
import zipfile

from django.db import transaction

from klient.conversations.actions import reply
from klient.promises.actions import offer_from_message
from klient.promises.models import Promise


def post(client, user, url, body):
    return client.post(
        url,
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {user.api_token}"},
    )


def test_the_quote_is_exported_then_erased_and_the_counts_stay(
    client, admin_zofia, agent_anna, support_team, receive
):
    conversation = receive(support_team, "luc@client.fr", "Coupure", "Encore !").conversation
    with transaction.atomic():
        sent = reply(conversation, actor=agent_anna, body="Je vous rappelle demain, Luc.")
    [promise] = offer_from_message(sent)
    customer = conversation.customer
    headers = {"Authorization": f"Bearer {admin_zofia.api_token}"}

    exported = client.get(f"/api/v1/customers/{customer.pk}/export", headers=headers)
    assert exported.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(exported.streaming_content)))
    data = json.loads(archive.read("customer.json"))
    assert [p["quote"] for p in data["promises"]] == ["Je vous rappelle demain, Luc."]

    erased = post(client, admin_zofia, f"/api/v1/customers/{customer.pk}/erase", {"confirm": True})
    assert erased.status_code == 200, erased.content
    promise.refresh_from_db()
    assert (promise.quote, promise.state) == ("", "offered")


def test_an_undone_reply_takes_its_promises_with_it(
    client, agent_anna, support_team, receive, settings
):
    settings.KLIENT_UNDO_SEND_SECONDS = 600
    conversation = receive(support_team, "luc@client.fr", "Coupure", "Encore !").conversation
    sent = post(
        client,
        agent_anna,
        f"/api/v1/conversations/{conversation.reference}/replies",
        {"body": "I'll call you back tomorrow."},
    ).json()
    assert len(sent["promises"]) == 1

    undone = post(client, agent_anna, f"/api/v1/messages/{sent['id']}/undo", {})
    assert undone.status_code == 200, undone.content
    assert not Promise.objects.exists()
