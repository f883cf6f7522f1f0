"""Collab pages: the requests asked of me (/collab/), one request with its read-only
thread, and the panel's forms on the conversation page. Thin: every change is one action."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from klient.conversations.access import access_conversation, conversations_in_scope
from klient.core.pages import render_agent_page

from . import actions, followups, queries
from .access import access_request, is_assignee, may_read_thread
from .forms import AnswerForm, AskForm, FollowUpForm
from .models import ColleagueRequest, FollowUp


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    name = getattr(getattr(request.user, "agent", None), "time_zone", "")
    try:
        zone = zoneinfo.ZoneInfo(name) if name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = None
    with timezone.override(zone):
        return render_agent_page(request, template, {**context, "now": timezone.now()}, status)


def _refusal(exc: ValidationError) -> str:
    return " ".join(_(message) for message in exc.messages)


def _act(
    request: HttpRequest, action: Any, colleague_request: ColleagueRequest, *, done: str
) -> None:
    """Run a one-click action on the request; tell the agent it was done, or why not."""
    try:
        action(colleague_request, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(request, done)


def _to_conversation(ref: str, anchor: str = "collab") -> HttpResponse:
    return redirect(reverse("workspace:conversation", args=[ref]) + f"#{anchor}")


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    context = {**queries.inbox_for(request.user), "report": queries.report()}
    context["report_days"] = queries.REPORT_DAYS
    return _render(request, "collab/index.html", context)


def _request_page(
    request: HttpRequest, colleague_request: ColleagueRequest, *, form: AnswerForm | None = None
) -> HttpResponse:
    user = request.user
    in_scope = conversations_in_scope(user).filter(pk=colleague_request.conversation_id).exists()
    readable = may_read_thread(user, colleague_request)
    context = {
        "colleague_request": colleague_request,
        "conversation": colleague_request.conversation,
        "in_scope": in_scope,
        "through_grant": readable and not in_scope,
        "thread": list(queries.thread(colleague_request)) if readable else [],
        "readable": readable,
        "can_answer": colleague_request.is_open and is_assignee(user, colleague_request),
        "can_take": colleague_request.is_open
        and colleague_request.asked_team_id is not None
        and colleague_request.taken_by_id is None
        and is_assignee(user, colleague_request),
        "can_cancel": colleague_request.is_open and colleague_request.asked_by_id == user.pk,
        "answer_form": form or AnswerForm(),
    }
    return _render(request, "collab/request.html", context, status=400 if form else 200)


@login_required
@require_GET
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _request_page(request, access_request(request.user, pk))


@login_required
@require_POST
def request_take(request: HttpRequest, pk: int) -> HttpResponse:
    colleague_request = access_request(request.user, pk)
    _act(request, actions.take, colleague_request, done=_("You took this request."))
    return redirect("collab:request", pk=pk)


@login_required
@require_POST
def request_answer(request: HttpRequest, pk: int) -> HttpResponse:
    colleague_request = access_request(request.user, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            actions.answer(colleague_request, actor=request.user, text=form.cleaned_data["answer"])
        except ValidationError as exc:
            form.add_error(None, _refusal(exc))
        else:
            messages.success(request, _("Your answer was sent."))
            return redirect("collab:request", pk=pk)
    return _request_page(request, colleague_request, form=form)


@login_required
@require_POST
def request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    colleague_request = access_request(request.user, pk)
    _act(request, actions.cancel, colleague_request, done=_("Request withdrawn."))
    return _to_conversation(colleague_request.conversation.reference)


@login_required
@require_POST
def conversation_ask(request: HttpRequest, ref: str) -> HttpResponse:
    conversation = access_conversation(request.user, ref)
    teams, agents = queries.ask_choices(request.user)
    form = AskForm(request.POST, teams=teams, agents=agents)
    if not form.is_valid():
        messages.error(request, _("Choose whom to ask and write a question."))
        return _to_conversation(conversation.reference)
    agent, team = form.target()
    try:
        actions.ask(
            conversation,
            actor=request.user,
            question=form.cleaned_data["question"],
            agent=agent,
            team=team,
        )
    except ValidationError as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(request, _("Your question was sent."))
    return _to_conversation(conversation.reference)


@login_required
@require_POST
def conversation_follow_up(request: HttpRequest, ref: str) -> HttpResponse:
    conversation = access_conversation(request.user, ref)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check back after 1 to 90 days."))
        return _to_conversation(conversation.reference)
    try:
        follow_up = followups.solve_and_check_back(
            conversation, actor=request.user, days=form.cleaned_data["days"]
        )
    except ValidationError as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(
            request,
            _("Solved. If the customer does not write, it reopens on %(date)s.")
            % {"date": timezone.localtime(follow_up.due_at).strftime("%Y-%m-%d %H:%M")},
        )
    return _to_conversation(conversation.reference)


@login_required
@require_POST
def follow_up_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = FollowUp.objects.filter(pk=pk).select_related("conversation").first()
    if follow_up is None:
        raise Http404("No such follow-up.")
    conversation = access_conversation(request.user, follow_up.conversation.reference)
    if followups.cancel_follow_up(follow_up, actor=request.user):
        messages.success(request, _("Follow-up cancelled."))
    return _to_conversation(conversation.reference)
