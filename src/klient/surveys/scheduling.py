"""A conversation solved schedules its survey (wired in klient.surveys.handlers); one due at
once (no delay) is sent right away rather than at the next sweep. Idempotent: a survey is
unique per conversation."""

from __future__ import annotations

from django.utils import timezone

from klient.conversations.events import Kind as ConversationKind
from klient.conversations.models import Conversation
from klient.core.models import Event

from .actions import schedule
from .sending import send_due_surveys


def schedule_surveys(event_ids: list[int]) -> None:
    """Wired on status.changed: each conversation solved gets its survey scheduled."""
    solved = {
        event.conversation_id: event.at
        for event in Event.objects.filter(
            pk__in=event_ids, kind=ConversationKind.STATUS_CHANGED, conversation__isnull=False
        ).order_by("at", "id")
        if event.data.get("to") == Conversation.Status.SOLVED
    }
    if not solved:
        return
    due_now = 0
    conversations = Conversation.objects.select_related("team").filter(pk__in=list(solved))
    now = timezone.now()
    for conversation in conversations:
        survey = schedule(conversation, solved_at=solved[conversation.pk])
        if survey is not None and survey.next_attempt_at <= now:
            due_now += 1
    if due_now:
        send_due_surveys(limit=due_now)
