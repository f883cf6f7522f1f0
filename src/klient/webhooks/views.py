"""The webhooks settings page for administrators, at /settings/webhooks/ (others get 403):
list, add (the secret is shown once, on the page that answers the form), turn off or on,
recent deliveries and replay. Thin: each change is one action of klient.webhooks.actions."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from klient.conversations.access import admin_required
from klient.core.pages import render_agent_page

from . import actions, catalogue
from .models import Delivery, Endpoint

RECENT = 50


def _list_page(request: HttpRequest, **context: Any) -> HttpResponse:
    return render_agent_page(
        request,
        "webhooks/webhooks.html",
        {
            "endpoints": Endpoint.objects.order_by("pk"),
            "event_types": catalogue.event_types(),
            **context,
        },
        status=context.pop("status", 200),
    )


@require_http_methods(["GET", "POST"])
@admin_required
def webhook_list(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _list_page(request)
    url = request.POST.get("url", "")
    names = [n for n in re.split(r"[\s,]+", request.POST.get("events", "")) if n]
    description = request.POST.get("description", "")
    try:
        endpoint, secret = actions.create_endpoint(
            url, names, description=description, actor=request.user
        )
    except ValidationError as exc:
        return _list_page(
            request,
            errors=exc.messages,
            form={"url": url, "events": " ".join(names), "description": description},
            status=422,
        )
    return _list_page(request, created=endpoint, secret=secret)


@require_POST
@admin_required
def webhook_active(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(Endpoint, pk=pk)
    active = request.POST.get("active") == "1"
    actions.update_endpoint(endpoint, actor=request.user, active=active)
    text = _("Webhook %(url)s turned on.") if active else _("Webhook %(url)s turned off.")
    messages.success(request, text % {"url": endpoint.url})
    return redirect("webhook_settings:webhooks")


@require_GET
@admin_required
def webhook_deliveries(request: HttpRequest, pk: int) -> HttpResponse:
    endpoint = get_object_or_404(Endpoint, pk=pk)
    deliveries = Delivery.objects.filter(endpoint=endpoint).defer("body").order_by("-pk")
    return render_agent_page(
        request,
        "webhooks/deliveries.html",
        {"endpoint": endpoint, "deliveries": deliveries[:RECENT]},
    )


@require_POST
@admin_required
def delivery_replay(request: HttpRequest, pk: int, delivery_id: int) -> HttpResponse:
    delivery = get_object_or_404(Delivery, pk=delivery_id, endpoint_id=pk)
    try:
        actions.replay(delivery, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Delivery %(id)s will be sent again.") % {"id": delivery.webhook_id}
        )
    return redirect("webhook_settings:deliveries", pk=pk)
