"""The webhooks API as an administrator uses it, and as anyone else cannot."""

from __future__ import annotations

from pathlib import Path

import pytest

from klient.core.models import Event
from klient.webhooks import catalogue
from klient.webhooks.models import Delivery, Endpoint

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def test_an_administrator_creates_lists_changes_and_deletes_a_webhook(api, admin_zofia):
    created = api(
        admin_zofia,
        "post",
        "/api/v1/webhooks",
        {
            "url": "http://127.0.0.1:9/orders",
            "events": ["conversation.created", "message.received"],
            "description": "Order system",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert set(body) == {"id", "secret"} and body["secret"].startswith("whsec_")
    endpoint = Endpoint.objects.get(pk=body["id"])
    # Sealed like IMAP passwords: the secret itself is nowhere in the row.
    assert body["secret"] not in str(Endpoint.objects.filter(pk=endpoint.pk).values().get())

    listed = api(admin_zofia, "get", "/api/v1/webhooks").json()["items"]
    assert [(w["id"], w["url"], w["events"], w["active"]) for w in listed] == [
        (
            endpoint.pk,
            "http://127.0.0.1:9/orders",
            ["conversation.created", "message.received"],
            True,
        )
    ]
    assert "secret" not in listed[0]

    changed = api(
        admin_zofia,
        "patch",
        f"/api/v1/webhooks/{endpoint.pk}",
        {"events": ["status.changed"], "description": "Orders v2", "active": False},
    )
    assert changed.status_code == 200, changed.content
    got = api(admin_zofia, "get", f"/api/v1/webhooks/{endpoint.pk}").json()
    assert (got["events"], got["description"], got["active"]) == (
        ["status.changed"],
        "Orders v2",
        False,
    )
    assert Event.objects.get(kind="webhook.updated").data["changed"] == [
        "events",
        "description",
        "active",
    ]

    assert api(admin_zofia, "delete", f"/api/v1/webhooks/{endpoint.pk}").status_code == 204
    assert not Endpoint.objects.exists()
    assert api(admin_zofia, "get", f"/api/v1/webhooks/{endpoint.pk}").status_code == 404
    assert [e.kind for e in Event.objects.filter(kind__startswith="webhook.").order_by("pk")] == [
        "webhook.created",
        "webhook.updated",
        "webhook.deleted",
    ]


def test_unknown_event_types_are_refused_and_listed(api, admin_zofia):
    response = api(
        admin_zofia,
        "post",
        "/api/v1/webhooks",
        {"url": "http://127.0.0.1:9/", "events": ["conversation.created", "ticket.made", "x"]},
    )

    assert response.status_code == 422
    assert response.json()["unknown_events"] == ["ticket.made", "x"]
    assert "ticket.made, x" in response.json()["detail"]
    assert not Endpoint.objects.exists()

    empty = api(
        admin_zofia, "post", "/api/v1/webhooks", {"url": "http://127.0.0.1:9/", "events": []}
    )
    assert empty.status_code == 422


def test_every_typed_event_kind_can_be_subscribed_to(api, admin_zofia):
    every = list(catalogue.event_types())
    response = api(
        admin_zofia, "post", "/api/v1/webhooks", {"url": "http://127.0.0.1:9/", "events": every}
    )
    assert response.status_code == 201, response.content
    assert "conversation.created" in every and "webhook.disabled" in every


def test_agents_who_are_not_administrators_cannot_see_or_change_webhooks(
    api, admin_zofia, agent_anna
):
    created = api(
        admin_zofia,
        "post",
        "/api/v1/webhooks",
        {"url": "http://127.0.0.1:9/", "events": ["conversation.created"]},
    ).json()
    for method, url, body in [
        ("get", "/api/v1/webhooks", None),
        ("post", "/api/v1/webhooks", {"url": "http://127.0.0.1:9/", "events": ["note.added"]}),
    ]:
        assert api(agent_anna, method, url, body).status_code == 403, (method, url)
    # A webhook by id does not exist for her, like any object outside her scope.
    for method, url, body in [
        ("get", f"/api/v1/webhooks/{created['id']}", None),
        ("patch", f"/api/v1/webhooks/{created['id']}", {"active": False}),
        ("delete", f"/api/v1/webhooks/{created['id']}", None),
        ("post", f"/api/v1/webhooks/{created['id']}/rotate-secret", None),
        ("get", f"/api/v1/webhooks/{created['id']}/deliveries", None),
    ]:
        assert api(agent_anna, method, url, body).status_code == 404, (method, url)
    endpoint = Endpoint.objects.get()
    assert endpoint.active and endpoint.events == ["conversation.created"]
    assert Endpoint.objects.count() == 1


def test_a_delivery_of_another_webhook_cannot_be_replayed_through_this_one(
    api, admin_zofia, subscribe
):
    first, _ = subscribe("http://127.0.0.1:9/a")
    second, _ = subscribe("http://127.0.0.1:9/b")
    from django.db import transaction

    from klient.webhooks.actions import send_to_endpoint

    with transaction.atomic():
        send_to_endpoint(second, "order.checked", {})
    delivery = Delivery.objects.get()

    wrong = api(admin_zofia, "post", f"/api/v1/webhooks/{first}/deliveries/{delivery.pk}/replay")
    assert wrong.status_code == 404
    assert api(admin_zofia, "get", "/api/v1/webhooks/999999/deliveries").status_code == 404
    assert not Event.objects.filter(kind="webhook.delivery_replayed").exists()


def test_the_documented_catalogue_is_the_one_generated_from_the_typed_events():
    text = DOC.read_text(encoding="utf-8")
    assert catalogue.updated(text) == text, (
        "docs/webhooks.md is stale: run `klient webhooks catalogue --write docs/webhooks.md`"
    )
    for value in catalogue.event_types():
        assert f"| `{value}` |" in text
