"""What surveys do after other changes commit (klient.core.wiring): a conversation solved
schedules its survey (klient.surveys.scheduling). Only dotted paths here: this table is
read while the apps load."""

from __future__ import annotations

from klient.conversations.events import Kind as ConversationKind
from klient.core.events import EventKind

HANDLERS: dict[EventKind, list[str]] = {
    ConversationKind.STATUS_CHANGED: ["klient.surveys.scheduling.schedule_surveys"],
}
