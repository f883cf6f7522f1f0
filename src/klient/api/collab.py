"""Colleague requests and follow-ups (klient.collab). Thin: parse, get the object through
the access functions (404 outside the caller's scope), call one action, answer."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from klient.collab import actions, followups
from klient.collab.access import access_request, requests_asked_of, requests_visible_to
from klient.collab.models import ColleagueRequest, FollowUp
from klient.conversations.access import access_conversation
from klient.people.models import Team

from .auth import caller
from .schemas import AgentRef, ErrorOut, TeamRef
from .serializers import agent_ref

router = Router(tags=["collaboration"])
MAX_LIST = 200


class ColleagueRequestIn(Schema):
    """Ask exactly one of: an agent (id or email) or a team (id or name)."""

    model_config = ConfigDict(extra="forbid")

    question: str
    agent: str | None = None
    team: str | None = None


class AnswerIn(Schema):
    model_config = ConfigDict(extra="forbid")

    answer: str


class FollowUpIn(Schema):
    model_config = ConfigDict(extra="forbid")

    days: int = Field(..., description="Reopen after this many days (1-90) without news.")


class ColleagueRequestOut(Schema):
    id: int
    conversation: str
    question: str
    state: str
    asked_by: AgentRef
    asked_agent: AgentRef | None
    asked_team: TeamRef | None
    taken_by: AgentRef | None
    answer: str
    answered_by: AgentRef | None
    created_at: datetime
    answered_at: datetime | None
    customer_waiting_since: datetime | None


class FollowUpOut(Schema):
    id: int
    conversation: str
    status: str
    days: int
    due_at: datetime
    state: str


class ListParams(Schema):
    mine: bool = Field(False, description="Only requests asked of me or of my teams.")
    state: str = Field("open", description="open, answered, cancelled or all.")


def _out(request: ColleagueRequest) -> dict[str, Any]:
    team = request.asked_team
    return {
        "id": request.pk,
        "conversation": request.conversation.reference,
        "question": request.question,
        "state": request.state,
        "asked_by": agent_ref(request.asked_by),
        "asked_agent": agent_ref(request.asked_agent),
        "asked_team": {"id": team.pk, "name": team.name} if team else None,
        "taken_by": agent_ref(request.taken_by),
        "answer": request.answer,
        "answered_by": agent_ref(request.answered_by),
        "created_at": request.created_at,
        "answered_at": request.answered_at,
        "customer_waiting_since": request.conversation.waiting_since,
    }


def _target(payload: ColleagueRequestIn) -> tuple[Any, Team | None]:
    if (payload.agent is None) == (payload.team is None):
        raise ValidationError("Give exactly one of agent or team.")
    if payload.team is not None:
        value = payload.team.strip()
        team = (
            Team.objects.filter(pk=int(value)).first()
            if value.isdigit()
            else Team.objects.filter(name__iexact=value).first()
        )
        if team is None:
            raise ValidationError(f"No team {value!r}.")
        return None, team
    value = (payload.agent or "").strip()
    users = get_user_model().objects.filter(is_active=True)
    agent = (
        users.filter(pk=int(value)).first()
        if value.isdigit()
        else users.filter(email__iexact=value).first()
    )
    if agent is None:
        raise ValidationError(f"No active agent {value!r}.")
    return agent, None


_RELATED = ("conversation", "asked_by", "asked_agent", "asked_team", "taken_by", "answered_by")


@router.post(
    "/conversations/{ref}/colleague-requests",
    response={201: ColleagueRequestOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Ask a colleague or a team about a conversation",
)
def post_colleague_request(request: HttpRequest, ref: str, payload: ColleagueRequestIn) -> Any:
    conversation = access_conversation(caller(request), ref)
    agent, team = _target(payload)
    asked = actions.ask(
        conversation, actor=caller(request), question=payload.question, agent=agent, team=team
    )
    return Status(201, _out(ColleagueRequest.objects.select_related(*_RELATED).get(pk=asked.pk)))


@router.get(
    "/colleague-requests",
    response={200: list[ColleagueRequestOut], 401: ErrorOut, 422: ErrorOut},
    summary="Colleague requests you can see",
)
def list_colleague_requests(request: HttpRequest, params: Query[ListParams]) -> Any:
    """With mine=1, those asked of you or of your teams; else every one you can see."""
    user = caller(request)
    rows = requests_asked_of(user) if params.mine else requests_visible_to(user)
    if params.state != "all":
        if params.state not in ColleagueRequest.State.values:
            raise ValidationError("state must be open, answered, cancelled or all.")
        rows = rows.filter(state=params.state)
    rows = rows.select_related(*_RELATED).order_by("-created_at", "-id")[:MAX_LIST]
    return [_out(r) for r in rows]


@router.post(
    "/colleague-requests/{id}/answer",
    response={200: ColleagueRequestOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Answer a colleague request",
)
def post_answer(request: HttpRequest, id: int, payload: AnswerIn) -> Any:
    colleague_request = access_request(caller(request), id)
    actions.answer(colleague_request, actor=caller(request), text=payload.answer)
    return _out(ColleagueRequest.objects.select_related(*_RELATED).get(pk=id))


@router.post(
    "/conversations/{ref}/follow-up",
    response={201: FollowUpOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Solve and check back in N days",
)
def post_follow_up(request: HttpRequest, ref: str, payload: FollowUpIn) -> Any:
    """Solves the conversation; if the customer has not written after `days` days, it
    reopens with an internal note and the assignee is notified."""
    conversation = access_conversation(caller(request), ref)
    follow_up: FollowUp = followups.solve_and_check_back(
        conversation, actor=caller(request), days=payload.days
    )
    return Status(
        201,
        {
            "id": follow_up.pk,
            "conversation": conversation.reference,
            "status": follow_up.conversation.status,
            "days": follow_up.days,
            "due_at": follow_up.due_at,
            "state": follow_up.state,
        },
    )
