"""Reads of conversations: the inbox (filters from an explicit whitelist, keyset pages).

Query parameters are never handed to the ORM: each allowed filter is parsed and checked
here, and anything else is refused with the list of what is allowed. Pages are keyset
pages: by default on (updated_at desc, id desc), served by the conv_* indexes on
Conversation, or on any `Ordering` a caller gives (the workspace's SLA views order by due
time, nulls last); a page costs one query whatever its size and however deep it is. Text
search goes through klient.conversations.search (PostgreSQL full-text search or SQLite
FTS5)."""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Substr
from django.utils.text import Truncator

from klient.people.actions import normalise_email
from klient.people.models import Identity, Team

from . import search
from .access import conversations_in_scope, is_admin
from .models import Attachment, Conversation, Message, ReadMarker

# Parameters of the listing that are not filters: its order and its pages.
PAGING = ("sort", "cursor", "limit")
DEFAULT_LIMIT = 25
MAX_LIMIT = 100
MAX_TEXT = 200
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})?$")


class FilterError(ValueError):
    """A query parameter that is not allowed or not valid; str(exc) says which and why."""


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
    tag: str = ""
    sort: str = ""  # a key of SORTS; "" for the caller's default
    after: tuple[Any, ...] | None = None
    limit: int = DEFAULT_LIMIT
    # The values of filters registered by other layers (register_inbox_filter), by name.
    extra: tuple[tuple[str, Any], ...] = ()
    # Conversations opened by automatic replies alone (the admins' "Automatic" view)
    # instead of everyone else's: they are never in agents' queues or counts.
    automatic: bool = False

    def extra_value(self, name: str) -> Any:
        return dict(self.extra).get(name)


@dataclass(frozen=True)
class OrderKey:
    """One key of a keyset ordering: a field path, its direction, whether it may be empty
    (empty values always come last), and whether it is a number (a rank, such as
    Conversation.priority_rank) rather than a time."""

    path: str
    descending: bool = False
    nullable: bool = False
    numeric: bool = False


# The last key must be unique and never empty: it makes the order total, so pages are exact.
Ordering = tuple[OrderKey, ...]
NEWEST_FIRST: Ordering = (OrderKey("updated_at", descending=True), OrderKey("id", descending=True))
OLDEST_FIRST: Ordering = (OrderKey("updated_at"), OrderKey("id"))
# The customer who has waited longest first (the conv_waiting index; for open statuses
# conv_open_waiting, which holds the whole order), then the
# conversations nobody waits on, newest activity first.
WAITING_LONGEST: Ordering = (
    OrderKey("waiting_since", nullable=True),
    OrderKey("updated_at", descending=True),
    OrderKey("id", descending=True),
)
# The most pressing first, and within a priority the customer who has waited longest.
# (Conversation.priority_rank is that rank, stored: conv_open_priority holds this order.)
BY_PRIORITY: Ordering = (OrderKey("priority_rank", numeric=True), *WAITING_LONGEST)
# The orders a listing may ask for by name (`sort`): the workspace inbox and
# GET /api/v1/conversations. The API's default is newest; each inbox view has its own.
SORTS: dict[str, Ordering] = {
    "newest": NEWEST_FIRST,
    "oldest": OLDEST_FIRST,
    "waiting": WAITING_LONGEST,
    "priority": BY_PRIORITY,
}
DEFAULT_SORT = "newest"


@dataclass(frozen=True)
class Page:
    items: list[Conversation]
    next_cursor: str | None


def _pairs(params: Any) -> Iterable[tuple[str, list[str]]]:
    if hasattr(params, "lists"):  # QueryDict: every value of a repeated key
        return params.lists()
    return ((key, [value]) for key, value in Mapping.items(params))


# --- the filter registry ----------------------------------------------------------------
# Each query parameter of the inbox is an entry: how its text is checked and turned into
# values (`read`, raising FilterError), and how those values narrow the conversations
# (`narrow`). The built-in filters below are entries like any other; a higher layer
# (insights: sentiment, topic; a channel) adds its own with register_inbox_filter, so
# conversations never imports it. Only registered names are accepted: a parameter never
# reaches the ORM raw.
Read = Callable[[str], dict[str, Any]]
Narrow = Callable[[QuerySet[Conversation], "InboxQuery", Any], QuerySet[Conversation]]


@dataclass(frozen=True)
class InboxFilter:
    name: str
    read: Read  # the parameter's text (stripped, not empty) -> InboxQuery fields
    narrow: Narrow  # rows, the query, the user -> rows (unchanged when the filter is unset)


_FILTERS: dict[str, InboxFilter] = {}


def _add(entry: InboxFilter) -> InboxFilter:
    if entry.name in _FILTERS or entry.name in PAGING:
        raise ValueError(f"an inbox filter named {entry.name!r} exists already")
    _FILTERS[entry.name] = entry
    return entry


def register_inbox_filter(
    name: str,
    *,
    parse: Callable[[str], Any],
    apply: Callable[[QuerySet[Conversation], Any, Any], QuerySet[Conversation]],
) -> InboxFilter:
    """Add the inbox filter `name` (a query parameter of the workspace inbox and of
    GET /api/v1/conversations). `parse(text)` returns the checked value or raises
    FilterError (its message is shown to the user); `apply(rows, value, user)` narrows
    the rows with ORM lookups of its own choosing. It must not add a query per row."""

    def read(text: str) -> dict[str, Any]:
        return {"extra": ((name, parse(text)),)}

    def narrow(
        rows: QuerySet[Conversation], query: InboxQuery, user: Any
    ) -> QuerySet[Conversation]:
        for key, value in query.extra:
            if key == name:
                return apply(rows, value, user)
        return rows

    return _add(InboxFilter(name, read, narrow))


def unregister_inbox_filter(name: str) -> None:
    """Remove a filter added by register_inbox_filter (the built-in ones stay)."""
    if name in _BUILT_IN:
        raise ValueError(f"{name!r} is a built-in inbox filter")
    _FILTERS.pop(name, None)


def inbox_filter_names() -> tuple[str, ...]:
    return tuple(_FILTERS)


def allowed_params() -> tuple[str, ...]:
    """Every query parameter the inbox accepts: the registered filters, then paging."""
    return (*_FILTERS, *PAGING)


def parse_inbox_params(params: Any) -> InboxQuery:
    """An InboxQuery from request parameters (a QueryDict or a str -> str mapping).

    Raises FilterError for an unknown or repeated parameter or an invalid value."""
    values: dict[str, str] = {}
    unknown: list[str] = []
    allowed = allowed_params()
    for key, given in _pairs(params):
        if key not in allowed:
            unknown.append(key)
        elif len(given) > 1:
            raise FilterError(f"Give {key} once; separate several values with commas.")
        else:
            values[key] = given[0].strip() if given else ""
    if unknown:
        raise FilterError(
            f"Unknown filter {', '.join(sorted(unknown)[:10])}; "
            f"the allowed parameters are {', '.join(allowed)}."
        )
    values = {k: v for k, v in values.items() if v}
    fields: dict[str, Any] = {}
    extra: list[tuple[str, Any]] = []
    for name, entry in _FILTERS.items():
        if name in values:
            read = entry.read(values[name])
            extra.extend(read.pop("extra", ()))
            fields.update(read)
    if extra:
        fields["extra"] = tuple(extra)
    if "sort" in values:
        if values["sort"] not in SORTS:
            raise FilterError(f"Unknown sort {values['sort'][:40]}; use {', '.join(SORTS)}.")
        fields["sort"] = values["sort"]
    if "limit" in values:
        limit = values["limit"]
        if not limit.isdigit() or not 1 <= int(limit) <= MAX_LIMIT:
            raise FilterError(f"limit must be a number from 1 to {MAX_LIMIT}.")
        fields["limit"] = int(limit)
    if "cursor" in values:
        fields["after"] = decode_cursor(values["cursor"])
    return InboxQuery(**fields)


def _read_status(text: str) -> dict[str, Any]:
    return {"status": _choices("status", text, Conversation.Status.values)}


def _read_channel(text: str) -> dict[str, Any]:
    return {"channel": _choices("channel", text, Conversation.Channel.values)}


def _read_team(text: str) -> dict[str, Any]:
    team = text[:MAX_TEXT]
    return {"team_id": _id("team", team)} if team.isdigit() else {"team_name": team}


def _read_assignee(text: str) -> dict[str, Any]:
    assignee = text.lower()
    if assignee in ("me", "none"):
        return {"assignee": assignee}
    if assignee.isdigit():
        return {"assignee": _id("assignee", assignee)}
    raise FilterError('assignee must be an agent id, "me" or "none".')


def _read_customer(text: str) -> dict[str, Any]:
    if text.isdigit():
        return {"customer_id": _id("customer", text)}
    if "@" in text and len(text) <= 320:
        return {"customer_email": normalise_email(text)}
    raise FilterError("customer must be a customer id or an email address.")


def _read_text(text: str) -> dict[str, Any]:
    if len(text) > MAX_TEXT:
        raise FilterError(f"q is limited to {MAX_TEXT} characters.")
    return {"text": text}


def _read_tag(text: str) -> dict[str, Any]:
    if len(text) > 60:
        raise FilterError("tag is limited to 60 characters.")
    return {"tag": " ".join(text.split()).lower()}


def _read_language(text: str) -> dict[str, Any]:
    if not _LANGUAGE.match(text):
        raise FilterError("language must be a language code such as fr, pl or pt-BR.")
    return {"language": text.lower()}


def _by_status(
    rows: QuerySet[Conversation], query: InboxQuery, user: Any
) -> QuerySet[Conversation]:
    return rows.filter(status__in=query.status) if query.status else rows


def _by_channel(
    rows: QuerySet[Conversation], query: InboxQuery, user: Any
) -> QuerySet[Conversation]:
    return rows.filter(channel__in=query.channel) if query.channel else rows


def _by_team(rows: QuerySet[Conversation], query: InboxQuery, user: Any) -> QuerySet[Conversation]:
    if query.team_id is not None:
        rows = rows.filter(team_id=query.team_id)
    if query.team_name:
        rows = rows.filter(team__name__iexact=query.team_name)
    return rows


def _by_assignee(
    rows: QuerySet[Conversation], query: InboxQuery, user: Any
) -> QuerySet[Conversation]:
    if query.assignee == "me":
        return rows.filter(assignee_id=user.pk)
    if query.assignee == "none":
        return rows.filter(assignee__isnull=True)
    if query.assignee is not None:
        return rows.filter(assignee_id=int(query.assignee))
    return rows


def _by_customer(
    rows: QuerySet[Conversation], query: InboxQuery, user: Any
) -> QuerySet[Conversation]:
    if query.customer_id is not None:
        rows = rows.filter(customer_id=query.customer_id)
    if query.customer_email:
        owners = Identity.objects.filter(
            kind=Identity.Kind.EMAIL, value=query.customer_email
        ).values("customer_id")
        rows = rows.filter(customer_id__in=owners)
    return rows


def _by_text(rows: QuerySet[Conversation], query: InboxQuery, user: Any) -> QuerySet[Conversation]:
    return rows  # words are searched while paging (page_of), not as a filter


def _by_language(
    rows: QuerySet[Conversation], query: InboxQuery, user: Any
) -> QuerySet[Conversation]:
    return in_language(user, rows, query.language) if query.language else rows


def _by_tag(rows: QuerySet[Conversation], query: InboxQuery, user: Any) -> QuerySet[Conversation]:
    if not query.tag:
        return rows
    return rows.filter(
        pk__in=Conversation.tags.through.objects.filter(tag__name=query.tag).values(
            "conversation_id"
        )
    )


def _read_automatic(text: str) -> dict[str, Any]:
    value = text.lower()
    if value not in ("true", "false"):
        raise FilterError("automatic must be true or false.")
    return {"automatic": value == "true"}


def _by_automatic(
    rows: QuerySet[Conversation], query: InboxQuery, user: Any
) -> QuerySet[Conversation]:
    # filtered() already keeps one side; the automatic side is the admins' only: agents
    # work on what people wrote, and the workspace offers the view to admins alone.
    return rows.none() if query.automatic and not is_admin(user) else rows


_BUILT_IN = tuple(
    _add(entry).name
    for entry in (
        InboxFilter("status", _read_status, _by_status),
        InboxFilter("team", _read_team, _by_team),
        InboxFilter("assignee", _read_assignee, _by_assignee),
        InboxFilter("customer", _read_customer, _by_customer),
        InboxFilter("q", _read_text, _by_text),
        InboxFilter("language", _read_language, _by_language),
        InboxFilter("channel", _read_channel, _by_channel),
        InboxFilter("tag", _read_tag, _by_tag),
        InboxFilter("automatic", _read_automatic, _by_automatic),
    )
)


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


def encode_cursor(*values: Any) -> str:
    """An opaque cursor for the row after which the next page starts: its ordering values."""
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    raw = json.dumps(plain, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[Any, ...]:
    """The ordering values a cursor holds: datetimes (aware), None, ranks (numbers), and
    the final id."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or not 2 <= len(values) <= 5:
            raise ValueError(cursor)
        *keys, pk = values
        if not isinstance(pk, int) or isinstance(pk, bool):
            raise ValueError(cursor)
        decoded: list[Any] = []
        for value in keys:
            if value is None or (isinstance(value, int) and not isinstance(value, bool)):
                decoded.append(value)
                continue
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is None:
                raise ValueError(cursor)
            decoded.append(moment)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise FilterError("Invalid cursor; use next_cursor from the previous page.") from exc
    return (*decoded, pk)


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


def filtered(
    user: Any, query: InboxQuery, rows: QuerySet[Conversation] | None = None
) -> QuerySet[Conversation]:
    """The conversations `user` may see that match every filter of `query` but its text
    (unordered): words are searched while paging (`page_of`). Those opened by automatic
    replies alone only when `query.automatic` asks for them, and then only those."""
    rows = conversations_in_scope(user, conversation_rows() if rows is None else rows)
    rows = rows.filter(automatic=query.automatic)
    for entry in _FILTERS.values():
        rows = entry.narrow(rows, query, user)
    return rows


def inbox(user: Any, query: InboxQuery) -> Page:
    """One page of the conversations `user` may see, in the query's sort (newest activity
    first by default)."""
    ordering = SORTS[query.sort or DEFAULT_SORT]
    return page_of(user, filtered(user, query), ordering, query.after, query.limit, text=query.text)


def _alias(index: int) -> str:
    return f"keyset_{index}"


def keyset_page(
    rows: QuerySet[Conversation], ordering: Ordering, after: tuple[Any, ...] | None, limit: int
) -> Page:
    """One page of `rows` in `ordering`, starting after the row whose ordering values are
    `after`. Exact whatever the ties and empty values: the last key breaks every tie.

    When the first key may be empty, the rows with a value and those without are read as
    two ordered runs (the second only when the first does not fill the page), so that each
    run can follow an index instead of sorting every candidate row.

    Raises FilterError when `after` does not fit the ordering (a cursor of another view)."""
    found = _keyset_rows(rows, ordering, after, limit + 1)
    items = found[:limit]
    next_cursor = None
    if len(found) > limit:
        last = items[-1]
        next_cursor = encode_cursor(*(getattr(last, _alias(i)) for i in range(len(ordering))))
    return Page(items=items, next_cursor=next_cursor)


def _keyset_rows(
    rows: QuerySet[Conversation],
    ordering: Ordering,
    after: tuple[Any, ...] | None,
    count: int,
    *,
    values: tuple[str, ...] = (),
) -> list[Any]:
    """The first `count` rows after `after` in `ordering` (model instances, or tuples of
    `values`)."""
    rows = rows.annotate(**{_alias(i): _key_value(key) for i, key in enumerate(ordering)})
    if after is not None:
        if len(after) != len(ordering):
            raise FilterError("Invalid cursor; use next_cursor from the previous page.")
        rows = rows.filter(_after(ordering, after))
    first = _alias(0)
    if not ordering[0].nullable:
        return _fetch(rows, ordering, count, values=values)
    found: list[Any] = []
    if after is None or after[0] is not None:
        found = _fetch(rows.filter(**{f"{first}__isnull": False}), ordering, count, values=values)
    if len(found) < count:
        empty_first = rows.filter(**{f"{first}__isnull": True})
        found += _fetch(empty_first, ordering[1:], count - len(found), offset=1, values=values)
    return found


def _key_value(key: OrderKey) -> Any:
    """What a key orders by: its field."""
    return F(key.path)


def _fetch(
    rows: QuerySet[Conversation],
    ordering: Ordering,
    count: int,
    *,
    offset: int = 0,
    values: tuple[str, ...] = (),
) -> list[Any]:
    """The first `count` rows in `ordering` (whose keys are annotated from index `offset`)."""
    order_by = []
    for i, key in enumerate(ordering, start=offset):
        field = F(_alias(i))
        if key.nullable:
            order_by.append(
                field.desc(nulls_last=True) if key.descending else field.asc(nulls_last=True)
            )
        else:
            order_by.append(field.desc() if key.descending else field.asc())
    ordered = rows.order_by(*order_by)
    if values:
        return list(ordered.prefetch_related(None).values_list(*values)[:count])
    return list(ordered[:count])


# Up to this many conversations in a language, the language filter hands the inbox their
# ids (see in_language).
FEW_IN_LANGUAGE = 1000


def in_language(user: Any, rows: QuerySet[Conversation], language: str) -> QuerySet[Conversation]:
    """`rows` in `language`. Teams usually split by language, so a language can be common
    in the table and rare in the agent's teams: the inbox, walking its order and testing
    each conversation, would read the whole scope to find none. So the conversations of
    the agent's teams in that language are first listed from the (team, language) index,
    and those assigned to the agent elsewhere from the assignee index; when they are few,
    the inbox pages through that list. When they are many, the walk meets them early."""
    rows = rows.filter(language__iexact=language)
    if connection.vendor != "postgresql":
        return rows
    scope = search_scope(user)
    in_teams = Conversation.objects.filter(language__iexact=language)
    if not scope.everywhere:
        in_teams = in_teams.filter(team_id__in=scope.teams)
    found = list(in_teams.values_list("pk", flat=True)[:FEW_IN_LANGUAGE])
    if len(found) < FEW_IN_LANGUAGE and not scope.everywhere:
        found += (
            Conversation.objects.filter(assignee_id=scope.assignee_id, language__iexact=language)
            .exclude(team_id__in=scope.teams)
            .values_list("pk", flat=True)[:FEW_IN_LANGUAGE]
        )
    if len(found) >= FEW_IN_LANGUAGE:
        return rows
    return rows.filter(pk__in=sorted(set(found)))


# --- full-text search while paging ----------------------------------------------------
# How many of a view's next conversations are checked against the words before asking
# the index for every match in the scope; and how many matches the index may list.
SEARCH_WINDOW = 1000
FEW_MATCHES = 5000


def page_of(
    user: Any,
    rows: QuerySet[Conversation],
    ordering: Ordering,
    after: tuple[Any, ...] | None,
    limit: int,
    *,
    text: str = "",
) -> Page:
    """One page of `rows` (already in `user`'s scope) in `ordering`; with `text`, only
    the conversations whose subject or messages match it (every language; the customer's
    name and address as they wrote count too), or the one a reference such as K-1042 names.

    On PostgreSQL, the plan follows how common the words are where the agent looks:
    1. the view's next SEARCH_WINDOW conversations are checked against their documents
       (one lookup each): when more than a page of them match, that is the page — the
       usual case, common words, whatever their number in the whole table;
    2. otherwise the matches are few there: the index lists them for the agent's scope
       (teams are part of every indexed word, so words common elsewhere cost nothing);
    3. if it lists more than FEW_MATCHES, the inbox checks each conversation in order.
    Each step gives the exact page: a match outside a full window comes after it."""
    if not text.strip():
        return keyset_page(rows, ordering, after, limit)
    reference = Conversation.pk_from_typed_reference(text)
    named = Q(pk=reference) if reference is not None else Q(pk__in=[])
    if not search.has_words(text):
        return keyset_page(rows.filter(named), ordering, after, limit)
    scope = search_scope(user)
    if connection.vendor == "postgresql":
        window = _keyset_rows(rows, ordering, after, SEARCH_WINDOW, values=("pk", "team_id"))
        matched = search.matches_among(text, window)
        if reference is not None and any(pk == reference for pk, _team in window):
            matched.add(reference)
        if len(matched) > limit or len(window) < SEARCH_WINDOW:
            return keyset_page(rows.filter(pk__in=sorted(matched)), ordering, after, limit)
        listed = search.matches_in_scope(text, scope, at_most=FEW_MATCHES)
        if listed is not None:
            return keyset_page(rows.filter(Q(pk__in=listed) | named), ordering, after, limit)
    ids = search.matching_conversation_ids(text, scope)
    if ids is None:
        return keyset_page(rows.filter(named), ordering, after, limit)
    return keyset_page(rows.filter(Q(pk__in=ids) | named), ordering, after, limit)


def _after(ordering: Ordering, values: tuple[Any, ...]) -> Q:
    """Rows strictly after `values` in `ordering` (empty values last), lexicographically."""
    condition = Q(pk__in=[])
    equal_so_far = Q()
    for i, (key, value) in enumerate(zip(ordering, values, strict=True)):
        name = _alias(i)
        if value is None:
            if not key.nullable:
                raise FilterError("Invalid cursor; use next_cursor from the previous page.")
            beyond = Q(pk__in=[])  # nothing comes after the empty values
            same = Q(**{f"{name}__isnull": True})
        else:
            # Numeric keys and the final id are numbers, every other key a time.
            if isinstance(value, int) != (key.numeric or i == len(ordering) - 1):
                raise FilterError("Invalid cursor; use next_cursor from the previous page.")
            beyond = Q(**{f"{name}__{'lt' if key.descending else 'gt'}": value})
            if key.nullable:
                beyond |= Q(**{f"{name}__isnull": True})
            same = Q(**{name: value})
        condition |= equal_so_far & beyond
        equal_so_far &= same
    return condition


def search_scope(user: Any) -> search.Scope:
    """Where `user`'s searches look (the index's narrowing; access rules still apply)."""
    if is_admin(user):
        return search.Scope(everywhere=True)
    teams = Team.members.through.objects.filter(user_id=user.pk).values_list("team_id", flat=True)
    return search.Scope(teams=tuple(sorted(teams)), assignee_id=user.pk)


# --- what the inbox shows beside each page and row ----------------------------------------


def count_each(listings: Mapping[str, QuerySet[Conversation]], *, at_most: int) -> dict[str, int]:
    """How many rows each queryset has, counted up to `at_most + 1` (a count above
    `at_most` means "more than at_most"), all in one query.

    Each count reads at most `at_most + 1` rows of its own plan (a LIMIT under the
    COUNT), so a view of a million conversations costs what a view of a thousand does."""
    counts: dict[str, int] = {}
    parts: list[str] = []
    params: list[Any] = []
    names: list[str] = []
    for name, rows in listings.items():
        limited = rows.order_by().values("pk")[: at_most + 1]
        try:
            sql, more = limited.query.sql_with_params()
        except EmptyResultSet:  # a listing that can match nothing (an empty scope)
            counts[name] = 0
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted_{len(names)})")  # noqa: S608
        params.extend(more)
        names.append(name)
    if parts:
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            counts.update(zip(names, cursor.fetchone(), strict=True))
    return {name: counts[name] for name in listings}


PREVIEW_CHARS = 140


@dataclass(frozen=True)
class RowExtras:
    """What an inbox row shows beyond the conversation's own fields."""

    preview: str = ""  # the start of the last message's new text, whitespace folded
    preview_is_note: bool = False
    has_attachments: bool = False
    unread: bool = False


def row_extras(user: Any, conversation_ids: Iterable[int]) -> dict[int, RowExtras]:
    """For each conversation of a page (ids `user` may see): its preview line, whether
    any message has attachments, and whether it is unread for `user` (a customer message
    newer than what `user` was shown when they last opened it; see
    klient.conversations.reading). One query whatever the number of rows: each value is
    an index lookup in the conversation's messages (msg_conv), attachments or markers."""
    ids = sorted(set(conversation_ids))
    if not ids:
        return {}
    own = Message.objects.filter(conversation_id=OuterRef("pk"))
    said = own.filter(is_auto_reply=False, is_bounce=False, is_bulk=False)
    last = said.order_by("-created_at", "-id")
    rows = (
        Conversation.objects.filter(pk__in=ids)
        .annotate(
            preview_new=Subquery(last.values(head=Substr("new_text", 1, PREVIEW_CHARS * 2))[:1]),
            preview_body=Subquery(last.values(head=Substr("body_text", 1, PREVIEW_CHARS * 2))[:1]),
            preview_kind=Subquery(last.values("kind")[:1]),
            with_files=Exists(Attachment.objects.filter(message__conversation_id=OuterRef("pk"))),
            customer_wrote=Subquery(
                said.filter(sender=Message.Sender.CUSTOMER).order_by("-id").values("id")[:1]
            ),
            seen_up_to=Subquery(
                ReadMarker.objects.filter(
                    conversation_id=OuterRef("pk"), agent_id=getattr(user, "pk", None)
                ).values("seen_message_id")[:1]
            ),
        )
        .values_list(
            "pk",
            "preview_new",
            "preview_body",
            "preview_kind",
            "with_files",
            "customer_wrote",
            "seen_up_to",
        )
    )
    extras = {}
    for pk, new, body, kind, with_files, customer_wrote, seen_up_to in rows:
        text = " ".join((new or "").split()) or " ".join((body or "").split())
        extras[pk] = RowExtras(
            preview=Truncator(text).chars(PREVIEW_CHARS),
            preview_is_note=kind == Message.Kind.NOTE,
            has_attachments=bool(with_files),
            unread=customer_wrote is not None and customer_wrote > (seen_up_to or 0),
        )
    return extras
