"""Reads of agents' notifications: always one recipient's own."""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import QuerySet

from .models import Notification


def notifications_of(user: User, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    rows = Notification.objects.filter(recipient=user).select_related("conversation", "actor")
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-id")


def bell_items(user: User, *, limit: int = 10) -> list[Notification]:
    """What the bell opens on: the latest `limit` notifications, unread ones first (each
    group newest first)."""
    unread = list(notifications_of(user, unread_only=True)[:limit])
    if len(unread) < limit:
        read = notifications_of(user).filter(read_at__isnull=False)[: limit - len(unread)]
        unread.extend(read)
    return unread
