"""Zofia manages webhooks on /settings/webhooks/: adds one (its secret shown once, on the
page that answers), turns it off and on, reads its recent deliveries and replays one.
Anna, who is not an administrator, gets 403."""

from __future__ import annotations

import pytest
from django.db import transaction

from klient.core import sealing
from klient.webhooks.actions import send_to_endpoint
from klient.webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db


def test_zofia_adds_a_webhook_and_sees_its_secret_once(zofia_client):
    page = zofia_client.get("/settings/webhooks/")
    assert page.status_code == 200
    assert b"conversation.created" in page.content  # the event types to choose from

    added = zofia_client.post(
        "/settings/webhooks/",
        {
            "url": "http://127.0.0.1:9/orders",
            "events": "conversation.created, message.received",
            "description": "Orders",
        },
    )
    assert added.status_code == 200
    endpoint = Endpoint.objects.get()
    secret = sealing.unseal(endpoint.secret_sealed)
    assert secret.encode() in added.content
    assert endpoint.events == ["conversation.created", "message.received"]

    again = zofia_client.get("/settings/webhooks/")
    assert b"http://127.0.0.1:9/orders" in again.content
    assert secret.encode() not in again.content


def test_a_refused_webhook_says_why_and_keeps_what_was_typed(zofia_client, settings):
    settings.KLIENT_WEBHOOK_ALLOWED_HOSTS = ""
    page = zofia_client.post(
        "/settings/webhooks/", {"url": "http://10.0.0.7/hook", "events": "conversation.created"}
    )
    assert page.status_code == 422
    assert b"private address" in page.content and b"http://10.0.0.7/hook" in page.content
    unknown = zofia_client.post(
        "/settings/webhooks/", {"url": "http://127.0.0.1:9/", "events": "ticket.made"}
    )
    assert unknown.status_code == 422 and b"ticket.made" in unknown.content
    assert not Endpoint.objects.exists()


def test_zofia_turns_a_webhook_off_reads_its_deliveries_and_replays_one(zofia_client, settings):
    settings.KLIENT_WEBHOOK_ALLOWED_HOSTS = "127.0.0.1"
    zofia_client.post(
        "/settings/webhooks/", {"url": "http://127.0.0.1:9/", "events": "conversation.created"}
    )
    endpoint = Endpoint.objects.get()
    with transaction.atomic():
        send_to_endpoint(endpoint.pk, "order.checked", {"order": 1})
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(state="failed", last_error="HTTP 500")

    log = zofia_client.get(f"/settings/webhooks/{endpoint.pk}/deliveries/")
    assert log.status_code == 200
    assert delivery.webhook_id.encode() in log.content and b"HTTP 500" in log.content

    replayed = zofia_client.post(
        f"/settings/webhooks/{endpoint.pk}/deliveries/{delivery.pk}/replay/", follow=True
    )
    assert replayed.status_code == 200
    assert Delivery.objects.get().state == "pending"

    zofia_client.post(f"/settings/webhooks/{endpoint.pk}/active/", {"active": "0"})
    assert not Endpoint.objects.get().active


def test_agents_who_are_not_administrators_get_403(anna_client, admin_zofia):
    assert anna_client.get("/settings/webhooks/").status_code == 403
    refused = anna_client.post(
        "/settings/webhooks/", {"url": "http://127.0.0.1:9/", "events": "conversation.created"}
    )
    assert refused.status_code == 403 and not Endpoint.objects.exists()
