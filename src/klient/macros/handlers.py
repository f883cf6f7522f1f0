"""What macros do after a change commits (collected by core.wiring; each handler takes a
list of event ids and is idempotent)."""

from __future__ import annotations

from klient.conversations.events import Kind as ConversationKind
from klient.core.events import EventKind

HANDLERS: dict[EventKind, list[str]] = {
    # Notify the agents a note mentions.
    ConversationKind.NOTE_MENTIONED: ["klient.macros.mentions.notify_mentions_for_events"],
}
