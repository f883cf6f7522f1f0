"""The callbacks of each conversation an away owner's substitute covered, for the owner's
hand-back summary (registered with klient.routing.hand_back from PhoneConfig.ready): every
callback still due, and those settled during the absence, with state, due time and
attempts. And whether the substitute spoke with the customer: a call-back of theirs that
reached her, or a call they answered, counts as answering her."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .models import Call, Callback, CallbackAttempt

KEY = "callbacks"


def collect(conversation_ids: list[int], since: datetime, until: datetime) -> dict[int, Any]:
    rows = (
        Callback.objects.filter(conversation_id__in=conversation_ids)
        .filter(Q(state=Callback.State.DUE) | Q(updated_at__gte=since))
        .order_by("conversation_id", "pk")
    )
    found: dict[int, list[dict[str, Any]]] = {}
    for callback in rows:
        found.setdefault(callback.conversation_id, []).append(
            {
                "phone": callback.phone,
                "state": callback.state,
                "due": callback.due_at.isoformat(),
                "attempts": callback.attempts,
            }
        )
    return dict(found)


def answered(conversation_id: int, agent_id: int, since: datetime) -> bool:
    reached = CallbackAttempt.objects.filter(
        callback__conversation_id=conversation_id,
        agent_id=agent_id,
        outcome=CallbackAttempt.Outcome.REACHED,
        at__gt=since,
    )
    talked = Call.objects.filter(
        conversation_id=conversation_id, agent_id=agent_id, answered_at__gt=since
    )
    return reached.exists() or talked.exists()


def word(callbacks: Any) -> Iterable[str]:
    for callback in callbacks:
        values = {
            "phone": callback["phone"],
            "attempts": callback["attempts"],
            "state": _state(callback["state"]),
        }
        if callback["state"] == Callback.State.DUE:
            due = parse_datetime(callback["due"])
            values["due"] = timezone.localtime(due).strftime("%Y-%m-%d %H:%M") if due else "?"
            yield _("  call-back to %(phone)s: due %(due)s, attempts so far: %(attempts)d") % values
        else:
            yield _("  call-back to %(phone)s: %(state)s, attempts: %(attempts)d") % values


def _state(code: str) -> str:
    try:
        return str(Callback.State(code).label)
    except ValueError:
        return code
