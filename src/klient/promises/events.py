"""The promises' Event kinds, one constructor each; all are on the conversation, so they
show in its timeline and reach automations and webhooks (promise.broken)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from klient.core.events import EventKind, append

if TYPE_CHECKING:
    from klient.core.models import Event

    from .models import Promise


class Kind(EventKind):
    OFFERED = "promise.offered", _("Promise detected in a reply")
    CONFIRMED = "promise.confirmed", _("Promise confirmed")
    KEPT = "promise.kept", _("Promise kept")
    BROKEN = "promise.broken", _("Promise broken")
    DISMISSED = "promise.dismissed", _("Promise dismissed")


def _data(promise: Promise, **more: Any) -> dict[str, Any]:
    return {
        "promise": promise.pk,
        "quote": promise.quote,
        "due_at": promise.due_at.isoformat(),
        "agent": promise.agent_id,
        "team": promise.team_id,
        **more,
    }


def offered(promise: Promise) -> Event:
    return append(
        Kind.OFFERED,
        conversation=promise.conversation,
        actor_label="system",
        data=_data(promise, message=promise.message_id),
    )


def confirmed(promise: Promise, *, actor: Any) -> Event:
    return append(
        Kind.CONFIRMED, conversation=promise.conversation, actor=actor, data=_data(promise)
    )


def kept(promise: Promise, *, actor: Any = None, by: str) -> Event:
    """`by`: "marked" (an agent said so), or the event kind that kept it."""
    return append(
        Kind.KEPT,
        conversation=promise.conversation,
        actor=actor,
        actor_label="" if actor else "system",
        data=_data(promise, by=by),
    )


def broken(promise: Promise) -> Event:
    return append(
        Kind.BROKEN, conversation=promise.conversation, actor_label="system", data=_data(promise)
    )


def dismissed(promise: Promise, *, actor: Any) -> Event:
    return append(
        Kind.DISMISSED, conversation=promise.conversation, actor=actor, data=_data(promise)
    )
