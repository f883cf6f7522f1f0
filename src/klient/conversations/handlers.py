"""What conversations do after a change commits (collected by core.wiring; each handler
takes a list of event ids and is idempotent)."""

from __future__ import annotations

from klient.core.events import EventKind
from klient.people.events import Kind as PeopleKind

from .events import Kind

HANDLERS: dict[EventKind, list[str]] = {
    # Each queued reply goes to its channel's deliverer (conversations.channel_registry).
    Kind.MESSAGE_OUTBOUND_QUEUED: ["klient.conversations.channel_registry.deliver_for_events"],
    # A resent delivery goes to its channel the same way.
    Kind.DELIVERY_RESEND_REQUESTED: ["klient.conversations.channel_registry.deliver_for_events"],
    # A deactivated agent's open conversations go back to their team's queue.
    PeopleKind.AGENT_DEACTIVATED: ["klient.conversations.departures.release_for_events"],
}
