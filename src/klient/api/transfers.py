"""POST /conversations/{ref}/transfer: move a conversation to another agent or team with a
handover note (klient.conversations.transfers). An empty note is refused (422)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from klient.conversations.access import access_conversation
from klient.conversations.transfers import transfer
from klient.people.queries import team_by_ref
from klient.reports.queries import ReportError, Window
from klient.reports.transfers import transfer_figures

from .auth import caller
from .schemas import AgentRef, ErrorOut
from .serializers import agent_ref

router = Router(tags=["conversations"])


class TransferIn(Schema):
    agent: int | None = Field(None, description="An agent id: the receiver.")
    team: int | str | None = Field(
        None,
        description="A team id or name: the receiving team (unassigned there, unless "
        "`agent` is given too).",
    )
    note: str = Field(..., description="The handover note; required, never empty.")


class TransferOut(Schema):
    conversation: str
    assignee: AgentRef | None
    team: str
    note: int = Field(..., description="The note's message id, pinned for the receiver.")


@router.post(
    "/conversations/{ref}/transfer",
    response={200: TransferOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Transfer a conversation to another agent or team, with a handover note",
)
def post_transfer(request: HttpRequest, ref: str, payload: TransferIn) -> Any:
    user = caller(request)
    conversation = access_conversation(user, ref)
    # Any team may receive: handing over to a team one is not in is the point of it.
    team = None
    if payload.team is not None:
        team = team_by_ref(str(payload.team))
        if team is None:
            raise ValidationError(f"No team {payload.team!r}.")
    agent = None
    if payload.agent is not None:
        agent = get_user_model().objects.filter(pk=payload.agent).first()
        if agent is None:
            raise ValidationError(f"No agent with the id {payload.agent}.")
    note = transfer(conversation, actor=user, note=payload.note, agent=agent, team=team)
    conversation.refresh_from_db()
    return {
        "conversation": conversation.reference,
        "assignee": agent_ref(conversation.assignee),
        "team": conversation.team.name,
        "note": note.pk,
    }


class TransferReportParams(Schema):
    from_: str | None = Field(None, alias="from", description="YYYY-MM-DD, inclusive.")
    to: str | None = Field(None, description="YYYY-MM-DD, inclusive.")


class MostTransferred(Schema):
    conversation: str
    transfers: int


class TransferReportOut(Schema):
    conversations: int = Field(..., description="Conversations transferred at least once.")
    transfers: int
    per_conversation: float | None = Field(..., description="Transfers per such conversation.")
    distribution: dict[str, int] = Field(..., description='"1", "2", "3+" -> conversations.')
    most: list[MostTransferred]


@router.get(
    "/reports/transfers",
    response={200: TransferReportOut, 401: ErrorOut, 422: ErrorOut},
    summary="Transfers per conversation in a window (your teams; all for admins)",
)
def transfer_report(request: HttpRequest, params: Query[TransferReportParams]) -> Any:
    try:
        window = Window.parse(params.from_, params.to)
    except ReportError as exc:
        return Status(422, {"detail": str(exc)})
    figures = transfer_figures(caller(request), window=window)
    return {
        "conversations": figures.conversations,
        "transfers": figures.transfers,
        "per_conversation": figures.per_conversation,
        "distribution": figures.distribution,
        "most": [{"conversation": ref, "transfers": n} for ref, n in figures.most],
    }
