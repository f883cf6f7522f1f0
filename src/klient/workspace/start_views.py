"""The "New conversation" page: an agent emails a customer or logs a phone call.

Thin: the team and the files through conversations.access, one action
(klient.conversations.outbound_start.start_conversation), a redirect to the new
conversation; the action's refusals are shown on the field they concern."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from klient.conversations.access import access_team, teams_in_scope
from klient.conversations.outbound_start import MAX_SUBJECT, start_conversation
from klient.core.pages import render_agent_page

from . import views
from .forms import NewConversationForm

# The action's refusals by code: the field they concern and what the agent reads.
_REFUSALS: dict[str, tuple[str | None, Any]] = {
    "channel": ("channel", gettext_lazy("Choose email or phone.")),
    "subject_empty": ("subject", gettext_lazy("Write a subject.")),
    "subject_too_long": ("subject", gettext_lazy("The subject is longer than %(max)s characters.")),
    "both_identities": (None, gettext_lazy("Give the email address or the phone number.")),
    "no_email": ("email", gettext_lazy("An email needs the customer's email address.")),
    "invalid_email": ("email", gettext_lazy("This is not an email address.")),
    "no_phone": ("phone", gettext_lazy("A phone call needs the customer's phone number.")),
    "invalid_phone": ("phone", gettext_lazy("This is not a phone number.")),
}


def _show_refusal(form: NewConversationForm, exc: ValidationError) -> None:
    code = getattr(exc, "code", None)
    if code in _REFUSALS:
        field, text = _REFUSALS[code]
        form.add_error(field, str(text) % {"max": MAX_SUBJECT})
    else:
        form.add_error(None, views._in_words(exc))


@login_required
@require_http_methods(["GET", "POST"])
def new_conversation(request: HttpRequest) -> HttpResponse:
    teams = teams_in_scope(request.user)
    form = NewConversationForm(request.POST or None, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        email_channel = data["channel"] == "email"
        try:
            conversation = start_conversation(
                actor=request.user,
                team=access_team(request.user, data["team"].pk),
                channel=data["channel"],
                subject=data["subject"],
                body=data["body"],
                # Only the identity the channel reaches: the other field may hold a leftover.
                email=data["email"] if email_channel else "",
                phone="" if email_channel else data["phone"],
                name=data["name"],
                status=data["status"] or None,
                attachments=views.uploads_of(request.user, data["attachments"]),
            )
        except ValidationError as exc:
            _show_refusal(form, exc)
        else:
            done = (
                _("Email on its way: %(ref)s started.")
                if email_channel
                else _("Phone call logged: %(ref)s started.")
            )
            messages.success(request, done % {"ref": conversation.reference})
            return redirect(reverse("workspace:conversation", args=[conversation.reference]))
    context = {
        "form": form,
        "form_uploads": views.pending_uploads(form, request.user),
        "no_team": not teams.exists(),
    }
    status = 400 if request.method == "POST" else 200
    return render_agent_page(request, "workspace/new_conversation.html", context, status=status)
