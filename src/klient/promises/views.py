"""The workspace's one-click changes of a promise (htmx: the promises card comes back;
without htmx, the conversation page). Thin: access, one action, a response."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import actions
from .access import access_promise


def _change(request: HttpRequest, pk: int, change: Callable[..., Any]) -> HttpResponse:
    promise = access_promise(request.user, pk)
    try:
        with transaction.atomic():
            change(promise, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    conversation = promise.conversation
    if request.headers.get("HX-Request"):
        return render(
            request, "promises/_conversation_promises.html", {"conversation": conversation}
        )
    return redirect("workspace:conversation", conversation.reference)


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _change(request, pk, actions.confirm)


@login_required
@require_POST
def kept(request: HttpRequest, pk: int) -> HttpResponse:
    return _change(request, pk, actions.mark_kept)


@login_required
@require_POST
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    return _change(request, pk, actions.dismiss)
