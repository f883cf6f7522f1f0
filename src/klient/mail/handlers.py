"""What mail does after a change commits (collected by core.wiring; each handler takes a
list of event ids and is idempotent)."""

from __future__ import annotations

from klient.conversations.events import Kind as ConversationKind
from klient.core.events import EventKind
from klient.notifications.events import Kind as NotificationKind
from klient.people.events import Kind as PeopleKind

HANDLERS: dict[EventKind, list[str]] = {
    # The honest acknowledgement of a customer's first message.
    ConversationKind.MESSAGE_RECEIVED: ["klient.mail.tasks.acknowledge_events"],
    # Agents' notifications: send their email copies promptly.
    NotificationKind.CREATED: ["klient.mail.notifications.send_for_events"],
    # Agents' invitations and password resets: send them promptly.
    PeopleKind.AGENT_INVITED: ["klient.mail.account_mail.send_for_events"],
    PeopleKind.PASSWORD_RESET_REQUESTED: ["klient.mail.account_mail.send_for_events"],
}
