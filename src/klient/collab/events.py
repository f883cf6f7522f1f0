"""One constructor per collab Event kind. All are on the conversation, so the request,
its answer and the follow-up show in the conversation's timeline and audit log."""

from __future__ import annotations

from typing import Any

from klient.core.events import append
from klient.core.models import Event

from .models import ColleagueRequest, FollowUp


def _target(request: ColleagueRequest) -> dict[str, Any]:
    return {"request": request.pk, "agent": request.asked_agent_id, "team": request.asked_team_id}


def request_asked(request: ColleagueRequest, *, actor: Any) -> Event:
    """Also the audit record of the grant: the assignee may read this conversation."""
    return append(
        "collab.asked", conversation=request.conversation, actor=actor, data=_target(request)
    )


def request_taken(request: ColleagueRequest, *, actor: Any) -> Event:
    return append(
        "collab.taken",
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
        "collab.answered",
        conversation=request.conversation,
        actor=actor,
        data={**_target(request), "answered_by": request.answered_by_id, "seconds": seconds},
    )


def request_cancelled(request: ColleagueRequest, *, actor: Any) -> Event:
    """Ends the grant."""
    return append(
        "collab.cancelled", conversation=request.conversation, actor=actor, data=_target(request)
    )


def thread_read_through_grant(request: ColleagueRequest, *, actor: Any) -> Event:
    """Someone outside the conversation's scope read it through the request's grant."""
    return append(
        "collab.grant_used",
        conversation=request.conversation,
        actor=actor,
        data={"request": request.pk, "user": actor.pk},
    )


def follow_up_scheduled(follow_up: FollowUp, *, actor: Any) -> Event:
    return append(
        "followup.scheduled",
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
        "followup.cancelled",
        conversation=follow_up.conversation,
        actor=actor,
        actor_label="" if actor else "system",
        data={"follow_up": follow_up.pk, "reason": reason},
    )


def follow_up_fired(follow_up: FollowUp) -> Event:
    return append(
        "followup.fired",
        conversation=follow_up.conversation,
        actor_label="system",
        data={"follow_up": follow_up.pk, "days": follow_up.days},
    )
