"""The phone Event kinds, and one constructor per kind."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from klient.core.events import EventKind, append

if TYPE_CHECKING:
    from klient.core.models import Event

    from .models import Call, Callback, CallbackAttempt


class Kind(EventKind):
    CALL_LOGGED = "call.logged", _("Phone call logged")
    CALL_UPDATED = "call.updated", _("Phone call updated")
    CALLBACK_REQUESTED = "callback.requested", _("Callback requested")
    CALLBACK_ATTEMPTED = "callback.attempted", _("Callback attempted")


def call_logged(call: Call, *, actor: Any = None, actor_label: str = "") -> Event:
    return append(
        Kind.CALL_LOGGED,
        conversation=call.conversation,
        actor=actor,
        actor_label=actor_label,
        at=call.started_at,
        data=_call_data(call),
    )


def call_updated(call: Call, changed: list[str], *, actor_label: str = "") -> Event:
    return append(
        Kind.CALL_UPDATED,
        conversation=call.conversation,
        actor_label=actor_label,
        data={**_call_data(call), "changed": changed},
    )


def _call_data(call: Call) -> dict[str, Any]:
    return {
        "call": call.pk,
        "message": call.message_id,
        "provider": call.provider,
        "direction": call.direction,
        "state": call.state,
        "outcome": call.outcome,
        "agent": call.agent_id,
    }


def callback_requested(callback: Callback, *, actor: Any = None, actor_label: str = "") -> Event:
    return append(
        Kind.CALLBACK_REQUESTED,
        conversation=callback.conversation,
        actor=actor,
        actor_label=actor_label,
        data={
            "callback": callback.pk,
            "source": callback.source,
            "call": callback.call_id,
            "due_at": callback.due_at.isoformat(),
        },
    )


def callback_attempted(
    callback: Callback, attempt: CallbackAttempt, *, actor: Any, told: int | None
) -> Event:
    """`told`: the message that told the customer what comes next, if one went out."""
    return append(
        Kind.CALLBACK_ATTEMPTED,
        conversation=callback.conversation,
        actor=actor,
        data={
            "callback": callback.pk,
            "attempt": attempt.pk,
            "outcome": attempt.outcome,
            "attempts": callback.attempts,
            "state": callback.state,
            "next_attempt_at": attempt.next_attempt_at.isoformat()
            if attempt.next_attempt_at
            else None,
            "told": told,
        },
    )
