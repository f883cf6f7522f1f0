"""The webhooks Event kinds, and one constructor per kind. Like every kind, these can be
subscribed to (an endpoint told that another was disabled, say)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from klient.core.events import EventKind, append

if TYPE_CHECKING:
    from klient.core.models import Event

    from .models import Delivery, Endpoint


class Kind(EventKind):
    WEBHOOK_CREATED = "webhook.created", _("Webhook created")
    WEBHOOK_UPDATED = "webhook.updated", _("Webhook changed")
    WEBHOOK_DELETED = "webhook.deleted", _("Webhook deleted")
    WEBHOOK_SECRET_ROTATED = "webhook.secret_rotated", _("Webhook secret rotated")
    WEBHOOK_DISABLED = "webhook.disabled", _("Webhook disabled")
    WEBHOOK_DELIVERY_REPLAYED = "webhook.delivery_replayed", _("Webhook delivery replayed")


def _endpoint_data(endpoint: Endpoint) -> dict[str, Any]:
    return {"webhook": endpoint.pk, "url": endpoint.url, "events": list(endpoint.events)}


def webhook_created(endpoint: Endpoint, *, actor: Any = None) -> Event:
    return append(Kind.WEBHOOK_CREATED, actor=actor, data=_endpoint_data(endpoint))


def webhook_updated(endpoint: Endpoint, changed: list[str], *, actor: Any = None) -> Event:
    return append(
        Kind.WEBHOOK_UPDATED,
        actor=actor,
        data={**_endpoint_data(endpoint), "changed": changed, "active": endpoint.active},
    )


def webhook_deleted(endpoint: Endpoint, *, actor: Any = None) -> Event:
    return append(Kind.WEBHOOK_DELETED, actor=actor, data=_endpoint_data(endpoint))


def webhook_secret_rotated(endpoint: Endpoint, *, actor: Any = None) -> Event:
    until = endpoint.previous_secret_until
    return append(
        Kind.WEBHOOK_SECRET_ROTATED,
        actor=actor,
        data={
            **_endpoint_data(endpoint),
            "previous_valid_until": until.isoformat() if until else None,
        },
    )


def webhook_disabled(endpoint: Endpoint, reason: str) -> Event:
    return append(
        Kind.WEBHOOK_DISABLED,
        actor_label="Klient",
        data={**_endpoint_data(endpoint), "reason": reason},
    )


def webhook_delivery_replayed(delivery: Delivery, *, actor: Any = None) -> Event:
    return append(
        Kind.WEBHOOK_DELIVERY_REPLAYED,
        actor=actor,
        data={
            "webhook": delivery.endpoint_id,
            "delivery": delivery.pk,
            "webhook_id": delivery.webhook_id,
            "type": delivery.event_type,
        },
    )
