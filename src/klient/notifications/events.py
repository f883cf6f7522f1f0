"""The notifications Event kinds (written by notifications.actions). Not to be confused with
Notification.kind, which says what a notification is about."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from klient.core.events import EventKind


class Kind(EventKind):
    CREATED = "notification.created", _("Agent notified")
