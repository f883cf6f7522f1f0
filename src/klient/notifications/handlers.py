"""What notifications do after a change commits (collected by core.wiring; each handler
takes a list of event ids and is idempotent)."""

from __future__ import annotations

from klient.conversations.events import Kind as ConversationKind
from klient.core.events import EventKind

_UNDELIVERED = "klient.notifications.undelivered.notify_undelivered"

HANDLERS: dict[EventKind, list[str]] = {
    # A reply that did not reach the customer: its author is told, with the reason.
    ConversationKind.DELIVERY_FAILED: [_UNDELIVERED],
    ConversationKind.DELIVERY_BOUNCED: [_UNDELIVERED],
    # The receiver of a transfer reads the handover note (issue 14).
    ConversationKind.CONVERSATION_TRANSFERRED: [
        "klient.notifications.transfers.notify_transferred"
    ],
}
