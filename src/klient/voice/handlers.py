"""What voice of the customer does after other changes commit (klient.core.wiring): a
customer's message or a call (its transcript) makes its team's topics due for
recomputation (klient.voice.refresh). Only dotted paths here: this table is read while
the apps load."""

from __future__ import annotations

from klient.conversations.events import Kind as ConversationKind
from klient.core.events import EventKind
from klient.phone.events import Kind as PhoneKind

REFRESH = "klient.voice.refresh.refresh_for_events"
HANDLERS: dict[EventKind, list[str]] = {
    ConversationKind.MESSAGE_RECEIVED: [REFRESH],
    PhoneKind.CALL_LOGGED: [REFRESH],
    PhoneKind.CALL_UPDATED: [REFRESH],
}
