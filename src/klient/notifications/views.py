"""The agent's notifications page (newest first, mark one or all read, link onwards) and the
bell's short list. Texts are worded in the active language, which the workspace's
middleware made the reader's (klient.people.languages)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from .actions import mark_read, unread_count
from .models import Notification
from .queries import bell_items, notifications_of

PAGE_SIZE = 100
BELL_SIZE = 10


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    rows = list(notifications_of(request.user, unread_only=unread_only)[:PAGE_SIZE])  # type: ignore[arg-type]
    return render(
        request,
        "notifications/list.html",
        {
            "notifications": rows,
            "unread_only": unread_only,
            "unread": unread_count(request.user),  # type: ignore[arg-type]
        },
    )


@login_required
@require_GET
def bell_menu(request: HttpRequest) -> HttpResponse:
    """The bell's disclosure (loaded by htmx when it opens): the latest few, unread first,
    and a link to the whole page."""
    return render(
        request,
        "notifications/_menu.html",
        {
            "notifications": bell_items(request.user, limit=BELL_SIZE),  # type: ignore[arg-type]
            "unread": unread_count(request.user),  # type: ignore[arg-type]
        },
    )


@login_required
@require_POST
def read_one(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one of one's own notifications read; with `open`, follow its link."""
    mark_read(request.user, [pk])  # type: ignore[arg-type]
    if request.POST.get("open"):
        notification = Notification.objects.filter(recipient=request.user.pk, pk=pk).first()
        if (
            notification
            and notification.url
            and url_has_allowed_host_and_scheme(
                notification.url, allowed_hosts={request.get_host()}
            )
        ):
            return redirect(notification.url)
    return redirect("notifications:list")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    mark_read(request.user)  # type: ignore[arg-type]
    return redirect("notifications:list")
