"""Every event kind reaches its subscribers, also the kinds a domain only writes to the
event log without publishing them to handlers (the events sweep reads the log), and only
events that happen after a webhook was added."""

from __future__ import annotations

import pytest
from django.utils import timezone
from receiver import verify

from klient.core.models import Event
from klient.people.actions import create_team
from klient.webhooks.models import Delivery
from support import worker_runs

pytestmark = pytest.mark.django_db


def test_an_event_that_no_handler_is_told_about_is_delivered_once(receiver, subscribe):
    create_team("Before", address="before@shop.example")  # before the webhook: never sent
    webhook, secret = subscribe(receiver.url, ["team.created", "webhook.created"])
    worker_runs(at=timezone.now())
    assert receiver.requests == []

    create_team("Returns", address="returns@shop.example")
    subscribe("http://127.0.0.1:9/other", ["note.added"])
    worker_runs(at=timezone.now())
    worker_runs(at=timezone.now())  # the sweep reads the log again: nothing more

    got = sorted((verify(r, secret)["type"], r.webhook_id) for r in receiver.requests)
    assert [kind for kind, _ in got] == ["team.created", "webhook.created"]
    assert Delivery.objects.filter(endpoint_id=webhook).count() == 2
    created = next(verify(r, secret) for r in receiver.requests if b"webhook.created" in r.body)
    assert created["data"]["details"]["url"] == "http://127.0.0.1:9/other"
    assert created["data"]["conversation"] is None
    team_event = Event.objects.get(kind="team.created", data__name="Returns")
    assert Delivery.objects.get(endpoint_id=webhook, event_type="team.created").event_id == (
        team_event.pk
    )


def test_the_fan_out_of_a_batch_costs_the_same_few_queries_however_many_events(
    subscribe, support_team, receive, django_assert_num_queries
):
    subscribe("http://127.0.0.1:9/a", ["conversation.created", "message.received"])
    subscribe("http://127.0.0.1:9/b", ["message.received"])
    for n in range(20):
        receive(support_team, f"customer{n}@example.com", f"Parcel {n}", "Where is it?")
    ids = list(
        Event.objects.filter(kind__in=["conversation.created", "message.received"]).values_list(
            "pk", flat=True
        )
    )

    from klient.webhooks.actions import queue_for_events

    # Endpoints, events with their conversations, pairs already queued, one insert (and
    # its savepoint and release).
    with django_assert_num_queries(6):
        assert queue_for_events(ids) == 60
    with django_assert_num_queries(3):
        assert queue_for_events(ids) == 0  # idempotent: nothing twice
    assert Delivery.objects.count() == 60
