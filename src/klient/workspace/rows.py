"""The inbox's rows as the page shows them, formatted once in Python.

Rendering 25 rows through template filters and tags (dates, "unanswered for", choice
labels, one URL reversal each) took about as long as everything else on the page; the
template now only prints these strings. Times are in the viewer's time zone (the view runs
under klient.workspace.middleware's override)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext, pgettext

from klient.conversations.models import Conversation
from klient.conversations.queries import RowExtras

from .icons import attachment_icon, channel_icon
from .templatetags.workspace_i18n import choice_labels, when

NO_EXTRAS = RowExtras()


@dataclass(frozen=True)
class InboxRow:
    pk: int
    reference: str
    url: str
    select_label: str
    subject: str
    customer: str
    customer_email: str
    status: str
    status_label: str
    priority: str
    priority_label: str
    language: str
    tags: list[str]
    team: str
    assignee: str
    updated_iso: str
    updated: str
    due_iso: str
    due: str
    waiting_title: str
    waiting: str
    unread: bool
    preview: str
    preview_is_note: bool
    channel_icon: str  # HTML, built once per channel by klient.workspace.icons
    attachment_icon: str


def _iso(moment: datetime | None) -> str:
    return timezone.localtime(moment).isoformat() if moment else ""


def _when(moment: datetime | None, style: str = "short") -> str:
    return when(timezone.localtime(moment), style) if moment else ""


def inbox_rows(
    conversations: Sequence[Conversation],
    *,
    now: datetime,
    show_due: bool,
    extras: Mapping[int, RowExtras] | None = None,
) -> list[InboxRow]:
    """The rows of a page; `extras` (klient.conversations.queries.row_extras) adds the
    preview line, the attachment icon and the unread marker."""
    statuses = choice_labels(Conversation, "status")
    priorities = choice_labels(Conversation, "priority")
    # One reversal: every conversation URL differs only by its reference.
    marker = "K-0"
    url_head, _, url_tail = reverse("workspace:conversation", args=[marker]).partition(marker)
    unassigned = gettext("Unassigned")
    channels = choice_labels(Conversation, "channel")
    # Translators: an internal note's preview line in the inbox begins with this.
    note = pgettext("inbox preview", "Note:")
    clip = attachment_icon()
    extras = extras or {}
    rows = []
    for c in conversations:
        more = extras.get(c.pk, NO_EXTRAS)
        due_at: Any = getattr(c, "keyset_0", None) if show_due else None
        assignee = c.assignee
        rows.append(
            InboxRow(
                pk=c.pk,
                reference=c.reference,
                url=f"{url_head}{c.reference}{url_tail}",
                select_label=gettext("Select %(ref)s") % {"ref": c.reference},
                subject=c.subject,
                customer=c.customer.name or getattr(c, "customer_email", "") or "",
                customer_email=getattr(c, "customer_email", "") or "",
                status=c.status,
                status_label=statuses.get(c.status, c.status),
                priority=c.priority,
                priority_label=priorities.get(c.priority, c.priority),
                language=c.language.upper(),
                tags=[tag.name for tag in c.tags.all()],
                team=c.team.name if c.team else "",
                assignee=(assignee.get_full_name() or assignee.username)
                if assignee
                else unassigned,
                updated_iso=_iso(c.updated_at),
                updated=_when(c.updated_at),
                due_iso=_iso(due_at) if isinstance(due_at, datetime) else "",
                due=gettext("Due %(due)s") % {"due": _when(due_at)}
                if isinstance(due_at, datetime)
                else "",
                waiting_title=_when(c.waiting_since, "long"),
                waiting=gettext("Unanswered for %(since)s")
                % {"since": timesince(c.waiting_since, now)}
                if c.waiting_since
                else "",
                unread=more.unread,
                preview=f"{note} {more.preview}" if more.preview_is_note else more.preview,
                preview_is_note=more.preview_is_note,
                channel_icon=channel_icon(c.channel, channels.get(c.channel, c.channel)),
                attachment_icon=clip if more.has_attachments else "",
            )
        )
    return rows
