"""/insights/sentiment (a text's sentiment, nothing stored), /recovery-tasks (relationships at
risk on conversations in the caller's scope, and the caller's own) and
/recovery-tasks/{id}/close (with an outcome). A task outside the scope is a 404; an empty
outcome or a closed task is a 422."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from klient.sentiment import actions, analyser
from klient.sentiment.models import RecoveryTask
from klient.sentiment.queries import access_recovery_task, recovery_tasks_for

from .auth import caller
from .schemas import ErrorOut
from .serializers import agent_ref

router = Router(tags=["sentiment"])


class SentimentIn(Schema):
    text: str = Field(..., max_length=100_000)
    language: Literal["en", "fr", "pl", "de", "uk"] | None = Field(
        None, description="Detected from the text when left out."
    )


class SentimentOut(Schema):
    label: Literal["negative", "neutral", "positive"]
    score: float = Field(..., description="From -1 (most negative) to 1 (most positive).")
    at_risk: bool
    reasons: list[dict[str, Any]] = Field(
        ...,
        description=(
            'Findings: {"kind": negative|positive|leaving|elsewhere|public|repeated, "quote", '
            '"start", "end", "weight", "negated"}.'
        ),
    )


@router.post(
    "/insights/sentiment",
    response={200: SentimentOut, 401: ErrorOut, 422: ErrorOut},
    summary="A customer text's sentiment and whether the relationship is at risk",
)
def insights_sentiment(request: HttpRequest, payload: SentimentIn) -> Any:
    language = actions.language_of(payload.text, payload.language or "")
    result = analyser.analyse(payload.text, language)
    return {
        "label": result.label,
        "score": result.score,
        "at_risk": result.at_risk,
        "reasons": [finding.as_dict() for finding in result.reasons],
    }


class AgentRefOut(Schema):
    id: int
    name: str
    email: str


class RecoveryTaskOut(Schema):
    id: int
    conversation: str = Field(..., description='The conversation\'s reference ("K-1042").')
    reasons: list[dict[str, Any]]
    due_at: str
    assignee: AgentRefOut | None
    state: Literal["open", "closed"]


class RecoveryTasksOut(Schema):
    items: list[RecoveryTaskOut]


class RecoveryTaskParams(Schema):
    state: Literal["open", "closed", "all"] = "open"


class CloseIn(Schema):
    outcome: str = Field(..., max_length=actions.MAX_OUTCOME)


def task_out(task: RecoveryTask) -> dict[str, Any]:
    return {
        "id": task.pk,
        "conversation": task.conversation.reference,
        "reasons": list(task.reasons),
        "due_at": task.due_at.isoformat(),
        "assignee": agent_ref(task.assignee),
        "state": task.state,
    }


@router.get(
    "/recovery-tasks",
    response={200: RecoveryTasksOut, 401: ErrorOut, 422: ErrorOut},
    summary="Recovery tasks: customers at risk on your conversations, and yours",
)
def list_recovery_tasks(request: HttpRequest, params: Query[RecoveryTaskParams]) -> Any:
    rows = recovery_tasks_for(caller(request), params.state)
    return {"items": [task_out(task) for task in rows]}


@router.post(
    "/recovery-tasks/{id}/close",
    response={200: RecoveryTaskOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Close a recovery task with its outcome",
)
def close_recovery_task(request: HttpRequest, id: int, payload: CloseIn) -> Any:
    user = caller(request)
    task = access_recovery_task(user, id)
    return task_out(actions.close_recovery_task(task, outcome=payload.outcome, actor=user))
