"""What the live layer does after a change commits (collected by core.wiring): tell the
agents' open pages, for every kind that changes what they show."""

from __future__ import annotations

from klient.core.events import EventKind

from .publish import LIVE_KINDS, NotificationKind

HANDLERS: dict[EventKind, list[str]] = {
    kind: ["klient.live.publish.push_conversation_changes"] for kind in LIVE_KINDS
}
HANDLERS[NotificationKind.CREATED] = ["klient.live.publish.push_notifications"]
