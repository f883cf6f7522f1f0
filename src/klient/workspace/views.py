"""The agents' web UI: inbox, conversation page, sign-in. Thin: every change is one action."""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from klient.conversations import actions
from klient.conversations.access import (
    access_attachment,
    access_conversation,
    conversations_in_scope,
)
from klient.conversations.models import Conversation, Message
from klient.core import blobs
from klient.people.models import Identity, Team

from .forms import NoteForm, ReplyForm, SignInForm, UpdateForm

PAGE_SIZE = 25
MAX_SEARCH = 200
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# Inbox tabs: query value -> (label, statuses shown; None for all). A whitelist: nothing
# from the query string reaches the ORM except through it.
TABS: dict[str, tuple[Any, tuple[str, ...] | None]] = {
    "open": (pgettext_lazy("inbox tab", "Open"), ("new", "open")),
    "pending": (pgettext_lazy("inbox tab", "Pending"), ("pending",)),
    "on_hold": (pgettext_lazy("inbox tab", "On hold"), ("on_hold",)),
    "solved": (pgettext_lazy("inbox tab", "Solved"), ("solved", "closed")),
    "all": (pgettext_lazy("inbox tab", "All"), None),
}
DEFAULT_TAB = "open"

# The actions' refusals an agent can meet on these pages, marked here so that every language
# has them; they are translated when shown (see _in_words).
_ACTION_ERRORS = (
    gettext_noop("The message is empty."),
    gettext_noop("The message is longer than 200,000 characters."),
    gettext_noop("The customer has no email address to reply to."),
    gettext_noop("The assignee must be an active agent."),
)

# A sandboxing policy for every workspace page: customer content can never run script.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)


class SignInView(LoginView):
    template_name = "workspace/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


# --- scope: only through conversations.access ------------------------------------------


def _conversation_or_404(user: Any, ref: str) -> Conversation:
    return access_conversation(
        user, ref, queryset=Conversation.objects.select_related("customer", "team", "assignee")
    )


# --- rendering -------------------------------------------------------------------------


def _agent_time_zone(user: Any) -> zoneinfo.ZoneInfo | None:
    name = getattr(getattr(user, "agent", None), "time_zone", "")
    try:
        return zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render in the agent's time zone, under the workspace's content security policy."""
    with timezone.override(_agent_time_zone(request.user)):
        response = render(request, template, context, status=status)
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    return response


def _in_words(exc: ValidationError) -> ValidationError:
    """An action's refusal in the viewer's language (unchanged where there is no translation)."""
    return ValidationError([_(message) for message in exc.messages])


# --- inbox -----------------------------------------------------------------------------


def _encode_cursor(conversation: Conversation) -> str:
    micros = (conversation.updated_at - _EPOCH) // timedelta(microseconds=1)
    return f"{micros}_{conversation.pk}"


def _decode_cursor(value: str) -> tuple[datetime, int] | None:
    micros, _sep, pk = value.partition("_")
    if not (micros.isdigit() and pk.isdigit()) or len(micros) > 20 or len(pk) > 18:
        return None
    try:
        return _EPOCH + timedelta(microseconds=int(micros)), int(pk)
    except OverflowError:
        return None


def inbox_rows(
    user: Any, *, tab: str = DEFAULT_TAB, search: str = "", before: str = ""
) -> tuple[Sequence[Conversation], str]:
    """One page of the inbox, newest activity first, and the cursor of the next page ("" if
    none). Three joins and two subqueries: the query count does not grow with the rows."""
    statuses = TABS.get(tab, TABS[DEFAULT_TAB])[1]
    conversations = conversations_in_scope(user)
    if statuses is not None:
        conversations = conversations.filter(status__in=statuses)
    if search:
        matches = (
            Q(subject__icontains=search)
            | Q(customer__name__icontains=search)
            | Q(
                Exists(
                    Identity.objects.filter(customer=OuterRef("customer"), value__icontains=search)
                )
            )
        )
        if (pk := Conversation.pk_from_reference(search)) is not None:
            matches |= Q(pk=pk)
        conversations = conversations.filter(matches)
    if before and (cursor := _decode_cursor(before)) is not None:
        at, pk = cursor
        conversations = conversations.filter(Q(updated_at__lt=at) | Q(updated_at=at, pk__lt=pk))
    first_email = Identity.objects.filter(
        customer=OuterRef("customer"), kind=Identity.Kind.EMAIL
    ).order_by("id")
    rows = list(
        conversations.select_related("customer", "team", "assignee")
        .annotate(customer_email=Subquery(first_email.values("value")[:1]))
        .order_by("-updated_at", "-id")[: PAGE_SIZE + 1]
    )
    if len(rows) > PAGE_SIZE:
        return rows[:PAGE_SIZE], _encode_cursor(rows[PAGE_SIZE - 1])
    return rows, ""


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    tab = request.GET.get("status", DEFAULT_TAB)
    if tab not in TABS:
        tab = DEFAULT_TAB
    search = request.GET.get("q", "").strip()[:MAX_SEARCH]
    before = request.GET.get("before", "")
    rows, next_cursor = inbox_rows(request.user, tab=tab, search=search, before=before)
    params = {"status": tab, **({"q": search} if search else {})}
    context = {
        "rows": rows,
        "tab": tab,
        "tabs": [
            (key, label, f"?{urlencode({**params, 'status': key})}")
            for key, (label, _statuses) in TABS.items()
        ],
        "search": search,
        "paged": bool(before),
        "first_page_url": f"?{urlencode(params)}",
        "older_url": f"?{urlencode({**params, 'before': next_cursor})}" if next_cursor else "",
        "now": timezone.now(),
    }
    return _render(request, "workspace/inbox.html", context)


# --- conversation page -----------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    actor: str
    text: str


_EVENT_TEXT = {
    "conversation.created": gettext_lazy("Conversation opened"),
    "message.received": gettext_lazy("Message received"),
    "message.outbound_queued": gettext_lazy("Reply queued for sending"),
    "note.added": gettext_lazy("Internal note added"),
    "delivery.sent": gettext_lazy("Reply delivered to the mail server"),
    "delivery.deferred": gettext_lazy("Delivery deferred; will retry"),
    "delivery.failed": gettext_lazy("Delivery failed"),
    "delivery.bounced": gettext_lazy("Reply bounced"),
    "thread.refused": gettext_lazy("A message was not added to this thread"),
    "sla.started": gettext_lazy("SLA clock started"),
    "sla.paused": gettext_lazy("SLA clock paused"),
    "sla.resumed": gettext_lazy("SLA clock resumed"),
    "sla.stopped": gettext_lazy("SLA clock stopped"),
    "sla.first_reply": gettext_lazy("First reply recorded"),
    "sla.warning": gettext_lazy("SLA deadline approaching"),
    "sla.breached": gettext_lazy("SLA deadline missed"),
    "sla.policy_changed": gettext_lazy("SLA policy changed"),
}
# Who acted, when it was not a person: Event.actor_label's fixed values.
_ACTOR_LABEL = {
    "customer": pgettext_lazy("event actor", "customer"),
    "system": pgettext_lazy("event actor", "system"),
    "cli": pgettext_lazy("event actor", "command line"),
    "sla": pgettext_lazy("event actor", "SLA"),
}
_FIELD_LABEL = {
    "status": gettext_lazy("Status"),
    "priority": gettext_lazy("Priority"),
    "assignee": gettext_lazy("Assignee"),
    "team": gettext_lazy("Team"),
}


def _timeline(conversation: Conversation) -> list[TimelineEntry]:
    """The conversation's events in words. Two queries whatever their number."""
    events = list(conversation.events.select_related("actor").order_by("at", "id"))
    user_ids = {
        value
        for e in events
        if e.kind == "assignee.changed"
        for value in (e.data.get("from"), e.data.get("to"))
        if isinstance(value, int)
    }
    team_ids = {
        value
        for e in events
        if e.kind == "team.changed"
        for value in (e.data.get("from"), e.data.get("to"))
        if isinstance(value, int)
    }
    users = {
        u.pk: u.get_full_name() or u.username
        for u in (get_user_model().objects.filter(pk__in=user_ids) if user_ids else [])
    }
    teams = dict(Team.objects.filter(pk__in=team_ids).values_list("pk", "name")) if team_ids else {}
    statuses = dict(Conversation.Status.choices)
    priorities = dict(Conversation.Priority.choices)
    nobody = _("nobody")

    def value_label(field: str, value: Any) -> str:
        if value is None:
            return nobody
        if field == "status":
            return str(statuses.get(value, value))
        if field == "priority":
            return str(priorities.get(value, value))
        if field == "assignee":
            return users.get(value, f"#{value}")
        if field == "team":
            return teams.get(value, f"#{value}")
        return str(value)

    entries = []
    for event in events:
        actor = (
            (event.actor.get_full_name() or event.actor.username)
            if event.actor
            else str(_ACTOR_LABEL.get(event.actor_label, event.actor_label))
        )
        field = event.data.get("field") if event.kind.endswith(".changed") else None
        if field in _FIELD_LABEL:
            text = _("%(field)s: %(old)s → %(new)s") % {
                "field": _FIELD_LABEL[field],
                "old": value_label(field, event.data.get("from")),
                "new": value_label(field, event.data.get("to")),
            }
            if event.data.get("reason"):
                text = f"{text} ({event.data['reason']})"
        elif event.kind == "message.received" and (
            event.data.get("auto_reply") or event.data.get("bounce") or event.data.get("bulk")
        ):
            text = _("Automatic message received")
        else:
            text = str(_EVENT_TEXT.get(event.kind, event.kind))
        entries.append(TimelineEntry(at=event.at, actor=actor, text=text))
    return entries


def _quoted_rest(message: Message) -> str:
    """What body_text holds beyond new_text: the quoted history to fold away."""
    body, new = message.body_text.strip(), message.new_text.strip()
    if not new or body == new:
        return ""
    if body.startswith(new):
        return body[len(new) :].strip()
    return body


def _conversation_page(
    request: HttpRequest,
    conversation: Conversation,
    *,
    reply_form: ReplyForm | None = None,
    note_form: NoteForm | None = None,
    update_form: UpdateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    thread = list(
        conversation.messages.select_related("author", "delivery")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )
    for message in thread:
        message.quoted_rest = _quoted_rest(message)  # type: ignore[attr-defined]
    context = {
        "conversation": conversation,
        "customer_email": conversation.customer.primary_email(),
        "thread": thread,
        "timeline": _timeline(conversation),
        "reply_form": reply_form or ReplyForm(),
        "note_form": note_form or NoteForm(),
        "update_form": update_form
        or UpdateForm(
            initial={
                "status": conversation.status,
                "priority": conversation.priority,
                "assignee": conversation.assignee_id,
            }
        ),
        "now": timezone.now(),
    }
    return _render(request, "workspace/conversation.html", context, status=status)


@login_required
@require_GET
def conversation_detail(request: HttpRequest, ref: str) -> HttpResponse:
    return _conversation_page(request, _conversation_or_404(request.user, ref))


def _back_to(conversation: Conversation, anchor: str = "") -> HttpResponse:
    url = reverse("workspace:conversation", args=[conversation.reference])
    return redirect(f"{url}#{anchor}" if anchor else url)


@login_required
@require_POST
def conversation_reply(request: HttpRequest, ref: str) -> HttpResponse:
    conversation = _conversation_or_404(request.user, ref)
    form = ReplyForm(request.POST)
    if form.is_valid():
        try:
            message = actions.reply(
                conversation,
                actor=request.user,
                body=form.cleaned_data["body"],
                status=form.cleaned_data["status"] or None,
            )
        except ValidationError as exc:
            form.add_error(None, _in_words(exc))
        else:
            messages.success(request, _("Your reply is on its way."))
            return _back_to(conversation, f"m-{message.pk}")
    return _conversation_page(request, conversation, reply_form=form, status=400)


@login_required
@require_POST
def conversation_note(request: HttpRequest, ref: str) -> HttpResponse:
    conversation = _conversation_or_404(request.user, ref)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            message = actions.add_note(
                conversation, actor=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            form.add_error(None, _in_words(exc))
        else:
            messages.success(request, _("Note added."))
            return _back_to(conversation, f"m-{message.pk}")
    return _conversation_page(request, conversation, note_form=form, status=400)


@login_required
@require_POST
def conversation_update(request: HttpRequest, ref: str) -> HttpResponse:
    conversation = _conversation_or_404(request.user, ref)
    form = UpdateForm(request.POST)
    if form.is_valid():
        try:
            actions.update_conversation(
                conversation,
                actor=request.user,
                status=form.cleaned_data["status"],
                priority=form.cleaned_data["priority"],
                assignee=form.cleaned_data["assignee"],
            )
        except ValidationError as exc:
            form.add_error(None, _in_words(exc))
        else:
            messages.success(request, _("Conversation updated."))
            return _back_to(conversation)
    return _conversation_page(request, conversation, update_form=form, status=400)


@login_required
@require_GET
def message_original(request: HttpRequest, ref: str, pk: int) -> HttpResponse:
    """The whole message as received: every header we keep, the full text with its quotes,
    and the sanitised HTML only inside a sandboxed frame that can run nothing."""
    conversation = _conversation_or_404(request.user, ref)
    message = (
        conversation.messages.select_related("author")
        .prefetch_related("attachments")
        .filter(pk=pk)
        .first()
    )
    if message is None:
        raise Http404
    return _render(
        request, "workspace/original.html", {"conversation": conversation, "message": message}
    )


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """An attachment, always as a download that the browser may not sniff nor run."""
    attachment = access_attachment(request.user, pk)
    response = FileResponse(
        blobs.path_for(attachment.blob).open("rb"),
        as_attachment=True,
        filename=attachment.filename or "attachment",
        content_type="application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
