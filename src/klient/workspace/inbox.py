"""The inbox page's listing: a view (mine, unassigned, my teams, waiting on us, ...),
filters from an explicit whitelist, full-text search, and exact keyset pages.

Filters are parsed by klient.conversations.queries (the same rules as the API); the SLA
views come from klient.sla.inbox. The page is lenient where the API is strict: a filter
that does not parse is ignored and named, never a server error."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import pgettext_lazy

from klient.conversations.access import is_admin
from klient.conversations.models import Conversation, Tag
from klient.conversations.queries import (
    NEWEST_FIRST,
    FilterError,
    Ordering,
    Page,
    decode_cursor,
    filtered,
    inbox_filter_names,
    page_of,
    parse_inbox_params,
)
from klient.people.models import Team
from klient.people.queries import agent_names
from klient.sla import inbox as sla_inbox

from .rows import inbox_rows

PAGE_SIZE = 25
NOT_DONE = ("new", "open", "on_hold")
Narrow = Callable[[QuerySet[Conversation], Any, datetime], QuerySet[Conversation]]


def _everything(rows: QuerySet[Conversation], user: Any, now: datetime) -> QuerySet[Conversation]:
    return rows


def _mine(rows: QuerySet[Conversation], user: Any, now: datetime) -> QuerySet[Conversation]:
    return rows.filter(assignee_id=user.pk)


def _unassigned(rows: QuerySet[Conversation], user: Any, now: datetime) -> QuerySet[Conversation]:
    return rows.filter(assignee__isnull=True)


def _my_teams(rows: QuerySet[Conversation], user: Any, now: datetime) -> QuerySet[Conversation]:
    teams = Team.members.through.objects.filter(user_id=user.pk).values("team_id")
    return rows.filter(team_id__in=teams)


def _waiting(rows: QuerySet[Conversation], user: Any, now: datetime) -> QuerySet[Conversation]:
    return sla_inbox.waiting_on_us(rows)


def _breaching(rows: QuerySet[Conversation], user: Any, now: datetime) -> QuerySet[Conversation]:
    return sla_inbox.breaching_soon(rows, now)


def _breached(rows: QuerySet[Conversation], user: Any, now: datetime) -> QuerySet[Conversation]:
    return sla_inbox.breached(rows)


@dataclass(frozen=True)
class InboxView:
    label: Any
    statuses: tuple[str, ...]  # shown when no status filter is given; () for every status
    narrow: Narrow = _everything
    ordering: Ordering = NEWEST_FIRST


# A whitelist: the query string chooses among these keys and nothing else.
VIEWS: dict[str, InboxView] = {
    "open": InboxView(pgettext_lazy("inbox view", "Open"), ("new", "open")),
    "mine": InboxView(pgettext_lazy("inbox view", "Mine"), NOT_DONE, _mine),
    "unassigned": InboxView(pgettext_lazy("inbox view", "Unassigned"), NOT_DONE, _unassigned),
    "teams": InboxView(pgettext_lazy("inbox view", "My teams"), NOT_DONE, _my_teams),
    "waiting": InboxView(
        pgettext_lazy("inbox view", "Waiting on us"), (), _waiting, sla_inbox.BY_DUE_TIME
    ),
    "breaching": InboxView(
        pgettext_lazy("inbox view", "Breaching soon"), (), _breaching, sla_inbox.BY_DUE_TIME
    ),
    "breached": InboxView(
        pgettext_lazy("inbox view", "Breached"), (), _breached, sla_inbox.BY_DUE_TIME
    ),
    "pending": InboxView(pgettext_lazy("inbox view", "Waiting on customer"), ("pending",)),
    "solved": InboxView(pgettext_lazy("inbox view", "Solved"), ("solved", "closed")),
    "all": InboxView(pgettext_lazy("inbox view", "All"), ()),
}
DEFAULT_VIEW = "open"

# The status filter: the groups agents think in, and each single status.
STATUS_GROUPS: dict[str, tuple[str, ...]] = {
    "open": ("new", "open"),
    "pending": ("pending",),
    "on_hold": ("on_hold",),
    "solved": ("solved", "closed"),
    "new": ("new",),
    "closed": ("closed",),
    "all": (),
}
# The status filter is the groups above; every other registered inbox filter is a
# parameter of the page (conversations.queries.register_inbox_filter adds more).
OWN_PARAMS = ("view", "status", "before", "partial")


def filter_params() -> tuple[str, ...]:
    return tuple(name for name in inbox_filter_names() if name not in OWN_PARAMS)


@dataclass
class InboxListing:
    view: str
    status: str
    filters: dict[str, str]
    page: Page
    before: str
    ignored: list[str] = field(default_factory=list)
    user: Any = None
    now: datetime | None = None

    def url(self, **changes: str) -> str:
        params = {"view": self.view, "status": self.status, **self.filters, **changes}
        return "?" + urlencode({k: v for k, v in params.items() if v})

    def context(self) -> dict[str, Any]:
        show_due = VIEWS[self.view].ordering is sla_inbox.BY_DUE_TIME
        agents = [(str(pk), name) for pk, name in agent_names()]
        if is_admin(self.user):
            teams = Team.objects.order_by("name")
        else:
            teams = Team.objects.filter(members=self.user).order_by("name")
        return {
            "rows": inbox_rows(self.page.items, now=self.now or timezone.now(), show_due=show_due),
            "view": self.view,
            "show_due": show_due,
            "views": [(key, v.label, self.url(view=key, status="")) for key, v in VIEWS.items()],
            "status": self.status,
            "filters": self.filters,
            "search": self.filters.get("q", ""),
            "ignored": self.ignored,
            "paged": bool(self.before),
            "first_page_url": self.url(),
            "older_url": self.url(before=self.page.next_cursor) if self.page.next_cursor else "",
            "refresh_url": self.url(before=self.before, partial="rows"),
            "status_choices": list(STATUS_GROUPS),
            "channel_choices": Conversation.Channel.choices,
            "team_choices": [(str(pk), name) for pk, name in teams.values_list("pk", "name")],
            # Every agent, twice on the page: written once as HTML (format_html escapes).
            "assignee_filter_options": _options(agents, selected=self.filters.get("assignee")),
            "agent_options": _options(agents),
            "tag_choices": list(Tag.objects.values_list("name", flat=True)[:200]),
        }


def _options(choices: list[tuple[str, str]], *, selected: str | None = None) -> SafeString:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == selected else "", label) for value, label in choices),
    )


def build_inbox(user: Any, params: Mapping[str, str], *, now: datetime) -> InboxListing:
    """The page of the inbox that `params` ask for (view, status, filters, q, before)."""
    view_key = params.get("view", DEFAULT_VIEW)
    if view_key not in VIEWS:
        view_key = DEFAULT_VIEW
    view = VIEWS[view_key]
    status_key = params.get("status", "")
    if status_key not in STATUS_GROUPS:
        status_key = ""
    statuses = STATUS_GROUPS[status_key] if status_key else view.statuses

    kept: dict[str, str] = {}
    ignored: list[str] = []
    for name in filter_params():
        value = str(params.get(name, "")).strip()
        if not value:
            continue
        try:
            parse_inbox_params({name: value})
        except FilterError as exc:
            ignored.append(str(exc))
            continue
        kept[name] = value
    # Each kept value parsed alone above, so together they parse too.
    query = dataclasses.replace(parse_inbox_params(kept), status=statuses, limit=PAGE_SIZE)

    before = str(params.get("before", ""))
    after = None
    if before:
        try:
            after = decode_cursor(before[:400])
        except FilterError:
            before = ""
    rows = view.narrow(filtered(user, query).prefetch_related("tags"), user, now)
    try:
        page = page_of(user, rows, view.ordering, after, PAGE_SIZE, text=query.text)
    except FilterError:  # a cursor of another view: start at the first page
        before = ""
        page = page_of(user, rows, view.ordering, None, PAGE_SIZE, text=query.text)
    return InboxListing(
        view=view_key,
        status=status_key,
        filters=kept,
        page=page,
        before=before,
        ignored=ignored,
        user=user,
        now=now,
    )
