"""/quarantine: inbound mail that could not become a message, for administrators.

The list answers 403 to other agents (there is no object to hide). Retry and discard
answer 403 to an agent of the team the mail was sent to, and 404 to anyone else, like every
endpoint with an object id outside the caller's scope."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema, Status

from klient.conversations.access import is_admin
from klient.conversations.queries import FilterError, decode_cursor, encode_cursor
from klient.core import work
from klient.mail.actions import INBOUND_WORK, discard_quarantined, retry_quarantined
from klient.mail.models import InboundMail
from klient.mail.queries import recognised_headers
from klient.people.access import check_administrator, is_member

from .auth import caller
from .schemas import DiscardIn, DiscardOut, ErrorOut, QuarantinePage, RetryOut

router = Router(tags=["quarantine"])


class QuarantineParams(Schema):
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = None


def _quarantined_out(inbound: InboundMail) -> dict[str, Any]:
    recognised = recognised_headers(inbound)
    return {
        "message_id": recognised.message_id,
        "from_header": recognised.from_header,
        "subject": recognised.subject,
        "id": inbound.pk,
        "reason": inbound.reason,
        "source": inbound.source,
        "received_at": inbound.received_at,
        "size": inbound.size,
        "envelope_from": inbound.envelope_from,
        "envelope_to": list(inbound.envelope_to),
        "attempts": inbound.attempts,
    }


@router.get(
    "",
    response={200: QuarantinePage, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut},
    summary="List quarantined inbound mail (administrators)",
)
def list_quarantine(request: HttpRequest, params: Query[QuarantineParams]) -> Any:
    if not is_admin(caller(request)):
        raise PermissionDenied("Only administrators can see the quarantine.")
    rows = work.given_up(INBOUND_WORK)
    if params.cursor:
        try:
            at, pk = decode_cursor(params.cursor)
        except FilterError as exc:
            return Status(400, {"detail": str(exc)})
        rows = rows.filter(Q(received_at__lt=at) | Q(received_at=at, pk__lt=pk))
    found = list(rows.order_by("-received_at", "-id")[: params.limit + 1])
    items = found[: params.limit]
    more = len(found) > params.limit
    return {
        "items": [_quarantined_out(i) for i in items],
        "next_cursor": encode_cursor(items[-1].received_at, items[-1].pk) if more else None,
    }


def _check_administrator(request: HttpRequest, id: int) -> None:
    """Only administrators retry or discard. Mail to one of the caller's teams is theirs to
    know about (403); any other id answers 404, as a mail that does not exist."""
    user = caller(request)
    team_id = InboundMail.objects.filter(pk=id).values_list("team_id", flat=True).first()
    check_administrator(
        user,
        sees=is_member(user, team_id),
        refusal="Only administrators can retry or discard quarantined mail.",
        missing="No such quarantined mail.",
    )


@router.post(
    "/{id}/retry",
    response={200: RetryOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Put a quarantined mail through the pipeline again (administrators)",
)
def retry(request: HttpRequest, id: int) -> Any:
    _check_administrator(request, id)
    try:
        outcome = retry_quarantined(id, actor=caller(request))
    except InboundMail.DoesNotExist:
        raise Http404("No such quarantined mail.") from None
    inbound = InboundMail.objects.get(pk=id)
    return {"id": inbound.pk, "outcome": outcome, "state": inbound.state, "reason": inbound.reason}


@router.post(
    "/{id}/discard",
    response={200: DiscardOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Give up on a quarantined mail, saying why (administrators)",
    description=(
        "The mail leaves the quarantine; its raw source is kept. The reason and who "
        "discarded it are recorded on it and in the audit log (event `mail.discarded`). "
        "An empty reason answers 422."
    ),
)
def discard(request: HttpRequest, id: int, payload: DiscardIn) -> Any:
    agent = caller(request)
    _check_administrator(request, id)
    try:
        inbound = discard_quarantined(id, actor=agent, reason=payload.reason)
    except InboundMail.DoesNotExist:
        raise Http404("No such quarantined mail.") from None
    return {
        "id": inbound.pk,
        "state": inbound.state,
        "reason": inbound.reason,
        "discard_reason": inbound.discard_reason,
        "discarded_by": inbound.discarded_by_id,
        "discarded_at": inbound.discarded_at,
    }
