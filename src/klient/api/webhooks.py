"""Outgoing webhooks (issue 18; docs/webhooks.md), administrators only (403 for others on
the list and create; a webhook by id is a 404 for them, like any object outside their scope):

POST /webhooks {"url", "events", "description"?} -> {"id", "secret"} (the secret is shown
once); GET /webhooks, GET/PATCH/DELETE /webhooks/{id}; POST /webhooks/{id}/rotate-secret
-> {"id", "secret", "previous_valid_until"}; GET /webhooks/{id}/deliveries (the delivery
log); POST /webhooks/{id}/deliveries/{delivery_id}/replay. Unknown event types: 422 with
`unknown_events`; a URL on a private, loopback, link-local or metadata address: 422."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from klient.people.access import is_admin
from klient.webhooks import actions, catalogue
from klient.webhooks.models import Attempt, Delivery, Endpoint

from .auth import caller
from .schemas import ErrorOut

router = Router(tags=["webhooks"])

LOG_ATTEMPTS = 10


class WebhookIn(Schema):
    url: str = Field(..., description="http or https; not a private or loopback address.")
    events: list[str] = Field(..., description="Event types, e.g. conversation.created.")
    description: str = ""


class WebhookPatch(Schema):
    url: str | None = None
    events: list[str] | None = None
    description: str | None = None
    active: bool | None = Field(None, description="false turns it off; true back on.")


class WebhookCreated(Schema):
    id: int
    secret: str = Field(..., description="whsec_…: shown only now; verify signatures with it.")


class SecretOut(Schema):
    id: int
    secret: str
    previous_valid_until: datetime = Field(
        ..., description="Until then, messages are signed with the old secret too."
    )


class WebhookOut(Schema):
    id: int
    url: str
    events: list[str]
    description: str
    active: bool
    disabled_reason: str
    created_at: datetime
    previous_secret_valid_until: datetime | None


class WebhookList(Schema):
    items: list[WebhookOut]


class AttemptOut(Schema):
    started_at: datetime
    duration_ms: int
    status: int | None
    error: str


class DeliveryOut(Schema):
    id: int
    webhook_id: str = Field(..., description="The webhook-id header: the same on every retry.")
    type: str
    event: int | None
    state: str = Field(..., description="pending, sending, delivered or failed.")
    attempts: int
    last_status: int | None
    last_error: str
    next_attempt_at: datetime | None = Field(..., description="Null unless pending.")
    created_at: datetime
    delivered_at: datetime | None
    attempt_log: list[AttemptOut] = Field(..., description="The latest attempts, newest first.")


class DeliveryList(Schema):
    items: list[DeliveryOut]


class UnknownEventsOut(Schema):
    detail: str
    unknown_events: list[str]


def _admin(request: HttpRequest) -> Any:
    user = caller(request)
    if not is_admin(user):
        raise PermissionDenied(_("Only administrators can manage webhooks."))
    return user


def _endpoint(request: HttpRequest, webhook_id: int) -> Endpoint:
    # Not 403: the API never tells an outsider that an object exists (api/urls.py).
    endpoint = Endpoint.objects.filter(pk=webhook_id).first() if is_admin(caller(request)) else None
    if endpoint is None:
        raise Http404(_("No such webhook."))
    return endpoint


def _unknown_events(names: list[str]) -> Status | None:
    unknown = catalogue.unknown(names)
    if not unknown:
        return None
    return Status(
        422,
        {
            "detail": _("Unknown event types: %(names)s (see docs/webhooks.md for the catalogue).")
            % {"names": ", ".join(unknown)},
            "unknown_events": unknown,
        },
    )


def webhook_out(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "id": endpoint.pk,
        "url": endpoint.url,
        "events": endpoint.events,
        "description": endpoint.description,
        "active": endpoint.active,
        "disabled_reason": endpoint.disabled_reason,
        "created_at": endpoint.created_at,
        "previous_secret_valid_until": endpoint.previous_secret_until
        if endpoint.previous_secret_sealed
        else None,
    }


def delivery_out(delivery: Delivery) -> dict[str, Any]:
    return {
        "id": delivery.pk,
        "webhook_id": delivery.webhook_id,
        "type": delivery.event_type,
        "event": delivery.event_id,
        "state": delivery.state,
        "attempts": delivery.attempts,
        "last_status": delivery.last_status,
        "last_error": delivery.last_error,
        "next_attempt_at": delivery.next_attempt_at
        if delivery.state == Delivery.State.PENDING
        else None,
        "created_at": delivery.created_at,
        "delivered_at": delivery.delivered_at,
        "attempt_log": [
            {
                "started_at": a.started_at,
                "duration_ms": a.duration_ms,
                "status": a.status,
                "error": a.error,
            }
            for a in list(delivery.attempt_log.all())[:LOG_ATTEMPTS]
        ],
    }


@router.post(
    "/webhooks",
    response={201: WebhookCreated, 401: ErrorOut, 403: ErrorOut, 422: UnknownEventsOut | ErrorOut},
    summary="Subscribe a URL to event types; the answer holds its secret, shown once",
)
def create_webhook(request: HttpRequest, payload: WebhookIn) -> Any:
    actor = _admin(request)
    if refused := _unknown_events(payload.events):
        return refused
    endpoint, secret = actions.create_endpoint(
        payload.url, payload.events, description=payload.description, actor=actor
    )
    return Status(201, {"id": endpoint.pk, "secret": secret})


@router.get(
    "/webhooks",
    response={200: WebhookList, 401: ErrorOut, 403: ErrorOut},
    summary="Every webhook (administrators)",
)
def list_webhooks(request: HttpRequest) -> Any:
    _admin(request)
    return {"items": [webhook_out(e) for e in Endpoint.objects.order_by("pk")]}


@router.get(
    "/webhooks/{id}",
    response={200: WebhookOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="One webhook",
)
def get_webhook(request: HttpRequest, id: int) -> Any:
    return webhook_out(_endpoint(request, id))


@router.patch(
    "/webhooks/{id}",
    response={
        200: WebhookOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: UnknownEventsOut | ErrorOut,
    },
    summary="Change a webhook's URL, event types or description, or turn it off or on",
)
def update_webhook(request: HttpRequest, id: int, payload: WebhookPatch) -> Any:
    endpoint = _endpoint(request, id)
    if payload.events is not None and (refused := _unknown_events(payload.events)):
        return refused
    actions.update_endpoint(
        endpoint,
        actor=caller(request),
        url=payload.url,
        event_types=payload.events,
        description=payload.description,
        active=payload.active,
    )
    return webhook_out(endpoint)


@router.delete(
    "/webhooks/{id}",
    response={204: None, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Delete a webhook and its delivery log",
)
def delete_webhook(request: HttpRequest, id: int) -> Any:
    actions.delete_endpoint(_endpoint(request, id), actor=caller(request))
    return Status(204, None)


@router.post(
    "/webhooks/{id}/rotate-secret",
    response={200: SecretOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="A new secret; for 24 hours messages carry signatures under both",
)
def rotate_secret(request: HttpRequest, id: int) -> Any:
    endpoint = _endpoint(request, id)
    secret = actions.rotate_secret(endpoint, actor=caller(request))
    return {
        "id": endpoint.pk,
        "secret": secret,
        "previous_valid_until": endpoint.previous_secret_until,
    }


@router.get(
    "/webhooks/{id}/deliveries",
    response={200: DeliveryList, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="The delivery log, newest first: status codes, timings, attempts, next attempt",
)
def list_deliveries(
    request: HttpRequest, id: int, limit: int = 50, before: int | None = None
) -> Any:
    endpoint = _endpoint(request, id)
    rows = Delivery.objects.filter(endpoint=endpoint).defer("body").order_by("-pk")
    if before is not None:
        rows = rows.filter(pk__lt=before)
    rows = rows.prefetch_related(Prefetch("attempt_log", queryset=Attempt.objects.order_by("-pk")))[
        : max(1, min(limit, 200))
    ]
    return {"items": [delivery_out(row) for row in rows]}


@router.post(
    "/webhooks/{id}/deliveries/{delivery_id}/replay",
    response={202: DeliveryOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Send the same message again (same webhook-id and body), now",
)
def replay_delivery(request: HttpRequest, id: int, delivery_id: int) -> Any:
    endpoint = _endpoint(request, id)
    delivery = Delivery.objects.filter(pk=delivery_id, endpoint=endpoint).first()
    if delivery is None:
        raise Http404(_("No such delivery."))
    row = actions.replay(delivery, actor=caller(request))
    return Status(202, delivery_out(row))
