"""Recovery tasks a person may see: those on conversations in their scope, and their own."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404

from klient.conversations.access import conversations_in_scope

from .models import RecoveryTask

STATES = ("open", "closed", "all")


def recovery_tasks_for(user: Any, state: str = "open") -> QuerySet[RecoveryTask]:
    if state not in STATES:
        raise ValueError(f"state must be one of {', '.join(STATES)}")
    rows = RecoveryTask.objects.select_related("conversation", "assignee").filter(
        Q(conversation_id__in=conversations_in_scope(user).values("pk")) | Q(assignee_id=user.pk)
    )
    if state != "all":
        rows = rows.filter(state=state)
    return rows.order_by("state", "due_at", "id")


def access_recovery_task(user: Any, pk: int) -> RecoveryTask:
    """The task if `user` may see it; Http404 else (its existence does not leak)."""
    task = recovery_tasks_for(user, "all").filter(pk=pk).first()
    if task is None:
        raise Http404("No such recovery task.")
    return task
