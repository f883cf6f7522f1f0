"""After-commit handler (core.wiring.EVENT_HANDLERS): tell the sockets of the agents who
may see a conversation that it changed. The notice carries only the reference and the
kinds of change; the page fetches what changed over HTTP, where access is checked again,
so a socket never receives content. Idempotent: a repeated notice only causes a refetch.

Each group gets one channel-layer message per batch of events, listing its notices (the
consumer passes them on to the page one by one): a message per conversation and group
cost the worker more than storing the mail when a batch held hundreds of conversations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from klient.conversations.events import Kind as ConversationKind
from klient.core import socket_bridge as bridge
from klient.core.models import Event
from klient.notifications.events import Kind as NotificationKind

from . import groups

# The kinds that change what an inbox row or a conversation page shows.
LIVE_KINDS = (
    ConversationKind.CONVERSATION_CREATED,
    ConversationKind.MESSAGE_RECEIVED,
    ConversationKind.MESSAGE_OUTBOUND_QUEUED,
    ConversationKind.MESSAGE_UNDONE,
    ConversationKind.NOTE_ADDED,
    ConversationKind.STATUS_CHANGED,
    ConversationKind.ASSIGNEE_CHANGED,
    ConversationKind.PRIORITY_CHANGED,
    ConversationKind.TEAM_CHANGED,
    ConversationKind.TAGS_CHANGED,
    ConversationKind.DELIVERY_SENT,
    ConversationKind.DELIVERY_BOUNCED,
    ConversationKind.DELIVERY_FAILED,
    ConversationKind.DELIVERY_RESEND_REQUESTED,
)

# The channel-layer message type (handled by LiveConsumer.conversations_changed).
CHANGED = "conversations.changed"


@dataclass
class _Change:
    reference: str
    kinds: list[str] = field(default_factory=list)
    last_event: int = 0
    audience: set[str] = field(default_factory=set)


def _former_audience(event: Event) -> set[str]:
    """A conversation moved away from a team or an agent: they see it leave."""
    previous: Any = (event.data or {}).get("from")
    if not isinstance(previous, int):
        return set()
    if event.kind == ConversationKind.TEAM_CHANGED:
        return {groups.team(previous)}
    if event.kind == ConversationKind.ASSIGNEE_CHANGED:
        return {groups.user(previous)}
    return set()


def changes_for_events(event_ids: list[int]) -> list[_Change]:
    """One change per conversation, in the order of its last event."""
    changes: dict[int, _Change] = {}
    events = (
        Event.objects.filter(pk__in=event_ids, conversation__isnull=False)
        .select_related("conversation")
        .only(
            "pk",
            "kind",
            "data",
            "conversation__id",
            "conversation__team_id",
            "conversation__assignee_id",
            "conversation__automatic",
        )
        .order_by("pk")
    )
    for event in events:
        conversation = event.conversation
        assert conversation is not None
        change = changes.setdefault(conversation.pk, _Change(conversation.reference))
        if event.kind not in change.kinds:
            change.kinds.append(event.kind)
        change.last_event = event.pk
        if conversation.automatic:
            # Opened by automatic replies alone: only admins' "Automatic" view lists it, so
            # only admins hear of it; agents' inboxes would refetch for nothing.
            change.audience.add(groups.ADMINS)
            continue
        change.audience |= {groups.ADMINS, groups.team(conversation.team_id)}
        if conversation.assignee_id:
            change.audience.add(groups.user(conversation.assignee_id))
        change.audience |= _former_audience(event)
    return sorted(changes.values(), key=lambda change: change.last_event)


def notices_by_group(event_ids: list[int]) -> dict[str, list[dict[str, Any]]]:
    """For each group with something to hear, its notices in the order of their last
    event."""
    by_group: dict[str, list[dict[str, Any]]] = {}
    for change in changes_for_events(event_ids):
        notice = {"reference": change.reference, "kinds": change.kinds, "event": change.last_event}
        for group in change.audience:
            by_group.setdefault(group, []).append(notice)
    return by_group


# The channel-layer message type (LiveConsumer.notifications_changed): the agent's bell.
NOTIFIED = "notifications.changed"


def push_notifications(event_ids: list[int]) -> None:
    """Tell each notified agent's open pages that their bell changed (nothing else: the
    page fetches its bell over HTTP, as it fetches a conversation)."""
    recipients = {
        data["recipient"]
        for data in Event.objects.filter(
            pk__in=event_ids, kind=NotificationKind.CREATED
        ).values_list("data", flat=True)
        if isinstance(data, dict) and isinstance(data.get("recipient"), int)
    }
    bridge.group_send_all([(groups.user(pk), {"type": NOTIFIED}) for pk in sorted(recipients)])


def push_conversation_changes(event_ids: list[int]) -> None:
    bridge.group_send_all(
        [
            (group, {"type": CHANGED, "changes": notices})
            for group, notices in sorted(notices_by_group(event_ids).items())
        ]
    )
