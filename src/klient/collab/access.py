"""Who may see a colleague request, and the read grant a request gives.

A request is visible to whoever asked it, to whoever it is asked of (the agent, or the
members of the team), and to anyone who may see its conversation. Anything else is a 404,
like conversations.access.

The grant: while a request is open, its assignee may read that one conversation through
the request page (/collab/requests/<id>/), even outside their teams — a billing specialist
asked by support. Before a team request is taken, every member of the team is a possible
assignee and holds it; once taken, only the taker. It ends when the request is answered or
cancelled. Each first read through the grant by someone outside the scope is audited
(a `collab.grant_used` event)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404

from klient.conversations.access import conversations_in_scope
from klient.core.models import Event
from klient.people.models import Team

from . import events
from .models import ColleagueRequest


def _team_ids(user: Any) -> QuerySet[Any]:
    return Team.members.through.objects.filter(user_id=user.pk).values("team_id")


def requests_asked_of(user: Any) -> QuerySet[ColleagueRequest]:
    """Requests asked of `user` or of one of their teams (a team request taken by someone
    else stays visible to the team, it is just no longer theirs to answer)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return ColleagueRequest.objects.none()
    return ColleagueRequest.objects.filter(
        Q(asked_agent_id=user.pk) | Q(asked_team_id__in=_team_ids(user)) | Q(taken_by_id=user.pk)
    )


def requests_visible_to(user: Any) -> QuerySet[ColleagueRequest]:
    if user is None or not user.is_authenticated or not user.is_active:
        return ColleagueRequest.objects.none()
    return ColleagueRequest.objects.filter(
        Q(asked_by_id=user.pk)
        | Q(pk__in=requests_asked_of(user).values("pk"))
        | Q(conversation_id__in=conversations_in_scope(user).values("pk"))
    )


def access_request(user: Any, pk: int) -> ColleagueRequest:
    """The request with this id if `user` may see it; Http404 else."""
    request = (
        requests_visible_to(user)
        .select_related(
            "conversation__customer",
            "conversation__team",
            "asked_by",
            "asked_agent",
            "asked_team",
            "taken_by",
            "answered_by",
        )
        .filter(pk=pk)
        .first()
    )
    if request is None:
        raise Http404("No such colleague request.")
    return request


def is_assignee(user: Any, request: ColleagueRequest) -> bool:
    """May `user` answer (or take) this request?"""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if request.asked_agent_id is not None:
        return request.asked_agent_id == user.pk
    if request.taken_by_id is not None:
        return request.taken_by_id == user.pk
    if request.asked_team_id is None:
        return False
    return Team.members.through.objects.filter(
        team_id=request.asked_team_id, user_id=user.pk
    ).exists()


def grant_allows(user: Any, request: ColleagueRequest) -> bool:
    """Does this request let `user` read its conversation right now?"""
    return request.is_open and is_assignee(user, request)


def request_grants_read(user: Any, conversation_id: int) -> bool:
    """For an access layer: does an open request give `user` read access to this
    conversation? (conversations.access does not call it: the layers forbid it; collab's
    request page checks it instead.)"""
    return any(
        grant_allows(user, request)
        for request in requests_asked_of(user).filter(
            conversation_id=conversation_id, state=ColleagueRequest.State.OPEN
        )
    )


def may_read_thread(user: Any, request: ColleagueRequest) -> bool:
    """Through its scope, or through the request's grant (audited once per reader)."""
    if conversations_in_scope(user).filter(pk=request.conversation_id).exists():
        return True
    if not grant_allows(user, request):
        return False
    # Pages are read outside any transaction; the audit row needs its own.
    with transaction.atomic():
        already = Event.objects.filter(
            conversation_id=request.conversation_id,
            kind=events.Kind.GRANT_USED,
            actor_id=user.pk,
            data__request=request.pk,
        ).exists()
        if not already:
            events.thread_read_through_grant(request, actor=user)
    return True
