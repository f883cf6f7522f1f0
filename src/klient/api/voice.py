"""/topics (recurring topics of the caller's managed teams, with weekly volumes) and
/corrective-actions (created from a topic by a manager, changed by a manager, closed by
their owner with what was changed).

Managers are a team's lead and administrators; an action's owner sees their action too.
A topic or an action outside the caller's scope is a 404; a change the caller may not
make (closing someone else's action) a 403; a refused value a 422 naming the field."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from klient.conversations.access import conversations_in_scope
from klient.conversations.models import Conversation
from klient.voice import actions, queries
from klient.voice.access import access_action, access_topic, actions_in_scope, topics_in_scope
from klient.voice.models import CorrectiveAction, Topic

from .auth import caller
from .schemas import AgentRef, ErrorOut, TeamRef

router = Router(tags=["voice of the customer"])


class TopicRef(Schema):
    id: int
    language: str
    label: list[str] = Field(..., description="Its characteristic words, as customers wrote them.")


class TopicOut(TopicRef):
    team: TeamRef
    volume: int = Field(..., description="Messages in the recomputation's window.")
    trend: Literal["rising", "falling", "steady", "new", "gone", ""]
    first_seen: date
    last_seen: date
    series: list[int] = Field(..., description="Messages per week, one per entry of `weeks`.")


class TopicsOut(Schema):
    weeks: list[date] = Field(..., description="The Mondays of the ISO weeks, oldest first.")
    items: list[TopicOut]


class TopicsParams(Schema):
    weeks: int = Field(12, ge=1, le=104)


class VolumeOut(Schema):
    before: float = Field(..., description="Mean messages per week in the 4 weeks before it.")
    after: float | None = Field(
        ..., description="Mean per week since it was closed (open: created), up to 4 weeks."
    )
    after_weeks: int
    since: Literal["created", "closed"]


class ActionOut(Schema):
    id: int
    topic: TopicRef
    owner: AgentRef
    created_by: AgentRef | None
    description: str
    due_date: date
    state: Literal["open", "closed"]
    resolution: str
    conversations: list[str] = Field(..., description="References, e.g. K-1042.")
    created_at: datetime
    closed_at: datetime | None
    volume: VolumeOut


class ActionsOut(Schema):
    items: list[ActionOut]


class ActionIn(Schema):
    topic: int
    owner: int = Field(..., description="The agent's id.")
    due_date: date
    description: str
    conversations: list[str] = Field(default_factory=list, description="References.")


class ActionPatch(Schema):
    description: str | None = None
    due_date: date | None = None
    owner: int | None = None
    conversations: list[str] | None = None
    state: Literal["open", "closed"] | None = None
    resolution: str | None = Field(None, description="What was changed: closes it (its owner).")


class ActionsParams(Schema):
    state: Literal["open", "closed", "all"] = "open"


def _agent(user: Any) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or user.email, "email": user.email}


def _topic_ref(topic: Topic) -> dict[str, Any]:
    return {"id": topic.pk, "language": topic.language, "label": topic.label}


def action_out(action: CorrectiveAction) -> dict[str, Any]:
    return {
        "id": action.pk,
        "topic": _topic_ref(action.topic),
        "owner": _agent(action.owner),
        "created_by": _agent(action.created_by),
        "description": action.description,
        "due_date": action.due_date,
        "state": action.state,
        "resolution": action.resolution,
        "conversations": sorted(c.reference for c in action.conversations.all()),
        "created_at": action.created_at,
        "closed_at": action.closed_at,
        "volume": queries.action_summary(action),
    }


def _owner(pk: int) -> Any:
    owner = get_user_model().objects.filter(pk=pk, is_active=True).first()
    if owner is None:
        raise ValidationError({"owner": _("No such agent.")})
    return owner


def _conversations(user: Any, refs: list[str]) -> list[Conversation]:
    pks = {ref: Conversation.pk_from_reference(ref) for ref in refs}
    found = {
        c.pk: c for c in conversations_in_scope(user).filter(pk__in=[p for p in pks.values() if p])
    }
    missing = [ref for ref, pk in pks.items() if pk not in found]
    if missing:
        raise ValidationError(
            {"conversations": _("No such conversation: %(refs)s") % {"refs": ", ".join(missing)}}
        )
    return list(found.values())


@router.get(
    "/topics",
    response={200: TopicsOut, 401: ErrorOut, 422: ErrorOut},
    summary="Recurring topics of the teams you manage, with their weekly volumes",
)
def list_topics(request: HttpRequest, params: Query[TopicsParams]) -> Any:
    weeks = queries.weeks_until_now(params.weeks)
    rows = list(queries.active_topics(topics_in_scope(caller(request))))
    series = queries.series([t.pk for t in rows], weeks)
    return {
        "weeks": weeks,
        "items": [
            {
                **_topic_ref(t),
                "team": {"id": t.team_id, "name": t.team.name},
                "volume": t.volume,
                "trend": t.trend,
                "first_seen": t.first_seen,
                "last_seen": t.last_seen,
                "series": series[t.pk],
            }
            for t in rows
        ],
    }


@router.post(
    "/corrective-actions",
    response={201: ActionOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Turn a topic into a corrective action with an owner and a due date (managers)",
)
def create_action(request: HttpRequest, payload: ActionIn) -> Any:
    user = caller(request)
    topic = access_topic(user, payload.topic)
    action = actions.create_action(
        topic,
        actor=user,
        owner=_owner(payload.owner),
        due_date=payload.due_date,
        description=payload.description,
        conversations=_conversations(user, payload.conversations),
    )
    return Status(201, action_out(action))


@router.get(
    "/corrective-actions",
    response={200: ActionsOut, 401: ErrorOut, 422: ErrorOut},
    summary="Corrective actions of the teams you manage, and yours",
)
def list_actions(request: HttpRequest, params: Query[ActionsParams]) -> Any:
    rows = (
        actions_in_scope(caller(request))
        .select_related("topic", "owner", "created_by")
        .prefetch_related("conversations")
    )
    if params.state != "all":
        rows = rows.filter(state=params.state)
    return {"items": [action_out(a) for a in rows.order_by("due_date", "pk")]}


@router.get(
    "/corrective-actions/{id}",
    response={200: ActionOut, 401: ErrorOut, 404: ErrorOut},
    summary="A corrective action, with its topic's volume before and after it",
)
def get_action(request: HttpRequest, id: int) -> Any:
    return action_out(access_action(caller(request), id))


@router.patch(
    "/corrective-actions/{id}",
    response={200: ActionOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Change a corrective action (managers), or close it with what was changed (owner)",
)
def patch_action(request: HttpRequest, id: int, payload: ActionPatch) -> Any:
    user = caller(request)
    action = access_action(user, id)
    given = payload.dict(exclude_unset=True)
    changes: dict[str, Any] = {}
    for name in ("description", "due_date"):
        if given.get(name) is not None:
            changes[name] = given[name]
    if given.get("owner") is not None:
        changes["owner"] = _owner(given["owner"])
    if given.get("conversations") is not None:
        changes["conversations"] = _conversations(user, given["conversations"])
    action = actions.change_action(
        action,
        actor=user,
        state=given.get("state"),
        resolution=given.get("resolution"),
        **changes,
    )
    return action_out(access_action(user, action.pk))
