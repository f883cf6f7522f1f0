"""Agents' notifications (the bell and its email copies) about a customer's conversations,
or quoting what is erased anywhere: their free text is emptied where it quotes the
customer (klient.privacy.scrub), and the questions, answers and subjects they carry are
emptied outright; who was told what kind of thing, and when, stays."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from klient.notifications.models import Notification

from ..quoting import candidates
from ..records import add
from ..scope import Scope
from ..scrub import scrub

# Parameters that carry what someone wrote, never a code or an id.
QUOTING_PARAMS = ("question", "answer", "subject")


def _rows(scope: Scope) -> list[Notification]:
    ids = set(
        Notification.objects.filter(conversation_id__in=scope.conversation_ids).values_list(
            "pk", flat=True
        )
    )
    ids |= candidates(
        Notification,
        ~Q(conversation_id__in=scope.conversation_ids),
        scope.identifiers,
        text=["text", "email_error"],
        json=["params"],
    )
    return list(Notification.objects.filter(pk__in=ids).order_by("id"))


def _erased(notification: Notification, scope: Scope) -> tuple[str, Any, str]:
    params = scrub(notification.params, scope.found)
    if isinstance(params, dict) and notification.conversation_id in scope.conversation_ids:
        params = {k: ("" if k in QUOTING_PARAMS and isinstance(v, str) else v)
                  for k, v in params.items()}  # fmt: skip
    return (
        scrub(notification.text, scope.found),
        params,
        scrub(notification.email_error, scope.found),
    )


def _changed(scope: Scope) -> list[Notification]:
    changed = []
    for notification in _rows(scope):
        erased = _erased(notification, scope)
        if erased != (notification.text, notification.params, notification.email_error):
            notification.text, notification.params, notification.email_error = erased
            changed.append(notification)
    return changed


def export(scope: Scope) -> dict[str, Any]:
    return {}  # agents' own notifications: nothing the customer gave beyond the messages


def preview(scope: Scope) -> dict[str, int]:
    return {"notifications": len(_changed(scope))}


def erase(scope: Scope, counts: dict[str, int]) -> None:
    changed = _changed(scope)
    Notification.objects.bulk_update(changed, ["text", "params", "email_error"], batch_size=500)
    add(counts, "notifications", len(changed))
