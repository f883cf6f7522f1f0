"""The events sweep: fans out events that no handler was told about.

A domain publishes (core.wiring.publish_on_commit) the events other domains handle; some
kinds are only appended to the log. Webhooks subscribe to every kind, so this sweep reads
the event log from a cursor and queues what the fan-out handler did not: the same
`queue_for_events`, idempotent, so an event seen by both is delivered once. Each sweep
reads again the last RESCAN ids before the cursor, because ids are taken when an event is
written and a transaction that commits late can add an id below ones already read."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from klient.core.models import Event

from .actions import queue_for_events
from .models import Endpoint, EventCursor

RESCAN = 1000
CHUNK = 2000


def sweep_unpublished_events() -> int:
    """Queue deliveries for subscribed events since the cursor; returns how many."""
    endpoints = list(Endpoint.objects.filter(active=True).only("events", "events_after"))
    if not endpoints:
        return 0
    wanted = {kind for endpoint in endpoints for kind in endpoint.events}
    with transaction.atomic():
        cursor, _ = EventCursor.objects.select_for_update().get_or_create(pk=1)
        start = max(cursor.position - RESCAN, min(e.events_after for e in endpoints))
        ids = list(
            Event.objects.filter(pk__gt=start, kind__in=wanted)
            .order_by("pk")
            .values_list("pk", flat=True)[:CHUNK]
        )
        # A full chunk: go on from its last id; otherwise every event so far was read.
        end = ids[-1] if len(ids) == CHUNK else _last_event_id()
        queued = queue_for_events(ids)
        if end > cursor.position:
            cursor.position = end
            cursor.save(update_fields=["position"])
    return queued


def _last_event_id() -> int:
    return int(Event.objects.aggregate(last=Max("pk"))["last"] or 0)
