"""Handlers (klient.core.wiring): every inbound customer message is analysed; a bad
satisfaction rating opens a recovery task. Idempotent: the outbox may run them again."""

from __future__ import annotations

from klient.conversations.events import Kind as ConversationKind
from klient.conversations.models import Message
from klient.core.models import Event
from klient.core.transactions import entry_point
from klient.surveys.events import Kind as SurveyKind

from . import actions


def analyse_for_events(event_ids: list[int]) -> None:
    """Wired on message.received, before automation rules (which read the sentiment)."""
    message_ids = [
        event.data.get("message")
        for event in Event.objects.filter(pk__in=event_ids, kind=ConversationKind.MESSAGE_RECEIVED)
    ]
    messages = Message.objects.select_related(
        "conversation__team__lead", "conversation__customer__organisation"
    ).filter(pk__in=[pk for pk in message_ids if pk], sentiment__isnull=True)
    for message in messages.order_by("created_at", "id"):
        with entry_point():
            actions.analyse_message(message)


def recovery_for_bad_ratings(event_ids: list[int]) -> None:
    """Wired on survey.answered and survey.changed: a bad rating feeds the at-risk signal."""
    rows = Event.objects.select_related("conversation").filter(
        pk__in=event_ids, kind__in=[SurveyKind.ANSWERED, SurveyKind.CHANGED]
    )
    for event in rows.order_by("at", "id"):
        if not event.data.get("bad") or event.conversation is None:
            continue
        with entry_point():
            actions.open_recovery_task(
                event.conversation,
                reasons=[
                    {
                        "kind": "bad_rating",
                        "rating": event.data.get("rating"),
                        "survey": event.data.get("survey"),
                    }
                ],
                source_key=f"survey:{event.data.get('survey')}:{event.pk}",
            )
