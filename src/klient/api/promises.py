"""Promises (issue 17, item 3): found in any text (/insights/promises), tracked in
conversations (/promises), reported per agent or team (/reports/promises).

An agent sees the promises of the conversations they see (404 for any other id); a
change a promise's state does not allow is a 422."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from klient.conversations.access import is_admin
from klient.conversations.models import Conversation
from klient.promises import actions
from klient.promises.access import access_promise, promises_in_scope
from klient.promises.detect import find_promises
from klient.promises.models import Promise
from klient.promises.queries import promise_report
from klient.promises.zones import valid_zone

from .auth import caller
from .schemas import ErrorOut

router = Router(tags=["promises"])

LANGUAGES = Literal["en", "fr", "pl", "de", "uk"]


class InsightIn(Schema):
    text: str = Field(..., max_length=100_000)
    reference_time: datetime = Field(..., description="When the text is sent (ISO 8601).")
    time_zone: str = Field(..., description="IANA zone the due times are read in.")
    language: LANGUAGES | None = Field(None, description="Without it, every language is tried.")


class FoundOut(Schema):
    start: int = Field(..., description="Character offset of the quote in `text`.")
    end: int
    quote: str
    due: str = Field(..., description="ISO 8601 with the zone's offset.")


class InsightOut(Schema):
    promises: list[FoundOut]


class PromiseOut(Schema):
    id: int
    conversation: str = Field(..., description="The conversation's reference.")
    quote: str
    due: str
    state: str
    agent: int | None
    team: int | None


class PromiseList(Schema):
    items: list[PromiseOut]


class ReportRow(Schema):
    id: int | None
    name: str
    kept: int
    broken: int
    open: int
    offered: int
    kept_rate: float | None


class ReportOut(Schema):
    group: str
    rows: list[ReportRow]


def promise_out(promise: Promise) -> dict[str, Any]:
    zone = valid_zone(promise.time_zone)
    due = promise.due_at.astimezone(zone) if zone else promise.due_at
    return {
        "id": promise.pk,
        "conversation": promise.conversation.reference,
        "quote": promise.quote,
        "due": due.isoformat(),
        "state": promise.state,
        "agent": promise.agent_id,
        "team": promise.team_id,
    }


@router.post(
    "/insights/promises",
    response={200: InsightOut, 401: ErrorOut, 422: ErrorOut},
    summary="Find the promises with a deadline in a text, with their due times",
)
def insights_promises(request: HttpRequest, payload: InsightIn) -> Any:
    zone = valid_zone(payload.time_zone)
    if zone is None:
        return Status(422, {"detail": f"time_zone: unknown zone {payload.time_zone!r}."})
    reference = payload.reference_time
    if reference.tzinfo is None:
        reference = reference.replace(tzinfo=zone)
    found = find_promises(payload.text, reference.astimezone(zone), payload.language)
    return {
        "promises": [
            {"start": p.start, "end": p.end, "quote": p.quote, "due": p.due.isoformat()}
            for p in found
        ]
    }


@router.get("/promises", response={200: PromiseList, 401: ErrorOut}, summary="Promises")
def list_promises(
    request: HttpRequest,
    state: Literal["offered", "open", "kept", "broken", "dismissed"] | None = None,
    conversation: str | None = None,
) -> Any:
    rows = promises_in_scope(caller(request)).select_related("conversation")
    if state:
        rows = rows.filter(state=state)
    if conversation:
        rows = rows.filter(conversation_id=Conversation.pk_from_reference(conversation) or 0)
    return {"items": [promise_out(p) for p in rows.order_by("due_at", "pk")[:500]]}


def _change(request: HttpRequest, promise_id: int, change: Any) -> Any:
    promise = access_promise(caller(request), promise_id)
    changed = change(promise, actor=caller(request))
    changed.conversation = promise.conversation
    return promise_out(changed)


CHANGE_RESPONSES = {200: PromiseOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


@router.post(
    "/promises/{id}/confirm", response=CHANGE_RESPONSES, summary="Confirm (offered → open)"
)
def confirm_promise(request: HttpRequest, id: int) -> Any:
    return _change(request, id, actions.confirm)


@router.post("/promises/{id}/kept", response=CHANGE_RESPONSES, summary="Mark a promise kept")
def keep_promise(request: HttpRequest, id: int) -> Any:
    return _change(request, id, actions.mark_kept)


@router.post("/promises/{id}/dismiss", response=CHANGE_RESPONSES, summary="Not a promise")
def dismiss_promise(request: HttpRequest, id: int) -> Any:
    return _change(request, id, actions.dismiss)


@router.get(
    "/reports/promises",
    response={200: ReportOut, 401: ErrorOut},
    summary="Kept and broken promises per agent or team",
)
def report_promises(
    request: HttpRequest,
    group: Literal["agent", "team"] = "agent",
) -> Any:
    user = caller(request)
    rows = promises_in_scope(user) if not is_admin(user) else Promise.objects.all()
    return {"group": group, "rows": promise_report(rows, group)}
