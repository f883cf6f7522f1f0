"""The collab Event kinds, and one constructor per kind. All are on the conversation, so
the request, its answer and the follow-up show in the conversation's timeline and audit
log."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from klient.core.events import EventKind, append

if TYPE_CHECKING:
    from klient.core.models import Event

    from .models import ColleagueRequest, FollowUp


class Kind(EventKind):
    ASKED = "collab.asked", _("Colleague asked")
    TAKEN = "collab.taken", _("Colleague request taken")
    ANSWERED = "collab.answered", _("Colleague answered")
    CANCELLED = "collab.cancelled", _("Colleague request withdrawn")
    GRANT_USED = "collab.grant_used", _("Read through a colleague request")
    FOLLOW_UP_SCHEDULED = "followup.scheduled", _("Follow-up scheduled")
    FOLLOW_UP_CANCELLED = "followup.cancelled", _("Follow-up cancelled")
    FOLLOW_UP_FIRED = "followup.fired", _("Reopened by a follow-up")


def _target(request: ColleagueRequest) -> dict[str, Any]:
    return {"request": request.pk, "agent": request.asked_agent_id, "team": request.asked_team_id}


def request_asked(request: ColleagueRequest, *, actor: Any) -> Event:
    """Also the audit record of the grant: the assignee may read this conversation."""
    return append(Kind.ASKED, conversation=request.conversation, actor=actor, data=_target(request))


def request_taken(request: ColleagueRequest, *, actor: Any) -> Event:
    return append(
        Kind.TAKEN,
        conversation=request.conversation,
        actor=actor,
        data={**_target(request), "taken_by": request.taken_by_id},
    )


def request_answered(request: ColleagueRequest, *, actor: Any) -> Event:
    """Ends the grant."""
    seconds = (
        int((request.answered_at - request.created_at).total_seconds())
        if request.answered_at
        else None
    )
    return append(
        Kind.ANSWERED,
        conversation=request.conversation,
        actor=actor,
        data={**_target(request), "answered_by": request.answered_by_id, "seconds": seconds},
    )


def request_cancelled(request: ColleagueRequest, *, actor: Any) -> Event:
    """Ends the grant."""
    return append(
        Kind.CANCELLED, conversation=request.conversation, actor=actor, data=_target(request)
    )


def thread_read_through_grant(request: ColleagueRequest, *, actor: Any) -> Event:
    """Someone outside the conversation's scope read it through the request's grant."""
    return append(
        Kind.GRANT_USED,
        conversation=request.conversation,
        actor=actor,
        data={"request": request.pk, "user": actor.pk},
    )


def follow_up_scheduled(follow_up: FollowUp, *, actor: Any) -> Event:
    return append(
        Kind.FOLLOW_UP_SCHEDULED,
        conversation=follow_up.conversation,
        actor=actor,
        data={
            "follow_up": follow_up.pk,
            "days": follow_up.days,
            "due_at": follow_up.due_at.isoformat(),
        },
    )


def follow_up_cancelled(follow_up: FollowUp, *, reason: str, actor: Any = None) -> Event:
    return append(
        Kind.FOLLOW_UP_CANCELLED,
        conversation=follow_up.conversation,
        actor=actor,
        actor_label="" if actor else "system",
        data={"follow_up": follow_up.pk, "reason": reason},
    )


def follow_up_fired(follow_up: FollowUp) -> Event:
    return append(
        Kind.FOLLOW_UP_FIRED,
        conversation=follow_up.conversation,
        actor_label="system",
        data={"follow_up": follow_up.pk, "days": follow_up.days},
    )
