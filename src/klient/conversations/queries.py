"""Reads of conversations: the inbox (filters from an explicit whitelist, keyset pages).

Query parameters are never handed to the ORM: each allowed filter is parsed and checked
here, and anything else is refused with the list of what is allowed. Pages are keyset
pages on (updated_at desc, id desc), served by the conv_* indexes on Conversation; a
page costs one query whatever its size and however deep it is."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from klient.people.actions import normalise_email
from klient.people.models import Identity

from .access import conversations_in_scope
from .models import Conversation, Message

FILTERS = ("status", "team", "assignee", "customer", "q", "language", "channel")
PAGING = ("cursor", "limit")
ALLOWED_PARAMS = (*FILTERS, *PAGING)
DEFAULT_LIMIT = 25
MAX_LIMIT = 100
MAX_TEXT = 200
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})?$")


class FilterError(ValueError):
    """A query parameter that is not allowed or not valid; str(exc) says which and why."""

    allowed = ALLOWED_PARAMS


@dataclass(frozen=True)
class InboxQuery:
    status: tuple[str, ...] = ()
    channel: tuple[str, ...] = ()
    team_id: int | None = None
    team_name: str = ""
    assignee: int | str | None = None  # an id, "me" or "none"
    customer_id: int | None = None
    customer_email: str = ""
    text: str = ""
    language: str = ""
    after: tuple[datetime, int] | None = None
    limit: int = DEFAULT_LIMIT


@dataclass(frozen=True)
class Page:
    items: list[Conversation]
    next_cursor: str | None


def _pairs(params: Any) -> Iterable[tuple[str, list[str]]]:
    if hasattr(params, "lists"):  # QueryDict: every value of a repeated key
        return params.lists()
    return ((key, [value]) for key, value in Mapping.items(params))


def parse_inbox_params(params: Any) -> InboxQuery:
    """An InboxQuery from request parameters (a QueryDict or a str -> str mapping).

    Raises FilterError for an unknown or repeated parameter or an invalid value."""
    values: dict[str, str] = {}
    unknown: list[str] = []
    for key, given in _pairs(params):
        if key not in ALLOWED_PARAMS:
            unknown.append(key)
        elif len(given) > 1:
            raise FilterError(f"Give {key} once; separate several values with commas.")
        else:
            values[key] = given[0].strip() if given else ""
    if unknown:
        raise FilterError(
            f"Unknown filter {', '.join(sorted(unknown)[:10])}; "
            f"the allowed parameters are {', '.join(ALLOWED_PARAMS)}."
        )
    values = {k: v for k, v in values.items() if v}
    fields: dict[str, Any] = {}
    if "status" in values:
        fields["status"] = _choices("status", values["status"], Conversation.Status.values)
    if "channel" in values:
        fields["channel"] = _choices("channel", values["channel"], Conversation.Channel.values)
    if "team" in values:
        team = values["team"][:MAX_TEXT]
        if team.isdigit():
            fields["team_id"] = _id("team", team)
        else:
            fields["team_name"] = team
    if "assignee" in values:
        assignee = values["assignee"].lower()
        if assignee in ("me", "none"):
            fields["assignee"] = assignee
        elif assignee.isdigit():
            fields["assignee"] = _id("assignee", assignee)
        else:
            raise FilterError('assignee must be an agent id, "me" or "none".')
    if "customer" in values:
        customer = values["customer"]
        if customer.isdigit():
            fields["customer_id"] = _id("customer", customer)
        elif "@" in customer and len(customer) <= 320:
            fields["customer_email"] = normalise_email(customer)
        else:
            raise FilterError("customer must be a customer id or an email address.")
    if "q" in values:
        if len(values["q"]) > MAX_TEXT:
            raise FilterError(f"q is limited to {MAX_TEXT} characters.")
        fields["text"] = values["q"]
    if "language" in values:
        if not _LANGUAGE.match(values["language"]):
            raise FilterError("language must be a language code such as fr, pl or pt-BR.")
        fields["language"] = values["language"].lower()
    if "limit" in values:
        limit = values["limit"]
        if not limit.isdigit() or not 1 <= int(limit) <= MAX_LIMIT:
            raise FilterError(f"limit must be a number from 1 to {MAX_LIMIT}.")
        fields["limit"] = int(limit)
    if "cursor" in values:
        fields["after"] = decode_cursor(values["cursor"])
    return InboxQuery(**fields)


def _choices(name: str, value: str, allowed: list[str]) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
    wrong = [v for v in chosen if v not in allowed]
    if wrong:
        raise FilterError(
            f"Unknown {name} {', '.join(w[:40] for w in wrong[:5])}; use {', '.join(allowed)}."
        )
    return chosen


def _id(name: str, value: str) -> int:
    if len(value) > 18:
        raise FilterError(f"{name} is not a valid id.")
    return int(value)


def encode_cursor(at: datetime, pk: int) -> str:
    """An opaque cursor for the row after which the next page starts."""
    raw = json.dumps([at.isoformat(), pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at, pk = json.loads(raw)
        moment = datetime.fromisoformat(at)
        if not isinstance(pk, int) or moment.tzinfo is None:
            raise ValueError(cursor)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise FilterError("Invalid cursor; use next_cursor from the previous page.") from exc
    return moment, pk


def conversation_rows() -> QuerySet[Conversation]:
    """Conversations with what a list or a header shows, in one query: team, customer,
    assignee and the customer's first email address."""
    first_email = (
        Identity.objects.filter(customer_id=OuterRef("customer_id"), kind=Identity.Kind.EMAIL)
        .order_by("id")
        .values("value")[:1]
    )
    return Conversation.objects.select_related("team", "customer", "assignee").annotate(
        customer_email=Subquery(first_email)
    )


def inbox(user: Any, query: InboxQuery) -> Page:
    """One page of the conversations `user` may see, newest activity first."""
    rows = conversations_in_scope(user, conversation_rows())
    if query.status:
        rows = rows.filter(status__in=query.status)
    if query.channel:
        rows = rows.filter(channel__in=query.channel)
    if query.team_id is not None:
        rows = rows.filter(team_id=query.team_id)
    if query.team_name:
        rows = rows.filter(team__name__iexact=query.team_name)
    if query.assignee == "me":
        rows = rows.filter(assignee_id=user.pk)
    elif query.assignee == "none":
        rows = rows.filter(assignee__isnull=True)
    elif query.assignee is not None:
        rows = rows.filter(assignee_id=int(query.assignee))
    if query.customer_id is not None:
        rows = rows.filter(customer_id=query.customer_id)
    if query.customer_email:
        owners = Identity.objects.filter(
            kind=Identity.Kind.EMAIL, value=query.customer_email
        ).values("customer_id")
        rows = rows.filter(customer_id__in=owners)
    if query.language:
        rows = rows.filter(language__iexact=query.language)
    if query.text:
        rows = rows.filter(_matches_text(query.text))
    if query.after is not None:
        at, pk = query.after
        rows = rows.filter(Q(updated_at__lt=at) | Q(updated_at=at, pk__lt=pk))
    found = list(rows.order_by("-updated_at", "-id")[: query.limit + 1])
    items = found[: query.limit]
    more = len(found) > query.limit
    next_cursor = encode_cursor(items[-1].updated_at, items[-1].pk) if more else None
    return Page(items=items, next_cursor=next_cursor)


def _matches_text(text: str) -> Q:
    """Subject or any message body contains the text (case-insensitive); a reference such
    as K-1042 also finds that conversation."""
    in_messages = Exists(
        Message.objects.filter(conversation_id=OuterRef("pk")).filter(
            Q(body_text__icontains=text) | Q(new_text__icontains=text)
        )
    )
    condition = Q(subject__icontains=text) | Q(in_messages)
    pk = Conversation.pk_from_reference(text)
    if pk is not None:
        condition |= Q(pk=pk)
    return condition
