"""The automation rules' settings pages (administrators): /settings/automations/ lists
the rules and adds one (its JSON body, as the API takes it), each rule is edited on its
own page, switched on or off, deleted, or tried in a dry run. Thin: klient.automations
.actions saves, klient.automations.engine previews."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from klient.core.pages import render_agent_page
from klient.core.transactions import reads_only
from klient.people.access import is_admin

from . import actions, engine
from .models import Rule

EXAMPLE = {
    "name": "Pending for three business days",
    "when": {"after": {"minutes": 1440, "business": True, "since": "status:pending"}},
    "if": [{"field": "tags", "op": "not_contains", "value": "vip"}],
    "then": [{"action": "add_tag", "value": "stale"}],
    "active": True,
}


def _admin(request: HttpRequest) -> Any:
    if not is_admin(request.user):
        raise PermissionDenied(_("Only administrators can change the settings."))
    return request.user


def _rule(pk: int) -> Rule:
    rule = Rule.objects.filter(pk=pk).first()
    if rule is None:
        raise Http404(_("No such automation rule."))
    return rule


def _body(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ValidationError(_("The rule is not valid JSON: %s") % exc) from None


def _page(request: HttpRequest, status: int = 200, **context: Any) -> HttpResponse:
    rules = list(Rule.objects.all())
    return render_agent_page(
        request,
        "automations/rules.html",
        {
            "rules": [(rule, json.dumps(rule.when)) for rule in rules],
            "body": json.dumps(EXAMPLE, indent=2),
            "errors": [],
            **context,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest) -> HttpResponse:
    actor = _admin(request)
    if request.method == "POST":
        text = request.POST.get("body", "")
        try:
            actions.save_rule(_body(text), actor=actor)
        except ValidationError as exc:
            return _page(request, body=text, errors=exc.messages, status=422)
        messages.success(request, _("Automation rule saved."))
        return redirect("automations:rules")
    return _page(request)


def _render(request: HttpRequest, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render_agent_page(request, "automations/rule.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _admin(request)
    rule = _rule(pk)
    text = json.dumps(rule.body(), indent=2)
    if request.method == "POST":
        text = request.POST.get("body", "")
        try:
            actions.save_rule(_body(text), actor=actor, rule=rule)
        except ValidationError as exc:
            return _render(request, {"rule": rule, "body": text, "errors": exc.messages}, 422)
        messages.success(request, _("Automation rule saved."))
        return redirect("automations:rules")
    return _render(request, {"rule": rule, "body": text, "errors": []})


@login_required
@require_POST
def rule_active(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _admin(request)
    rule = _rule(pk)
    actions.patch_rule(rule, {"active": request.POST.get("active") == "1"}, actor=actor)
    return redirect("automations:rules")


@login_required
@require_POST
def rule_delete(request: HttpRequest, pk: int) -> HttpResponse:
    actor = _admin(request)
    actions.delete_rule(_rule(pk), actor=actor)
    messages.success(request, _("Automation rule deleted."))
    return redirect("automations:rules")


@reads_only
@login_required
@require_POST
def rule_preview(request: HttpRequest, pk: int) -> HttpResponse:
    _admin(request)
    rule = _rule(pk)
    count, refs = engine.preview(rule)
    return _page(request, preview={"rule": rule, "count": count, "refs": refs})
