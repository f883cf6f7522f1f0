"""What automation rules do after a change commits (collected by core.wiring; each
handler takes a list of event ids and is idempotent)."""

from __future__ import annotations

from klient.calendars.events import Kind as CalendarKind
from klient.conversations.events import Kind as ConversationKind
from klient.core.events import EventKind
from klient.promises.events import Kind as PromiseKind
from klient.sla.events import Kind as SlaKind

from .events import Kind

_RULES = "klient.automations.engine.handle_events"  # event rules, and time rules' timers

HANDLERS: dict[EventKind, list[str]] = {
    ConversationKind.CONVERSATION_CREATED: [_RULES],
    ConversationKind.MESSAGE_RECEIVED: [_RULES],
    ConversationKind.STATUS_CHANGED: [_RULES],
    SlaKind.WARNING: [_RULES],
    SlaKind.BREACHED: [_RULES],
    PromiseKind.BROKEN: [_RULES],  # issue 17: "when a promise is broken"
    # A saved time rule: timers for the conversations already in its state.
    Kind.RULE_SAVED: ["klient.automations.actions.schedule_after_save"],
    # A team's new business hours move its business-minute timers.
    CalendarKind.WORKING_HOURS_SAVED: ["klient.automations.engine.recompute_after_hours_change"],
}
