"""What routing does after a change commits (collected by core.wiring; each handler takes
a list of event ids and is idempotent)."""

from __future__ import annotations

from klient.conversations.events import Kind as ConversationKind
from klient.core.events import EventKind
from klient.people.events import Kind as PeopleKind

HANDLERS: dict[EventKind, list[str]] = {
    # A new conversation, or a customer's message on one whose assignee is away, is routed.
    ConversationKind.CONVERSATION_CREATED: ["klient.routing.intake.route_for_events"],
    ConversationKind.MESSAGE_RECEIVED: ["klient.routing.intake.route_for_events"],
    # An agent coming online takes what waits in the queue.
    PeopleKind.AGENT_STATUS_CHANGED: ["klient.routing.intake.drain_for_events"],
}
