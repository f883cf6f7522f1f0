"""What agents have read: a read marker per agent and conversation, written when the agent
opens the conversation's page; the inbox marks a conversation unread for an agent when a
customer message came in after the newest message that agent was shown.

This is the one writer of ReadMarker. It appends no event on purpose: an event records a
change of the conversation, and opening a page changes nothing in it. An event per page
view would bury the timeline and the audit log under views, grow the events table with
every click, and wake the event handlers for nothing; what an agent last read is a
per-agent preference-like state, overwritten in place (docs/workspace.md, "Unread")."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from .models import Conversation, ReadMarker


def mark_read(conversation: Conversation, *, agent: Any, seen_message_id: int) -> None:
    """Record that `agent` opened `conversation` and was shown its messages up to
    `seen_message_id` (the newest id on the page; 0 for none). One statement, an upsert
    on (conversation, agent), atomic by itself: no transaction block (and no savepoint
    on every page view) is needed."""
    if agent is None or not agent.is_authenticated:
        return
    ReadMarker.objects.bulk_create(
        [
            ReadMarker(
                conversation=conversation,
                agent=agent,
                read_at=timezone.now(),
                seen_message_id=seen_message_id,
            )
        ],
        update_conflicts=True,
        unique_fields=["conversation", "agent"],
        update_fields=["read_at", "seen_message_id"],
    )
