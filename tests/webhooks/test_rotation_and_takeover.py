"""A secret rotation signs with both secrets for 24 hours, then with the new one only; a
worker that dies holding a delivery leaves it under a lease, and once the lease runs out
another worker sends it, once, with the same webhook-id."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from receiver import verify
from standardwebhooks import WebhookVerificationError

from klient.core import work
from klient.webhooks.actions import send_to_endpoint
from klient.webhooks.delivery import DELIVERY_WORK
from klient.webhooks.models import Delivery
from support import worker_runs

pytestmark = pytest.mark.django_db


def test_during_a_rotation_both_secrets_verify_and_after_24_hours_only_the_new(
    receiver, subscribe, api, admin_zofia
):
    webhook, old = subscribe(receiver.url, ["conversation.created"])
    rotated = api(admin_zofia, "post", f"/api/v1/webhooks/{webhook}/rotate-secret")
    assert rotated.status_code == 200, rotated.content
    new = rotated.json()["secret"]
    assert new.startswith("whsec_") and new != old

    with transaction.atomic():
        send_to_endpoint(webhook, "order.checked", {"order": 1})
    worker_runs(at=timezone.now())
    during = receiver.requests[-1]
    assert len(during.signatures) == 2
    assert all(s.startswith("v1,") for s in during.signatures)
    assert verify(during, old)["data"] == {"order": 1}
    assert verify(during, new)["type"] == "order.checked"

    with transaction.atomic():
        send_to_endpoint(webhook, "order.checked", {"order": 2})
    worker_runs(at=timezone.now() + timedelta(hours=24, minutes=1))
    after = receiver.requests[-1]
    assert len(after.signatures) == 1
    assert verify(after, new)["data"] == {"order": 2}
    with pytest.raises(WebhookVerificationError):
        verify(after, old)


def test_a_delivery_held_by_a_dead_worker_is_sent_once_when_its_lease_runs_out(receiver, subscribe):
    webhook, secret = subscribe(receiver.url, ["conversation.created"])
    with transaction.atomic():
        send_to_endpoint(webhook, "order.shipped", {"order": 7})
    t0 = timezone.now()
    # The first worker claims the delivery and dies before it is sent or completed.
    dead = work.claim(DELIVERY_WORK, now=t0, fetch=True)
    assert dead is not None
    webhook_id = dead.rows[0].webhook_id

    worker_runs(at=t0 + timedelta(seconds=1))  # the lease still holds: nobody sends it
    assert receiver.requests == []
    assert Delivery.objects.get().state == "sending"

    worker_runs(at=t0 + timedelta(seconds=settings.KLIENT_LEASE_SECONDS + 1))
    assert [r.webhook_id for r in receiver.requests] == [webhook_id]
    assert verify(receiver.requests[0], secret)["data"] == {"order": 7}
    delivery = Delivery.objects.get()
    assert (delivery.state, delivery.attempts) == ("delivered", 2)

    # The dead worker's late outcome cannot undo it: its lease is no longer the row's.
    assert not work.complete(dead, delivery.pk, "failed")
    assert Delivery.objects.get().state == "delivered"
    worker_runs(at=t0 + timedelta(minutes=10))
    assert len(receiver.requests) == 1


def test_send_to_endpoint_sends_nothing_when_the_callers_transaction_rolls_back(
    receiver, subscribe
):
    webhook, _ = subscribe(receiver.url, ["conversation.created"])

    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        send_to_endpoint(webhook, "order.checked", {"order": 3})
        raise Refused

    worker_runs(at=timezone.now())
    assert receiver.requests == [] and not Delivery.objects.exists()
