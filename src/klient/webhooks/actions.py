"""The writers of webhooks: endpoints (create, change, delete, rotate the secret), the
deliveries the fan-out handler and other domains queue, replays, and disabling an endpoint
its receiver answered 410 to. Each appends its event; entry points own the transaction."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from klient.core import sealing
from klient.core.models import Event
from klient.notifications.actions import notify

from . import catalogue, destinations, events, payloads, signing, texts
from .models import Delivery, Endpoint

ROTATION_GRACE = timedelta(hours=24)
MAX_EVENT_TYPE = 100


# -- endpoints ----------------------------------------------------------------------------------


def _checked_url(url: str) -> str:
    try:
        destinations.check(url)
    except destinations.RefusedDestination as exc:
        raise ValidationError(
            _("This URL cannot receive webhooks: %(reason)s") % {"reason": exc}
        ) from exc
    return url.strip()


def _checked_events(names: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(str(name) for name in names))
    if not chosen:
        raise ValidationError(_("Choose at least one event type."))
    unknown = catalogue.unknown(chosen)
    if unknown:
        raise ValidationError(
            _("Unknown event types: %(names)s (see docs/webhooks.md for the catalogue).")
            % {"names": ", ".join(unknown)}
        )
    return chosen


def create_endpoint(
    url: str, event_types: Iterable[str], *, description: str = "", actor: Any = None
) -> tuple[Endpoint, str]:
    """A new endpoint and its secret (returned once; only its sealed form is kept)."""
    secret = signing.new_secret()
    with transaction.atomic():
        endpoint = Endpoint.objects.create(
            url=_checked_url(url),
            events=_checked_events(event_types),
            description=description.strip()[:500],
            secret_sealed=sealing.seal(secret),
            created_at=timezone.now(),
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        # Told about what happens from now on, not about its own creation.
        endpoint.events_after = events.webhook_created(endpoint, actor=actor).pk
        endpoint.save(update_fields=["events_after"])
    return endpoint, secret


def update_endpoint(
    endpoint: Endpoint,
    *,
    actor: Any = None,
    url: str | None = None,
    event_types: Iterable[str] | None = None,
    description: str | None = None,
    active: bool | None = None,
) -> list[str]:
    """Change what was given; returns the names of the fields that changed. Turning an
    endpoint back on clears why it was disabled; its waiting deliveries go out again, and
    it is told about events from then on (not those that happened while it was off)."""
    changes: dict[str, Any] = {}
    if url is not None and url.strip() != endpoint.url:
        changes["url"] = _checked_url(url)
    if event_types is not None:
        chosen = _checked_events(event_types)
        if chosen != endpoint.events:
            changes["events"] = chosen
    if description is not None and description.strip()[:500] != endpoint.description:
        changes["description"] = description.strip()[:500]
    if active is not None and active != endpoint.active:
        changes["active"] = active
        changes["disabled_reason"] = "" if active else _("Turned off by an administrator.")
    if not changes:
        return []
    with transaction.atomic():
        for name, value in changes.items():
            setattr(endpoint, name, value)
        endpoint.save(update_fields=list(changes))
        changed = [name for name in changes if name != "disabled_reason"]
        event = events.webhook_updated(endpoint, changed, actor=actor)
        if changes.get("active"):
            # Back on: told about events from now on; what happened while off is not sent.
            endpoint.events_after = event.pk
            endpoint.save(update_fields=["events_after"])
    if changes.get("active"):
        _wake_on_commit()
    return changed


def delete_endpoint(endpoint: Endpoint, *, actor: Any = None) -> None:
    """Delete the endpoint with its deliveries and their log (the event keeps its URL)."""
    with transaction.atomic():
        events.webhook_deleted(endpoint, actor=actor)
        endpoint.delete()


def rotate_secret(endpoint: Endpoint, *, actor: Any = None, now: datetime | None = None) -> str:
    """A new secret (returned once). For ROTATION_GRACE the old one keeps signing too, so
    a receiver can switch over without losing a message."""
    now = now or timezone.now()
    secret = signing.new_secret()
    fields = ["secret_sealed", "previous_secret_sealed", "previous_secret_until"]
    with transaction.atomic():
        # Locked: of two rotations at once, the second keeps the first's secret as previous.
        locked = Endpoint.objects.select_for_update().get(pk=endpoint.pk)
        locked.previous_secret_sealed = locked.secret_sealed
        locked.previous_secret_until = now + ROTATION_GRACE
        locked.secret_sealed = sealing.seal(secret)
        locked.save(update_fields=fields)
        for name in fields:
            setattr(endpoint, name, getattr(locked, name))
        events.webhook_secret_rotated(locked, actor=actor)
    return secret


def administrators() -> QuerySet[Any]:
    return get_user_model().objects.filter(Q(is_staff=True) | Q(is_superuser=True), is_active=True)


def signing_secrets(endpoint: Endpoint, now: datetime) -> list[str]:
    """The secrets a message is signed with now: the current one, and the previous one
    while its grace period lasts."""
    found = [sealing.unseal(endpoint.secret_sealed)]
    until = endpoint.previous_secret_until
    if endpoint.previous_secret_sealed and until is not None and now < until:
        found.append(sealing.unseal(endpoint.previous_secret_sealed))
    return found


def disable_endpoint(endpoint_id: int, reason: str) -> bool:
    """Turn an endpoint off because its receiver asked (410 Gone) and tell the
    administrators; False if it was off already."""
    with transaction.atomic():
        endpoint = Endpoint.objects.select_for_update().filter(pk=endpoint_id).first()
        if endpoint is None or not endpoint.active:
            return False
        endpoint.active = False
        endpoint.disabled_reason = reason[:500]
        endpoint.save(update_fields=["active", "disabled_reason"])
        events.webhook_disabled(endpoint, reason)
        notify(
            administrators(),
            kind=texts.DISABLED,
            params={"url": endpoint.url},
            url=reverse("webhook_settings:deliveries", args=[endpoint.pk]),
        )
    return True


# -- deliveries ---------------------------------------------------------------------------------


def queue_for_events(event_ids: list[int]) -> int:
    """Fan-out: one delivery per (subscribed active endpoint, event), for events after the
    endpoint was created. Idempotent: a pair already queued is left as it is (and a unique
    constraint stops a concurrent run). Returns how many were queued."""
    endpoints = list(Endpoint.objects.filter(active=True).only("pk", "events", "events_after"))
    if not endpoints or not event_ids:
        return 0
    wanted = {kind for endpoint in endpoints for kind in endpoint.events}
    found = list(
        Event.objects.filter(pk__in=event_ids, kind__in=wanted)
        .select_related("conversation__team")
        .order_by("pk")
    )
    if not found:
        return 0
    queued = set(
        Delivery.objects.filter(
            endpoint_id__in=[e.pk for e in endpoints], event_id__in=[e.pk for e in found]
        ).values_list("endpoint_id", "event_id")
    )
    now = timezone.now()
    rows = []
    for event in found:
        targets = [
            endpoint
            for endpoint in endpoints
            if event.kind in endpoint.events
            and event.pk > endpoint.events_after
            and (endpoint.pk, event.pk) not in queued
        ]
        if not targets:
            continue
        body = payloads.body(event.kind, event.at, payloads.event_data(event))
        rows += [
            Delivery(
                endpoint_id=endpoint.pk,
                event_id=event.pk,
                webhook_id=payloads.new_webhook_id(),
                event_type=event.kind,
                body=body,
                created_at=now,
                next_attempt_at=now,
            )
            for endpoint in targets
        ]
    if not rows:
        return 0
    with transaction.atomic():
        Delivery.objects.bulk_create(rows, ignore_conflicts=True)
        _wake_on_commit()
    return len(rows)


def send_to_endpoint(endpoint_id: int, event_type: str, data: dict[str, Any]) -> None:
    """Queue one signed delivery of `{"type": event_type, "timestamp": now, "data": data}`
    to this endpoint, in the caller's transaction (it is sent once that commits, and not at
    all if it rolls back). For other domains, e.g. an automation rule's "call a webhook"
    action. The endpoint need not subscribe to the type; a disabled endpoint keeps the
    delivery until it is turned back on. Raises ValidationError for an unknown endpoint
    or an empty or over-long type; data must be JSON-serialisable."""
    event_type = str(event_type).strip()
    if not event_type or len(event_type) > MAX_EVENT_TYPE:
        raise ValidationError(_("A webhook's event type must be 1 to 100 characters."))
    if not Endpoint.objects.filter(pk=endpoint_id).exists():
        raise ValidationError(_("There is no webhook %(id)s.") % {"id": endpoint_id})
    now = timezone.now()
    with transaction.atomic():
        Delivery.objects.create(
            endpoint_id=endpoint_id,
            event=None,
            webhook_id=payloads.new_webhook_id(),
            event_type=event_type,
            body=payloads.body(event_type, now, data),
            created_at=now,
            next_attempt_at=now,
        )
        _wake_on_commit()


def replay(delivery: Delivery, *, actor: Any = None, now: datetime | None = None) -> Delivery:
    """Send the same message (same webhook-id and body) once more, now."""
    now = now or timezone.now()
    with transaction.atomic():
        row = Delivery.objects.select_for_update().select_related("endpoint").get(pk=delivery.pk)
        if not row.endpoint.active:
            raise ValidationError(_("This webhook is turned off; turn it on before replaying."))
        if row.lease_until is not None and row.lease_until > now:
            raise ValidationError(_("This delivery is being sent right now."))
        row.state = Delivery.State.PENDING
        row.next_attempt_at = now
        row.lease_until = None
        row.save(update_fields=["state", "next_attempt_at", "lease_until"])
        events.webhook_delivery_replayed(row, actor=actor)
        _wake_on_commit()
    return row


def _wake() -> None:
    from .tasks import wake

    wake()


def _wake_on_commit() -> None:
    """Wake a worker once the current transaction commits, once however many deliveries
    it queued (an automation may send to many endpoints in one change)."""
    connection = transaction.get_connection()
    if not any(hook is _wake for _, hook, _ in connection.run_on_commit):
        transaction.on_commit(_wake)
