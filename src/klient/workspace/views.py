"""The agents' web UI: inbox, conversation page, sign-in. Thin: every change is one action."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from klient.conversations import actions, drafts, reading, transfers, uploads
from klient.conversations.access import (
    access_attachment,
    access_conversation,
    access_uploads,
    conversations_in_scope,
)
from klient.conversations.deliveries import REOPENED_UNDELIVERED
from klient.conversations.events import Kind as ConversationKind
from klient.conversations.models import (
    RESENDABLE_STATES,
    Conversation,
    Delivery,
    Message,
    Upload,
)
from klient.core import wiring
from klient.core.downloads import safe_download
from klient.core.pages import live_refresh, render_agent_page
from klient.mail.uploads import upload_file
from klient.notifications.actions import mark_conversation_read
from klient.notifications.undelivered import timeline_anchor
from klient.people.languages import remember_browser_language
from klient.people.models import Team
from klient.sla.events import Kind as SlaKind

from . import merge_views, reply_checks
from .forms import BulkForm, NoteForm, ReplyForm, SignInForm, TagForm, UpdateForm
from .inbox import build_inbox, reference_target

# The actions' refusals an agent can meet on these pages, marked here so that every language
# has them; they are translated when shown (see _in_words).
_ACTION_ERRORS = (
    gettext_noop("The message is empty."),
    gettext_noop("The message is longer than 200,000 characters."),
    gettext_noop("The customer has no email address to reply to."),
    gettext_noop("The customer has no verified phone number to answer on."),
    gettext_noop("The customer cannot be reached on that channel."),
    gettext_noop("The assignee must be an active agent."),
    gettext_noop("A draft holds at most 50 attachments."),
    gettext_noop("Attachments must be a list of upload ids."),
)


class SignInView(LoginView):
    template_name = "workspace/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        remember_browser_language(form.get_user(), self.request)
        return response


# --- scope: only through conversations.access ------------------------------------------


def _conversation_or_404(user: Any, ref: str) -> Conversation:
    return access_conversation(
        user, ref, queryset=Conversation.objects.select_related("customer", "team", "assignee")
    )


# --- rendering -------------------------------------------------------------------------


def _in_words(exc: ValidationError) -> ValidationError:
    """An action's refusal in the viewer's language (unchanged where there is no translation)."""
    if isinstance(exc, uploads.AlreadyAttached):
        return ValidationError(
            _("A file was already sent with another message: attach it again to send it.")
        )
    if isinstance(exc, uploads.UploadTooLarge):
        return ValidationError(_too_large())
    return ValidationError([_(message) for message in exc.messages])


def _too_large() -> str:
    return _("The files are larger than %(size)s MB, the largest message Klient sends.") % {
        "size": uploads.megabytes(uploads.max_bytes())
    }


def uploads_of(user: Any, ids: list[int]) -> list[Upload]:
    """The agent's uploads to attach (access_uploads), refused in words on the form."""
    try:
        return access_uploads(user, ids)
    except Http404:
        raise ValidationError(_("An attached file is not one you uploaded.")) from None


def pending_uploads(form: Any, user: Any) -> list[Upload]:
    """The files a form that came back (refused) still carries, to show them again."""
    if form is None or not form.is_bound:
        return []
    ids = form.cleaned_data.get("attachments", []) if hasattr(form, "cleaned_data") else []
    return list(
        Upload.objects.filter(pk__in=ids, uploader_id=user.pk, attachment__isnull=True).order_by(
            "pk"
        )
    )


# --- uploads (the compose box's files) -------------------------------------------------


@login_required
@require_POST
def upload(request: HttpRequest) -> JsonResponse:
    """A file dropped, pasted or chosen in a compose box: the same action as
    POST /api/v1/uploads, answered with the same JSON (201, or 413/400 with "detail")."""
    file = request.FILES.get("file")
    if file is None:
        return JsonResponse({"detail": _("Choose a file to attach.")}, status=400)
    try:
        uploads.check_size(file.size or 0)
        stored = upload_file(
            actor=request.user,
            filename=file.name or "",
            content_type=file.content_type or "",
            data=file.read(),
        )
    except uploads.UploadTooLarge:
        too_large = _("The file is larger than %(size)s MB, the largest message Klient takes.")
        size = uploads.megabytes(uploads.max_bytes())
        return JsonResponse({"detail": too_large % {"size": size}}, status=413)
    return JsonResponse(uploads.describe(stored), status=201)


# --- inbox ---------------------------------------------------------------------------
# Views, filters, search and pages are built in klient.workspace.inbox; bulk actions here.


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    # A search for a reference the agent may see opens it (K-1002, k 1002).
    if target := reference_target(request.user, request.GET):
        return redirect(target)
    partial = request.GET.get("partial", "")
    if partial == "counts":  # the tabs ask for their counts once the page is shown
        listing = build_inbox(
            request.user, request.GET, now=timezone.now(), with_counts=True, with_rows=False
        )
        return render_agent_page(request, "workspace/_inbox_views.html", listing.tabs_context())
    rows_only = bool(request.headers.get("HX-Request")) and partial == "rows"
    # The page and its refreshes come without counts (the tabs fetch them: see above).
    listing = build_inbox(request.user, request.GET, now=timezone.now())
    context = {**listing.context(), "now": timezone.now()}
    if rows_only:
        return render_agent_page(request, "workspace/_inbox_rows.html", context)
    return render_agent_page(request, "workspace/inbox.html", context)


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("workspace:inbox")


@login_required
@require_POST
def inbox_bulk(request: HttpRequest) -> HttpResponse:
    """Assign, change the status of, or tag the selected conversations: one action per
    conversation, each with its events; conversations outside the agent's scope are
    skipped exactly as if they did not exist."""
    form = BulkForm(request.POST)
    if not form.is_valid():
        for error in form.errors.values():
            messages.error(request, " ".join(str(e) for e in error))
        return redirect(_safe_next(request))
    data = form.cleaned_data
    chosen = conversations_in_scope(request.user).filter(pk__in=data["ids"]).order_by("pk")
    done = 0
    for conversation in chosen:
        try:
            if data["do"] == "assign_me":
                actions.update_conversation(conversation, actor=request.user, assignee=request.user)
            elif data["do"] == "assign":
                if transfers.is_handover(
                    conversation, actor=request.user, assignee=data["assignee"]
                ):
                    # One note cannot tell each receiver about each customer.
                    messages.error(
                        request,
                        _(
                            "%(ref)s is with a colleague: move it with a handover note "
                            "(Transfer, on its page)."
                        )
                        % {"ref": conversation.reference},
                    )
                    continue
                actions.update_conversation(
                    conversation, actor=request.user, assignee=data["assignee"]
                )
            elif data["do"] == "status":
                actions.update_conversation(conversation, actor=request.user, status=data["status"])
            elif data["do"] == "tag":
                actions.set_tags(conversation, actor=request.user, add=[data["tag"]])
        except ValidationError as exc:
            messages.error(request, " ".join(_in_words(exc).messages))
            break
        done += 1
    if done:
        messages.success(
            request,
            ngettext("%(count)d conversation updated.", "%(count)d conversations updated.", done)
            % {"count": done},
        )
    return redirect(_safe_next(request))


# --- tags ------------------------------------------------------------------------------


@login_required
@require_POST
def conversation_tags(request: HttpRequest, ref: str) -> HttpResponse:
    """Add or remove one tag; answers the tags card for htmx, else back to the page."""
    conversation = _conversation_or_404(request.user, ref)
    form = TagForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            actions.set_tags(
                conversation,
                actor=request.user,
                add=[form.cleaned_data["add"]] if form.cleaned_data["add"] else [],
                remove=[form.cleaned_data["remove"]] if form.cleaned_data["remove"] else [],
            )
        except ValidationError as exc:
            error = " ".join(_in_words(exc).messages)
    else:
        error = " ".join(str(e) for errors in form.errors.values() for e in errors)
    if request.headers.get("HX-Request"):
        return render_agent_page(
            request,
            "workspace/_tags.html",
            {"conversation": conversation, "tags_error": error},
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
    return _back_to(conversation)


# --- conversation page -----------------------------------------------------------------


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    actor: str
    text: str
    anchor: str = ""  # the entry's id: notifications link to it
    detail: str = ""  # why: the relay's answer to a reply that was not delivered
    resend: int | None = None  # the message a Resend button next to it sends again


# What the timeline says of an event: its kind's label (each domain's events.Kind).
_EVENT_TEXT = {kind.value: kind.label for kinds in wiring.event_kinds() for kind in kinds}
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
    "tags": gettext_lazy("Tags"),
}


# Why a change was made, as actions record it (data.reason), in the viewer's language.
_REASON_LABEL = {REOPENED_UNDELIVERED: gettext_lazy("reply not delivered")}
_UNDELIVERED = frozenset({ConversationKind.DELIVERY_FAILED, ConversationKind.DELIVERY_BOUNCED})

_DELIVERY_OUTCOMES = frozenset(
    {
        ConversationKind.DELIVERY_SENT,
        ConversationKind.DELIVERY_FAILED,
        ConversationKind.DELIVERY_BOUNCED,
    }
)


def _replies_first(events: list[Any]) -> list[Any]:
    """Events in (at, id) order, except that a status chosen with a reply (data.reply) is
    shown after what became of that reply: its delivery outcome and the first reply it
    recorded. The status changed when the agent sent; the answer reached the customer a
    little later, and reading "Solved" before "Reply delivered" says the opposite."""
    outcome: dict[Any, Any] = {}
    for event in events:
        if event.kind in _DELIVERY_OUTCOMES:
            outcome.setdefault(event.data.get("message"), event)
    after: dict[int, list[Any]] = {}
    moved: set[int] = set()
    for event in events:
        delivered = outcome.get(event.data.get("reply")) if event.data.get("reply") else None
        if event.kind == ConversationKind.STATUS_CHANGED and delivered is not None:
            anchor = delivered
            moment = delivered.at.isoformat()
            for later in events:
                if later.kind == SlaKind.FIRST_REPLY and later.data.get("replied_at") == moment:
                    anchor = later
                    break
            after.setdefault(anchor.pk, []).append(event)
            moved.add(event.pk)
    ordered = []
    for event in events:
        if event.pk not in moved:
            ordered.append(event)
            ordered.extend(after.get(event.pk, ()))
    return ordered


def _timeline(conversation: Conversation) -> list[TimelineEntry]:
    """The conversation's events in words. Two queries whatever their number."""
    events = _replies_first(list(conversation.events.select_related("actor").order_by("at", "id")))
    user_ids = {
        value
        for e in events
        if e.kind == ConversationKind.ASSIGNEE_CHANGED
        for value in (e.data.get("from"), e.data.get("to"))
        if isinstance(value, int)
    }
    team_ids = {
        value
        for e in events
        if e.kind == ConversationKind.TEAM_CHANGED
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
    resend_at = _resend_buttons(events)

    def value_label(field: str, value: Any) -> str:
        if value is None:
            return nobody
        if field == "tags":
            return ", ".join(str(v) for v in value) if value else nobody
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
            if reason := event.data.get("reason"):
                text = f"{text} ({_REASON_LABEL.get(reason, reason)})"
        elif event.kind == ConversationKind.MESSAGE_RECEIVED and (
            event.data.get("auto_reply") or event.data.get("bounce") or event.data.get("bulk")
        ):
            text = _("Automatic message received")
        else:
            text = str(_EVENT_TEXT.get(event.kind, event.kind))
        entries.append(
            TimelineEntry(
                at=event.at,
                actor=actor,
                text=text,
                anchor=timeline_anchor(event.pk),
                detail=str(event.data.get("error") or "") if event.kind in _UNDELIVERED else "",
                resend=event.data.get("message") if event.pk in resend_at else None,
            )
        )
    return entries


def _resend_buttons(events: list[Any]) -> set[int]:
    """The events that get a Resend button: each message's latest failure or bounce, while
    its delivery is still failed or bounced. One query, only when something failed."""
    latest = {e.data.get("message"): e.pk for e in events if e.kind in _UNDELIVERED}
    if not latest:
        return set()
    resendable = Delivery.objects.filter(
        message_id__in=list(latest), state__in=list(RESENDABLE_STATES)
    ).values_list("message_id", flat=True)
    return {latest[message_id] for message_id in resendable}


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
    opened: bool = False,
) -> HttpResponse:
    thread = list(
        conversation.messages.select_related("author", "delivery", "sentiment")
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )
    now = timezone.now()
    if opened:  # the agent has now been shown every message of the thread
        seen = max((message.pk for message in thread), default=0)
        reading.mark_read(conversation, agent=request.user, seen_message_id=seen)
    for message in thread:
        message.quoted_rest = _quoted_rest(message)  # type: ignore[attr-defined]
        # A just-sent reply of this agent's that can still be taken back: the Undo button.
        until = drafts.undo_deadline(message, user=request.user, now=now)
        message.undo_ms = (  # type: ignore[attr-defined]
            int((until - now).total_seconds() * 1000) if until else 0
        )
    draft = drafts.draft_of(conversation, request.user)
    if reply_form is None:
        reply_form = ReplyForm(
            initial={"body": draft.body} if draft else None,
            channels=actions.reply_channels(conversation),
        )
    context = {
        "conversation": conversation,
        "customer_email": conversation.customer.primary_email(),
        "thread": thread,
        "timeline": _timeline(conversation),
        "reply_form": reply_form,
        "draft": draft,
        "note_form": note_form or NoteForm(),
        "reply_uploads": pending_uploads(reply_form, request.user),
        "note_uploads": pending_uploads(note_form, request.user),
        "update_form": update_form
        or UpdateForm(
            initial={
                "status": conversation.status,
                "priority": conversation.priority,
                "assignee": conversation.assignee_id,
            }
        ),
        "now": now,
    }
    return render_agent_page(request, "workspace/conversation.html", context, status=status)


@login_required
@require_GET
def conversation_detail(request: HttpRequest, ref: str) -> HttpResponse:
    conversation = _conversation_or_404(request.user, ref)
    # A merged conversation's page is its survivor's (h9, klient.workspace.merge_views).
    if (to_survivor := merge_views.redirect_if_merged(request, conversation)) is not None:
        return to_survivor
    # Opening it is reading what one was told about it (this reader's notifications only).
    # The live script's refetch of an open page is not an opening: it may arrive while the
    # agent looks elsewhere, or be held back while she types, so what it brings stays unread.
    opened = not live_refresh(request)
    if opened:
        mark_conversation_read(request.user, conversation)  # type: ignore[arg-type]
    return _conversation_page(request, conversation, opened=opened)


def _back_to(conversation: Conversation, anchor: str = "") -> HttpResponse:
    url = reverse("workspace:conversation", args=[conversation.reference])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _submit(
    request: HttpRequest,
    conversation: Conversation,
    form: Any,
    change: Callable[[dict[str, Any]], str],
    done: str,
    form_name: str,
) -> HttpResponse:
    """A conversation form's POST: run `change` on a valid form's data; once it worked, say
    `done` and go back to the conversation, at the anchor `change` returns; otherwise show
    the page again with the form and why (400)."""
    if form.is_valid():
        try:
            anchor = change(form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, _in_words(exc))
        else:
            messages.success(request, done)
            return _back_to(conversation, anchor)
    return _conversation_page(request, conversation, status=400, **{form_name: form})


@login_required
@require_POST
def conversation_reply(request: HttpRequest, ref: str) -> HttpResponse:
    conversation = _conversation_or_404(request.user, ref)

    def send(data: dict[str, Any]) -> str:
        files = uploads_of(request.user, data["attachments"])
        findings = reply_checks.findings_on(conversation, request.user, data["body"])
        message = actions.reply(
            conversation,
            actor=request.user,
            body=data["body"],
            status=data["status"] or None,
            channel=data["channel"] or None,
            attachments=files,
        )
        reply_checks.tell_after_sending(request, findings)
        return f"m-{message.pk}"

    form = ReplyForm(request.POST, channels=actions.reply_channels(conversation))
    window = int(actions.undo_window().total_seconds())
    done = (
        ngettext(
            "Your reply will be sent in %(seconds)d second: you can still undo it.",
            "Your reply will be sent in %(seconds)d seconds: you can still undo it.",
            window,
        )
        % {"seconds": window}
        if window
        else _("Your reply is on its way.")
    )
    return _submit(request, conversation, form, send, done, "reply_form")


@login_required
@require_POST
def conversation_note(request: HttpRequest, ref: str) -> HttpResponse:
    conversation = _conversation_or_404(request.user, ref)

    def note(data: dict[str, Any]) -> str:
        message = actions.add_note(
            conversation,
            actor=request.user,
            body=data["body"],
            attachments=uploads_of(request.user, data["attachments"]),
        )
        return f"m-{message.pk}"

    return _submit(
        request, conversation, NoteForm(request.POST), note, _("Note added."), "note_form"
    )


@login_required
@require_POST
def conversation_update(request: HttpRequest, ref: str) -> HttpResponse:
    conversation = _conversation_or_404(request.user, ref)

    def update(data: dict[str, Any]) -> str:
        assignee = data["assignee"]
        if transfers.is_handover(conversation, actor=request.user, assignee=assignee):
            note = transfers.refuse_handover_without_note(data["note"])
            transfers.transfer(conversation, actor=request.user, note=note, agent=assignee)
        actions.update_conversation(
            conversation,
            actor=request.user,
            status=data["status"],
            priority=data["priority"],
            assignee=assignee,
        )
        return ""

    form = UpdateForm(request.POST)
    return _submit(request, conversation, form, update, _("Conversation updated."), "update_form")


@login_required
@require_POST
def message_resend(request: HttpRequest, ref: str, pk: int) -> HttpResponse:
    """Send a reply that was not delivered again (the Resend button of the timeline)."""
    conversation = _conversation_or_404(request.user, ref)
    message = conversation.messages.filter(pk=pk).first()
    if message is None:
        raise Http404
    try:
        actions.resend(message, actor=request.user)
    except actions.NotResendable:
        messages.info(request, _("Only a reply that was not delivered can be resent."))
    else:
        messages.success(request, _("The reply will be sent again."))
    return _back_to(conversation, f"m-{message.pk}")


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
    return render_agent_page(
        request, "workspace/original.html", {"conversation": conversation, "message": message}
    )


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """An attachment, always as a download that the browser may not sniff nor run."""
    attachment = access_attachment(request.user, pk)
    return safe_download(attachment.blob, attachment.filename)
