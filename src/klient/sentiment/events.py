"""Sentiment's Event kinds, one constructor each; all are on the conversation."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from klient.core.events import EventKind, append

if TYPE_CHECKING:
    from klient.core.models import Event

    from .models import MessageSentiment, RecoveryTask


class Kind(EventKind):
    ANALYSED = "sentiment.analysed", _("Customer sentiment analysed")
    RECOVERY_OPENED = "recovery_task.opened", _("Recovery task opened")
    RECOVERY_CLOSED = "recovery_task.closed", _("Recovery task closed")


def analysed(sentiment: MessageSentiment, conversation: Any) -> Event:
    return append(
        Kind.ANALYSED,
        conversation=conversation,
        actor_label="system",
        data={
            "message": sentiment.message_id,
            "label": sentiment.label,
            "score": sentiment.score,
            "at_risk": sentiment.at_risk,
        },
    )


def recovery_opened(task: RecoveryTask) -> Event:
    return append(
        Kind.RECOVERY_OPENED,
        conversation=task.conversation,
        actor_label="system",
        data={
            "task": task.pk,
            "assignee": task.assignee_id,
            "due_at": task.due_at.isoformat(),
            "reasons": [reason["kind"] for reason in task.reasons],
            "source": task.source_key,
        },
    )


def recovery_closed(task: RecoveryTask, *, actor: Any) -> Event:
    return append(
        Kind.RECOVERY_CLOSED,
        conversation=task.conversation,
        actor=actor,
        data={"task": task.pk, "outcome": task.outcome},
    )
