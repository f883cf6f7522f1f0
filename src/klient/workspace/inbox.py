"""The inbox page's listing: a view (mine, unassigned, my teams, waiting on us, ...) with
its count, filters from an explicit whitelist, a sort, full-text search over everything
the agent may see, and exact keyset pages that "Load more" appends.

Filters and sorts are parsed by klient.conversations.queries (the same rules as the API);
the SLA views come from klient.sla.inbox. The page is lenient where the API is strict: a
filter that does not parse is ignored and named, never a server error; an unknown sort is
the view's default."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import pgettext_lazy

from klient.conversations.access import access_conversation, is_admin
from klient.conversations.models import Conversation, Tag
from klient.conversations.queries import (
    SORTS,
    FilterError,
    InboxQuery,
    Ordering,
    Page,
    count_each,
    decode_cursor,
    filtered,
    inbox_filter_names,
    page_of,
    parse_inbox_params,
    row_extras,
)
from klient.people.models import Team
from klient.people.queries import agent_names
from klient.sla import inbox as sla_inbox

from .rows import inbox_rows

PAGE_SIZE = 25
# A view's count reads at most this many conversations and then says "99+" (the
# usual badge: past a hundred, the exact number no longer changes what an agent does).
COUNT_AT_MOST = 99
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


# The sorts the page offers: the API's (klient.conversations.queries.SORTS) and the SLA
# views' due time. A whitelist, like the views.
ORDERINGS: dict[str, Ordering] = {**SORTS, "due": sla_inbox.BY_DUE_TIME}
SORT_LABELS: dict[str, Any] = {
    "waiting": pgettext_lazy("inbox sort", "Waiting longest"),
    "newest": pgettext_lazy("inbox sort", "Newest activity"),
    "oldest": pgettext_lazy("inbox sort", "Oldest activity"),
    "priority": pgettext_lazy("inbox sort", "Priority"),
    "due": pgettext_lazy("inbox sort", "SLA due time"),
}
BY_ACTIVITY = ("newest", "waiting", "oldest", "priority")
BY_WAIT = ("waiting", "newest", "oldest", "priority")
BY_DUE = ("due", "waiting", "newest", "oldest", "priority")


@dataclass(frozen=True)
class InboxView:
    label: Any
    statuses: tuple[str, ...]  # shown when no status filter is given; () for every status
    narrow: Narrow = _everything
    sorts: tuple[str, ...] = BY_ACTIVITY  # the sorts offered, the default first
    # The conversations opened by automatic replies alone, shown to admins only.
    automatic: bool = False

    @property
    def default_sort(self) -> str:
        return self.sorts[0]


# A whitelist: the query string chooses among these keys and nothing else. Open puts the
# customer who has waited longest first, so an urgent four-day-old question is on page one.
VIEWS: dict[str, InboxView] = {
    "open": InboxView(pgettext_lazy("inbox view", "Open"), ("new", "open"), sorts=BY_WAIT),
    "mine": InboxView(pgettext_lazy("inbox view", "Mine"), NOT_DONE, _mine),
    "unassigned": InboxView(pgettext_lazy("inbox view", "Unassigned"), NOT_DONE, _unassigned),
    "teams": InboxView(pgettext_lazy("inbox view", "My teams"), NOT_DONE, _my_teams),
    "waiting": InboxView(pgettext_lazy("inbox view", "Waiting on us"), (), _waiting, BY_DUE),
    "breaching": InboxView(pgettext_lazy("inbox view", "Breaching soon"), (), _breaching, BY_DUE),
    "breached": InboxView(pgettext_lazy("inbox view", "Breached"), (), _breached, BY_DUE),
    "pending": InboxView(pgettext_lazy("inbox view", "Waiting on customer"), ("pending",)),
    "solved": InboxView(pgettext_lazy("inbox view", "Solved"), ("solved", "closed")),
    "all": InboxView(pgettext_lazy("inbox view", "All"), ()),
    "automatic": InboxView(pgettext_lazy("inbox view", "Automatic"), (), automatic=True),
}
DEFAULT_VIEW = "open"


def views_for(user: Any) -> dict[str, InboxView]:
    """The views `user` is offered: the "Automatic" one for admins only (agents work
    on what people wrote)."""
    if is_admin(user):
        return VIEWS
    return {key: view for key, view in VIEWS.items() if not view.automatic}


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
OWN_PARAMS = ("view", "status", "sort", "before", "partial")


def filter_params() -> tuple[str, ...]:
    return tuple(name for name in inbox_filter_names() if name not in OWN_PARAMS)


@dataclass
class InboxListing:
    view: str
    status: str
    filters: dict[str, str]
    page: Page
    before: str
    sort: str = ""  # "" for the view's default
    ignored: list[str] = field(default_factory=list)
    user: Any = None
    now: datetime | None = None
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def searching(self) -> bool:
        return bool(self.filters.get("q"))

    @property
    def sort_key(self) -> str:
        return self.sort or VIEWS[self.view].default_sort

    def url(self, **changes: str) -> str:
        params = {
            "view": self.view,
            "status": self.status,
            **self.filters,
            "sort": self.sort,
            **changes,
        }
        return "?" + urlencode({k: v for k, v in params.items() if v})

    def tabs_context(self) -> dict[str, Any]:
        """What the view tabs show: each view's link and, once counted, its count."""
        return {
            "view": self.view,
            "searching": self.searching,
            # A tab keeps the filters but not the search, the status or the sort (its own).
            "views": [
                (key, v.label, self.url(view=key, status="", q="", sort=""), _count(self, key))
                for key, v in views_for(self.user).items()
            ],
            "counted": bool(self.counts),
            "counts_url": self.url(before="", partial="counts"),
        }

    def context(self) -> dict[str, Any]:
        show_due = ORDERINGS[self.sort_key] is sla_inbox.BY_DUE_TIME
        agents = [(str(pk), name) for pk, name in agent_names()]
        if is_admin(self.user):
            teams = Team.objects.order_by("name")
        else:
            teams = Team.objects.filter(members=self.user).order_by("name")
        more_url = self.url(before=self.page.next_cursor) if self.page.next_cursor else ""
        return {
            "rows": inbox_rows(
                self.page.items,
                now=self.now or timezone.now(),
                show_due=show_due,
                extras=row_extras(self.user, [c.pk for c in self.page.items]),
            ),
            **self.tabs_context(),
            "show_due": show_due,
            "status": self.status,
            "filters": self.filters,
            "search": self.filters.get("q", ""),
            "sort": self.sort_key,
            "sort_given": self.sort,
            "sort_choices": [(key, SORT_LABELS[key]) for key in _sorts_of(self)],
            "ignored": self.ignored,
            "paged": bool(self.before),
            "first_page_url": self.url(),
            "older_url": more_url,
            "more_url": self.url(before=self.page.next_cursor, partial="rows")
            if self.page.next_cursor
            else "",
            "refresh_url": self.url(before=self.before, partial="rows"),
            "status_choices": list(STATUS_GROUPS),
            "channel_choices": Conversation.Channel.choices,
            "team_choices": [(str(pk), name) for pk, name in teams.values_list("pk", "name")],
            # Every agent, twice on the page: written once as HTML (format_html escapes).
            "assignee_filter_options": _options(agents, selected=self.filters.get("assignee")),
            "agent_options": _options(agents),
            "tag_choices": list(Tag.objects.values_list("name", flat=True)[:200]),
        }


def _sorts_of(listing: InboxListing) -> tuple[str, ...]:
    """The sorts offered: the view's, or for a search (every view at once) those that do
    not need the SLA."""
    return BY_ACTIVITY if listing.searching else VIEWS[listing.view].sorts


def _count(listing: InboxListing, key: str) -> str:
    """A tab's count as shown: "", "7" or "99+"."""
    if key not in listing.counts:
        return ""
    count = listing.counts[key]
    return f"{COUNT_AT_MOST}+" if count > COUNT_AT_MOST else str(count)


def view_counts(user: Any, query: InboxQuery, now: datetime) -> dict[str, int]:
    """How many conversations each view would show with the page's filters (not its
    search, status or page), each counted up to COUNT_AT_MOST + 1, in one query."""
    listings = {}
    for key, view in views_for(user).items():
        rows = filtered(
            user,
            dataclasses.replace(query, status=view.statuses, text="", automatic=view.automatic),
        )
        listings[key] = view.narrow(rows, user, now)
    return count_each(listings, at_most=COUNT_AT_MOST)


def _options(choices: list[tuple[str, str]], *, selected: str | None = None) -> SafeString:
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((value, " selected" if value == selected else "", label) for value, label in choices),
    )


def reference_target(user: Any, params: Mapping[str, str]) -> str:
    """The URL of the conversation a search for a reference ("K-1002", "k 1002") names,
    when `user` may see it; "" otherwise, and the search goes on like any other (a
    conversation outside the scope is a miss like one that does not exist)."""
    text = str(params.get("q", ""))[:40]
    pk = Conversation.pk_from_typed_reference(text)
    if pk is None:
        return ""
    reference = Conversation(pk=pk).reference
    try:
        access_conversation(user, reference)
    except Http404:
        return ""
    return reverse("workspace:conversation", args=[reference])


def build_inbox(
    user: Any,
    params: Mapping[str, str],
    *,
    now: datetime,
    with_counts: bool = False,
    with_rows: bool = True,
) -> InboxListing:
    """The page of the inbox that `params` ask for (view, status, filters, q, sort,
    before): its rows unless `with_rows` is false, each view's count if `with_counts`.

    The page itself comes without counts: its tabs ask for them in a request of their own
    (`partial=counts`), so the rows are never kept waiting by ten counts at a million
    conversations (docs/performance.md).

    A search (`q`) looks in everything `user` may see, whatever the view: every status
    and every one of their teams. Filters chosen explicitly (status, team, tag, ...)
    still narrow it."""
    view_key = params.get("view", DEFAULT_VIEW)
    if view_key not in views_for(user):
        view_key = DEFAULT_VIEW
    view = VIEWS[view_key]
    status_key = params.get("status", "")
    if status_key not in STATUS_GROUPS:
        status_key = ""

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
    filters = parse_inbox_params(kept)
    searching = bool(filters.text.strip())
    narrow = _everything if searching else view.narrow
    default_statuses = () if searching else view.statuses
    statuses = STATUS_GROUPS[status_key] if status_key else default_statuses
    query = dataclasses.replace(
        filters, status=statuses, limit=PAGE_SIZE, automatic=view.automatic and not searching
    )
    offered = BY_ACTIVITY if searching else view.sorts
    sort = str(params.get("sort", ""))
    if sort not in offered or sort == offered[0]:
        sort = ""
    ordering = ORDERINGS[sort or offered[0]]

    before = str(params.get("before", ""))
    after = None
    if before:
        try:
            after = decode_cursor(before[:400])
        except FilterError:
            before = ""
    rows = narrow(filtered(user, query).prefetch_related("tags"), user, now)
    if not with_rows:
        page = Page(items=[], next_cursor=None)
    else:
        try:
            page = page_of(user, rows, ordering, after, PAGE_SIZE, text=query.text)
        except FilterError:  # a cursor of another view: start at the first page
            before = ""
            page = page_of(user, rows, ordering, None, PAGE_SIZE, text=query.text)
    return InboxListing(
        view=view_key,
        status=status_key,
        filters=kept,
        page=page,
        before=before,
        sort=sort,
        ignored=ignored,
        user=user,
        now=now,
        counts=view_counts(user, filters, now) if with_counts else {},
    )
