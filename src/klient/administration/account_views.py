"""Every agent's own account pages: their profile (name, language, time zone, signature,
password, API token), "forgot password", and the pages an invitation or a reset link
opens. Thin: each change is one action of klient.people.accounts or admin_actions."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from klient.core import ratelimit
from klient.core.pages import render_agent_page, show_errors
from klient.people import accounts, admin_actions
from klient.people.access import SELF_SERVICE_FIELDS

from .forms import ForgotPasswordForm, ProfileForm

Purpose = accounts.Purpose


# -- the profile -----------------------------------------------------------------------------


def _agent(request: HttpRequest) -> Any:
    """The signed-in agent (login_required made sure there is one)."""
    return request.user


def _profile_page(request: HttpRequest, **forms: Any) -> HttpResponse:
    user = _agent(request)
    password_form = forms.get("password_form") or PasswordChangeForm(user)
    # Django focuses the old password; on the profile page the profile comes first.
    password_form.fields["old_password"].widget.attrs.pop("autofocus", None)
    context = {
        "form": forms.get("form") or ProfileForm(initial=ProfileForm.initial_for(user)),
        "password_form": password_form,
        "token": forms.get("token", ""),
        "teams": user.teams.order_by("name"),
    }
    return render_agent_page(request, "administration/profile.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    if not hasattr(request.user, "agent"):
        return redirect("workspace:inbox")
    if request.method != "POST":
        return _profile_page(request)
    form = ProfileForm(request.POST)
    if form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k in SELF_SERVICE_FIELDS}
        try:
            admin_actions.update_agent(request.user, actor=request.user, **fields)
        except ValidationError as exc:
            show_errors(form, exc)
        else:
            messages.success(request, _("Your profile is saved."))
            response = redirect("administration:profile")
            _remember_language(response, fields["language"])
            return response
    return _profile_page(request, form=form)


def _remember_language(response: HttpResponse, language: str) -> None:
    """The pages speak the chosen language from now on (the language cookie Django's
    set_language uses); "the browser's language" forgets the choice."""
    if language:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
        )
    else:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)


@login_required
@require_POST
def change_password(request: HttpRequest) -> HttpResponse:
    user = _agent(request)
    form = PasswordChangeForm(user, request.POST)
    if form.is_valid():
        accounts.set_password(user, form.cleaned_data["new_password1"], actor=user, via="profile")
        # This session stays signed in; the agent's other sessions end.
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password is changed."))
        return redirect("administration:profile")
    return _profile_page(request, password_form=form)


@login_required
@require_POST
def new_token(request: HttpRequest) -> HttpResponse:
    token = admin_actions.issue_token(
        request.user, actor=request.user, label=_("made on the profile page")
    )
    return _profile_page(request, token=token)


# -- forgot password -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def forgot_password(request: HttpRequest) -> HttpResponse:
    form = ForgotPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.request_password_reset(
                form.cleaned_data["email"], ip=ratelimit.client_ip(request)
            )
        except accounts.TooManyRequests:
            return render_agent_page(request, "administration/too_many_requests.html", {}, 429)
        # The same answer whether or not the address is an agent's.
        return redirect("administration:forgot_password_sent")
    return render_agent_page(request, "administration/forgot_password.html", {"form": form})


def forgot_password_sent(request: HttpRequest) -> HttpResponse:
    return render_agent_page(request, "administration/forgot_password_sent.html", {})


# -- the links -------------------------------------------------------------------------------


def _set_password_page(request: HttpRequest, purpose: str, uid: str, token: str) -> HttpResponse:
    agent = accounts.agent_for_link(purpose, uid, token)
    invitation = purpose == Purpose.INVITATION
    if agent is None:
        return render_agent_page(
            request, "administration/link_expired.html", {"invitation": invitation}, status=410
        )
    form = SetPasswordForm(agent, request.POST or None)
    if request.method == "POST" and form.is_valid():
        accounts.set_password(
            agent,
            form.cleaned_data["new_password1"],
            actor=agent,
            via="invitation" if invitation else "reset",
        )
        messages.success(request, _("Your password is set. Sign in with it now."))
        return redirect("workspace:login")
    return render_agent_page(
        request,
        "administration/set_password.html",
        {"form": form, "agent": agent, "invitation": invitation},
    )


@require_http_methods(["GET", "POST"])
def welcome(request: HttpRequest, uid: str, token: str) -> HttpResponse:
    """The invitation's link: a new agent chooses their password."""
    return _set_password_page(request, Purpose.INVITATION, uid, token)


@require_http_methods(["GET", "POST"])
def reset(request: HttpRequest, uid: str, token: str) -> HttpResponse:
    """The reset link: an agent who forgot their password chooses a new one."""
    return _set_password_page(request, Purpose.PASSWORD_RESET, uid, token)
