"""What a webhook carries: the body `{"type", "timestamp", "data"}` (docs/webhooks.md).

`data` is the same shape for every event type, so receivers can rely on it:
  event         the Klient event id (null for a message an automation sent)
  occurred_at   when it happened (ISO 8601, UTC)
  actor         who did it, as Klient shows it ("" for Klient itself or a customer)
  conversation  null, or {"id", "reference", "subject", "status", "priority", "channel",
                "language", "team": {"id", "name"}, "customer": id}
  details       the event's own data, as stored with the event (per type: the catalogue)
The body is written once, when the delivery is queued, and sent byte for byte on every
attempt, so one webhook-id always signs the same content."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder


def new_webhook_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def conversation_ref(conversation: Any) -> dict[str, Any] | None:
    if conversation is None:
        return None
    team = conversation.team
    return {
        "id": conversation.pk,
        "reference": conversation.reference,
        "subject": conversation.subject,
        "status": conversation.status,
        "priority": conversation.priority,
        "channel": conversation.channel,
        "language": conversation.language,
        "team": {"id": team.pk, "name": team.name},
        "customer": conversation.customer_id,
    }


def event_data(event: Any) -> dict[str, Any]:
    """The `data` of a webhook for one stored Event."""
    return {
        "event": event.pk,
        "occurred_at": _iso(event.at),
        "actor": event.actor_label,
        "conversation": conversation_ref(event.conversation),
        "details": event.data,
    }


def body(event_type: str, occurred_at: datetime, data: dict[str, Any]) -> str:
    return json.dumps(
        {"type": event_type, "timestamp": _iso(occurred_at), "data": data},
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
