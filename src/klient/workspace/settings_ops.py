"""Settings pages for administrators: IMAP mailboxes (/settings/mailboxes/) and the mail
quarantine (/settings/quarantine/). Others get 403. Thin: each change is one action of
klient.mail; "test connection" signs in and changes nothing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from klient.conversations.access import admin_required
from klient.core.downloads import safe_download
from klient.core.pages import render_agent_page
from klient.core.transactions import reads_only
from klient.mail import actions, mailbox_admin, queries
from klient.mail.models import ImapMailbox, InboundMail

from .settings_ops_forms import DiscardForm, MailboxForm, RetryForm

# --- IMAP mailboxes ----------------------------------------------------------------------


@require_GET
@admin_required
def mailbox_list(request: HttpRequest) -> HttpResponse:
    return render_agent_page(
        request, "workspace/settings/mailboxes.html", {"mailboxes": queries.mailboxes()}
    )


def _show_errors(form: Any, exc: ValidationError) -> None:
    """An action's refusal on the form's fields (or above it)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, problems in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, problems)


def _mailbox_page(
    request: HttpRequest,
    form: MailboxForm,
    mailbox: ImapMailbox | None,
    *,
    check: mailbox_admin.ConnectionCheck | None = None,
    typed_password: bool = False,
) -> HttpResponse:
    context = {
        "form": form,
        "mailbox": mailbox,
        "check": check,
        "typed_password": typed_password,
    }
    status = 400 if form.errors else 200
    return render_agent_page(request, "workspace/settings/mailbox_form.html", context, status)


@require_http_methods(["GET", "POST"])
@admin_required
def mailbox_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    mailbox = get_object_or_404(ImapMailbox, pk=pk) if pk is not None else None
    if request.method != "POST":
        return _mailbox_page(request, MailboxForm(mailbox=mailbox), mailbox)
    form = MailboxForm(request.POST, mailbox=mailbox)
    if form.is_valid():
        values = form.settings()
        try:
            if mailbox is None:
                saved = mailbox_admin.create_mailbox(values, actor=request.user)
            else:
                saved = mailbox_admin.change_mailbox(mailbox, values, actor=request.user)
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(request, _("Mailbox %(mailbox)s saved.") % {"mailbox": saved})
            return redirect("ops_settings:mailboxes")
    return _mailbox_page(request, form, mailbox)


@reads_only  # signs in to the server and writes nothing: no transaction held meanwhile
@require_POST
@admin_required
def mailbox_test(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Test the settings typed in the form (the stored password unless another is typed);
    from the list, with no form, the stored settings."""
    mailbox = get_object_or_404(ImapMailbox, pk=pk) if pk is not None else None
    if mailbox is not None and "host" not in request.POST:
        check = mailbox_admin.check_connection(_stored(mailbox), mailbox=mailbox)
        _flash_check(request, check, str(mailbox))
        return redirect("ops_settings:mailboxes")
    form = MailboxForm(request.POST, mailbox=mailbox)
    if not form.is_valid():
        return _mailbox_page(request, form, mailbox)
    values = form.settings()
    try:
        check = mailbox_admin.check_connection(values, mailbox=mailbox)
    except ValidationError as exc:
        _show_errors(form, exc)
        return _mailbox_page(request, form, mailbox)
    return _mailbox_page(request, form, mailbox, check=check, typed_password=bool(values.password))


def _stored(mailbox: ImapMailbox) -> mailbox_admin.MailboxSettings:
    return mailbox_admin.MailboxSettings(
        team=mailbox.team,
        host=mailbox.host,
        port=mailbox.port,
        security=mailbox.security,
        username=mailbox.username,
        password=None,
        folder=mailbox.folder,
    )


def _flash_check(request: HttpRequest, check: mailbox_admin.ConnectionCheck, name: str) -> None:
    if check.ok:
        count = check.messages or 0
        text = ngettext(
            "%(mailbox)s: signed in; the folder holds %(count)s message.",
            "%(mailbox)s: signed in; the folder holds %(count)s messages.",
            count,
        )
        messages.success(request, text % {"mailbox": name, "count": count})
    else:
        messages.error(
            request,
            _("%(mailbox)s: the connection failed: %(error)s")
            % {"mailbox": name, "error": check.detail},
        )


@require_POST
@admin_required
def mailbox_active(request: HttpRequest, pk: int) -> HttpResponse:
    mailbox = get_object_or_404(ImapMailbox, pk=pk)
    active = request.POST.get("active") == "1"
    mailbox_admin.set_mailbox_active(mailbox, active, actor=request.user)
    text = _("%(mailbox)s is polled again.") if active else _("%(mailbox)s is no longer polled.")
    messages.success(request, text % {"mailbox": mailbox})
    return redirect("ops_settings:mailboxes")


@require_POST
@admin_required
def mailbox_delete(request: HttpRequest, pk: int) -> HttpResponse:
    mailbox = get_object_or_404(ImapMailbox, pk=pk)
    try:
        mailbox_admin.delete_mailbox(mailbox, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Mailbox %(mailbox)s deleted.") % {"mailbox": mailbox})
    return redirect("ops_settings:mailboxes")


# --- the quarantine ----------------------------------------------------------------------


@require_GET
@admin_required
def quarantine_list(request: HttpRequest) -> HttpResponse:
    show_discarded = request.GET.get("show") == "discarded"
    quarantined = queries.quarantined_mail()
    discarded = queries.discarded_mail()
    context = {
        "show_discarded": show_discarded,
        "items": queries.with_recognised_headers(
            (discarded if show_discarded else quarantined)[:200]
        ),
        "quarantined_count": quarantined.count(),
        "discarded_count": discarded.count(),
    }
    return render_agent_page(request, "workspace/settings/quarantine.html", context)


def _reviewed(pk: int) -> InboundMail:
    try:
        return queries.inbound_for_review(pk)
    except InboundMail.DoesNotExist:
        raise Http404("No such quarantined mail.") from None


def _detail_page(
    request: HttpRequest,
    inbound: InboundMail,
    *,
    discard_form: DiscardForm | None = None,
    retry_form: RetryForm | None = None,
) -> HttpResponse:
    discard_form = discard_form or DiscardForm()
    context = {
        "inbound": inbound,
        "headers": queries.headers_of(inbound),
        "history": queries.history(inbound),
        "quarantined": inbound.state == InboundMail.State.QUARANTINED,
        "discard_form": discard_form,
        "retry_form": retry_form or RetryForm(),
    }
    status = 400 if discard_form.errors else 200
    return render_agent_page(request, "workspace/settings/quarantine_detail.html", context, status)


@require_GET
@admin_required
def quarantine_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _reviewed(pk))


@require_GET
@admin_required
def quarantine_raw(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The bytes as received, as a download a browser neither renders nor sniffs."""
    inbound = _reviewed(pk)
    try:
        return safe_download(inbound.raw_blob, f"quarantined-{inbound.pk}.eml")
    except (FileNotFoundError, ValueError):
        raise Http404("The raw source of this mail is missing.") from None


@require_POST
@admin_required
def quarantine_retry(request: HttpRequest, pk: int) -> HttpResponse:
    form = RetryForm(request.POST)
    team = form.cleaned_data["team"] if form.is_valid() else None
    try:
        outcome = actions.retry_quarantined(
            pk, actor=request.user, team_id=team.pk if team else None
        )
    except InboundMail.DoesNotExist:
        raise Http404("No such quarantined mail.") from None
    inbound = InboundMail.objects.get(pk=pk)
    if inbound.state == InboundMail.State.QUARANTINED:
        messages.error(request, _("Quarantined again: %(reason)s") % {"reason": inbound.reason})
        return redirect("ops_settings:quarantine_detail", pk=pk)
    message = actions.stored_message(inbound)
    if outcome in ("stored", "duplicate") and message is not None:
        text = (
            _("The email is stored in %(reference)s.")
            if outcome == "stored"
            else _("The email was already stored, in %(reference)s.")
        )
        messages.success(request, text % {"reference": message.conversation.reference})
    else:
        messages.success(request, _("The email is being processed again."))
    return redirect("ops_settings:quarantine")


@require_POST
@admin_required
def quarantine_discard(request: HttpRequest, pk: int) -> HttpResponse:
    inbound = _reviewed(pk)
    form = DiscardForm(request.POST)
    if form.is_valid():
        try:
            actions.discard_quarantined(pk, actor=request.user, reason=form.cleaned_data["reason"])
        except InboundMail.DoesNotExist:
            raise Http404("No such quarantined mail.") from None
        except ValidationError as exc:
            _show_errors(form, exc)
        else:
            messages.success(
                request,
                _("Email #%(id)s discarded; its raw source is kept.") % {"id": inbound.pk},
            )
            return redirect("ops_settings:quarantine")
    return _detail_page(request, inbound, discard_form=form)
