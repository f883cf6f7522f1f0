"""What collab does after a change commits (collected by core.wiring; each handler takes a
list of event ids and is idempotent)."""

from __future__ import annotations

from klient.conversations.events import Kind as ConversationKind
from klient.core.events import EventKind

_FOLLOW_UPS = "klient.collab.followups.handle_events"  # customer word or reopen cancels them

HANDLERS: dict[EventKind, list[str]] = {
    ConversationKind.MESSAGE_RECEIVED: [_FOLLOW_UPS],
    ConversationKind.STATUS_CHANGED: [_FOLLOW_UPS],
}
