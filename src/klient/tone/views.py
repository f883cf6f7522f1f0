"""The administrators' tone page (their own rules, what agents dismissed) and the compose
box's dismiss button. Thin: parse, call an action, render (WriteRequestMiddleware holds
each POST in its transaction)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from klient.conversations import checks
from klient.conversations.access import access_conversation, admin_required
from klient.core.pages import render_agent_page

from . import actions, queries
from .checks import tone_findings
from .forms import ToneRuleForm
from .models import CATEGORY_LABELS, LANGUAGE_LABELS, ToneRule

MAX_DRAFT = 200_000


@admin_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    form = ToneRuleForm()
    status = 200
    if request.method == "POST":
        form = ToneRuleForm(request.POST)
        if form.is_valid():
            try:
                actions.add_rule(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Tone rule added: drafts are checked with it now."))
                return redirect("tone:settings")
        status = 422
    return render_agent_page(
        request,
        "tone/settings.html",
        {
            "form": form,
            "rules": ToneRule.objects.all(),
            "shipped": [
                (LANGUAGE_LABELS[language], n)
                for language, n in queries.shipped_rule_counts().items()
            ],
            "by_rule": [
                (row, CATEGORY_LABELS[row.category]) for row in queries.dismissals_by_rule()
            ],
            "by_category": [
                (CATEGORY_LABELS[c], n) for c, n in queries.dismissals_by_category().items()
            ],
        },
        status=status,
    )


@admin_required
@require_POST
def switch_rule(request: HttpRequest, pk: int) -> HttpResponse:
    rule = get_object_or_404(ToneRule, pk=pk)
    actions.set_rule_active(rule, actor=request.user, active=request.POST.get("active") == "1")
    return redirect("tone:settings")


@login_required
@require_POST
def dismiss(request: HttpRequest, ref: str) -> HttpResponse:
    """The compose box's "Dismiss" (htmx, posted with the reply form's fields and the
    finding's start, end and category): counted, then the findings card without it."""
    conversation = access_conversation(request.user, ref)
    body = str(request.POST.get("body", ""))[:MAX_DRAFT]
    draft = checks.draft_for(conversation, author=request.user, body=body)
    try:
        start, end = int(request.POST.get("start", "")), int(request.POST.get("end", ""))
    except ValueError:
        start = end = -1
    category = str(request.POST.get("category", ""))
    language, findings = tone_findings(draft)
    chosen = next(
        (f for f in findings if (f.start, f.end, f.category) == (start, end, category)), None
    )
    if chosen is not None:
        actions.dismiss_finding(
            actor=request.user,
            conversation=conversation,
            rule=chosen.rule,
            category=chosen.category,
            language=language,
            quote=chosen.quote,
        )
    return render(
        request,
        "workspace/_reply_findings.html",
        {
            "findings": checks.check_reply(draft) if body.strip() else [],
            "conversation": conversation,
        },
    )
