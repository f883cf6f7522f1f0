"""Zofia subscribes the shop's order system to new conversations. Its receiver has a bad
day: it fails (500), asks Klient to slow down (429 with Retry-After), then says it is gone
(410), which turns the webhook off. Zofia turns it back on and replays the message, and it
is delivered (200). Every attempt is the same message: same webhook-id, same body, signed
so that the `standardwebhooks` package verifies it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from receiver import verify

from klient.core.models import Event
from klient.notifications.models import Notification
from klient.webhooks.models import Delivery, Endpoint
from support import worker_runs

pytestmark = pytest.mark.django_db


def test_a_receiver_that_fails_slows_down_and_goes_away_gets_the_same_message_each_time(
    receiver, subscribe, api, admin_zofia, support_team, receive
):
    webhook, secret = subscribe(receiver.url, ["conversation.created"])
    receiver.answer_next(500, (429, {"Retry-After": "120"}), 410)
    t0 = timezone.now()

    message = receive(support_team, "luc@client.fr", "Coupure de courant", "Plus de courant.")
    worker_runs(at=t0)

    delivery = Delivery.objects.get(endpoint_id=webhook)
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("pending", 1, 500)
    assert t0 + timedelta(seconds=5) <= delivery.next_attempt_at <= t0 + timedelta(seconds=5.5)

    worker_runs(at=t0 + timedelta(seconds=6))  # the 5 s retry: 429, come back in 120 s
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status) == (2, 429)
    assert delivery.next_attempt_at == t0 + timedelta(seconds=126)

    worker_runs(at=t0 + timedelta(seconds=60))  # the usual 5 min retry would be later; 120 s
    assert len(receiver.requests) == 2  # not before the receiver said

    worker_runs(at=t0 + timedelta(seconds=127))  # 410 Gone: the webhook is turned off
    delivery.refresh_from_db()
    endpoint = Endpoint.objects.get(pk=webhook)
    assert (delivery.state, delivery.last_status) == ("failed", 410)
    assert not endpoint.active and "410" in endpoint.disabled_reason
    assert Event.objects.filter(kind="webhook.disabled", data__webhook=webhook).count() == 1
    told = Notification.objects.get(recipient=admin_zofia, kind="webhooks.disabled")
    assert receiver.url in told.text and "410" in told.text

    receive(support_team, "ola@klientka.pl", "Faktura", "Czy mogę dostać fakturę?")
    worker_runs(at=t0 + timedelta(seconds=130))
    assert not Delivery.objects.filter(endpoint_id=webhook).exclude(pk=delivery.pk).exists()

    assert api(admin_zofia, "patch", f"/api/v1/webhooks/{webhook}", {"active": True}).json()[
        "active"
    ]
    replayed = api(
        admin_zofia, "post", f"/api/v1/webhooks/{webhook}/deliveries/{delivery.pk}/replay"
    )
    assert replayed.status_code == 202, replayed.content
    worker_runs(at=timezone.now() + timedelta(seconds=1))

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status) == ("delivered", 4, 200)
    assert [r.webhook_id for r in receiver.requests] == [delivery.webhook_id] * 4
    assert len({r.body for r in receiver.requests}) == 1
    payloads = [verify(r, secret) for r in receiver.requests]
    assert payloads[0]["type"] == "conversation.created"
    data = payloads[0]["data"]
    conversation = message.conversation
    assert data["conversation"]["id"] == conversation.pk
    assert data["conversation"]["reference"] == conversation.reference
    assert data["conversation"]["team"] == {"id": support_team.pk, "name": support_team.name}
    assert data["event"] == delivery.event_id
    request = receiver.requests[0]
    assert request.path == "/hooks/klient"
    assert request.headers["content-type"] == "application/json"
    assert json.loads(request.body) == payloads[0]
    timestamps = [int(r.headers["webhook-timestamp"]) for r in receiver.requests]
    assert timestamps[:3] == [int(t0.timestamp()) + s for s in (0, 6, 127)]

    log = api(admin_zofia, "get", f"/api/v1/webhooks/{webhook}/deliveries").json()["items"]
    assert [row["id"] for row in log] == [delivery.pk]
    assert log[0]["state"] == "delivered" and log[0]["attempts"] == 4
    assert log[0]["next_attempt_at"] is None
    assert [a["status"] for a in log[0]["attempt_log"]] == [200, 410, 429, 500]


def test_a_receiver_that_never_answers_2xx_is_given_up_after_ten_attempts_over_72_hours(
    receiver, subscribe, support_team, receive
):
    webhook, _ = subscribe(receiver.url, ["message.received"])
    receiver.answer_next(*[503] * 12)
    receive(support_team, "luc@client.fr", "Toujours rien", "Rien ne marche.")
    at = timezone.now()
    moments = []
    for _ in range(12):
        worker_runs(at=at)
        moments.append(at)
        delivery = Delivery.objects.get(endpoint_id=webhook)
        if delivery.state == "failed":
            break
        at = delivery.next_attempt_at

    assert delivery.state == "failed" and delivery.attempts == 10
    assert "gave up after 10 attempts" in delivery.last_error
    assert len(receiver.requests) == 10
    assert moments[-1] - moments[0] >= timedelta(hours=72)
    assert len({r.webhook_id for r in receiver.requests}) == 1
