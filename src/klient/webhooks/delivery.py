"""Sending deliveries: durable work rows (core.work) claimed in batches by a worker, each
POSTed to its endpoint's checked address, the outcome recorded in the row and its attempt
log. A worker that dies mid-delivery leaves its rows under a lease; once it runs out,
another worker (or the sweep) takes them and sends the same message (same webhook-id)."""

from __future__ import annotations

import http.client
import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from klient.core import shutdown, work

from . import actions, destinations, schedule, signing, transport
from .models import Attempt, Delivery, Endpoint

logger = logging.getLogger(__name__)

BATCH = 50

DELIVERY_WORK = work.WorkKind(
    Delivery,
    policy=schedule.POLICY,
    ready=Delivery.State.PENDING,
    held=Delivery.State.SENDING,
    failed=Delivery.State.FAILED,
    order_by=("next_attempt_at", "pk"),
)
# Only deliveries of endpoints that are on; a disabled one's wait until it is turned on.
ACTIVE = Q(endpoint__active=True)


def deliver_due(
    *, now: datetime | None = None, batches: int | None = None, batch: int = BATCH
) -> int:
    """Send due deliveries, batch after batch, until none is due (or `batches` were sent,
    or this process is asked to stop). Returns how many were attempted."""
    total = 0
    done = 0
    while batches is None or done < batches:
        if shutdown.requested():
            break
        moment = now or timezone.now()
        held = work.claim(
            DELIVERY_WORK, limit=batch, now=moment, among=ACTIVE, fetch=True, skip_locked=True
        )
        if held is None:
            break
        with work.holding(held):
            rows = list(held.rows)
            endpoints = {
                endpoint.pk: endpoint for endpoint in _endpoints({row.endpoint_id for row in rows})
            }
            for row in rows:
                endpoint = endpoints.get(row.endpoint_id)
                if endpoint is None:  # deleted since the claim, with its deliveries
                    continue
                attempt(held, row, endpoint, now=now or timezone.now())
        total += len(rows)
        done += 1
    return total


def _endpoints(ids: set[int]) -> QuerySet[Endpoint]:
    return Endpoint.objects.filter(pk__in=ids)


def attempt(held: work.Claim, row: Delivery, endpoint: Endpoint, *, now: datetime) -> str:
    """One HTTP attempt of a held delivery; returns its new state."""
    body = row.body.encode()
    timestamp = int(now.timestamp())
    status: int | None = None
    duration_ms = 0
    try:
        destination = destinations.check(endpoint.url)  # again: DNS may have changed
        headers = signing.headers(
            actions.signing_secrets(endpoint, now), row.webhook_id, timestamp, body
        )
        answer = transport.post(destination, body, headers)
    except (destinations.RefusedDestination, OSError, http.client.HTTPException) as exc:
        verdict = schedule.Verdict(error=work.describe(exc))
    else:
        status, duration_ms = answer.status, answer.duration_ms
        verdict = schedule.judge(answer.status, answer.location, answer.retry_after, now)
    return _record(held, row, endpoint, verdict, status, duration_ms, now)


def _record(
    held: work.Claim,
    row: Delivery,
    endpoint: Endpoint,
    verdict: schedule.Verdict,
    status: int | None,
    duration_ms: int,
    now: datetime,
) -> str:
    with held.pinned(), transaction.atomic():
        Attempt.objects.create(
            delivery_id=row.pk,
            started_at=now,
            duration_ms=duration_ms,
            status=status,
            error=verdict.error[:2000],
        )
        if verdict.delivered:
            work.complete(
                held,
                row.pk,
                Delivery.State.DELIVERED,
                delivered_at=now,
                last_status=status,
                last_error="",
            )
            return Delivery.State.DELIVERED
        if verdict.disable:
            work.fail(
                held,
                row.pk,
                row.attempts,
                verdict.error,
                permanent=True,
                now=now,
                last_status=status,
            )
            actions.disable_endpoint(endpoint.pk, verdict.error)
            return Delivery.State.FAILED
        if verdict.retry_at is not None and not DELIVERY_WORK.policy.gives_up(row.attempts):
            # 429: come back when the receiver said, not on the usual schedule.
            work.complete(
                held,
                row.pk,
                Delivery.State.PENDING,
                next_attempt_at=max(verdict.retry_at, now + timedelta(seconds=1)),
                last_status=status,
                last_error=verdict.error,
            )
            return Delivery.State.PENDING
        outcome = work.fail(
            held, row.pk, row.attempts, verdict.error, permanent=False, now=now, last_status=status
        )
        return Delivery.State.FAILED if outcome == "failed" else Delivery.State.PENDING


def sweep_due_deliveries() -> int:
    """Sweeper: send deliveries that fell due (retries, lost wake-ups) and those whose
    worker died (lease expired), one batch per sweep."""
    return deliver_due(batches=1)
