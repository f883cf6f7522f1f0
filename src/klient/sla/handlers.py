"""What the SLA does after a change commits (collected by core.wiring; each handler takes a
list of event ids and is idempotent)."""

from __future__ import annotations

from klient.calendars.events import Kind as CalendarKind
from klient.conversations.events import Kind as ConversationKind
from klient.core.events import EventKind

from .events import Kind

_RECOMPUTE = "klient.sla.tasks.recompute_for_events"  # the clock follows every change it reads
_POLICY_CHANGE = "klient.sla.admin_tasks.recompute_after_policy_change"

HANDLERS: dict[EventKind, list[str]] = {
    ConversationKind.MESSAGE_RECEIVED: [_RECOMPUTE],
    ConversationKind.DELIVERY_SENT: [_RECOMPUTE],
    ConversationKind.DELIVERY_BOUNCED: [_RECOMPUTE],
    ConversationKind.DELIVERY_FAILED: [_RECOMPUTE],
    ConversationKind.STATUS_CHANGED: [_RECOMPUTE],
    ConversationKind.PRIORITY_CHANGED: [_RECOMPUTE],
    ConversationKind.TEAM_CHANGED: [_RECOMPUTE],
    ConversationKind.TAGS_CHANGED: [_RECOMPUTE],  # SLA policies may match on a tag
    # The survivor may carry the source's wait; the source's clock stops.
    ConversationKind.CONVERSATION_MERGED: [_RECOMPUTE],
    ConversationKind.CONVERSATION_MERGED_INTO: [_RECOMPUTE],
    # SLA administration: recompute the affected open conversations in batches.
    Kind.POLICY_SAVED: [_POLICY_CHANGE],
    Kind.POLICY_DELETED: [_POLICY_CHANGE],
    Kind.POLICIES_REORDERED: [_POLICY_CHANGE],
    CalendarKind.WORKING_HOURS_SAVED: ["klient.sla.admin_tasks.recompute_after_hours_change"],
}
