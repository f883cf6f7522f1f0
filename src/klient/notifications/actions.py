"""Notifying agents. Every domain that needs a person's attention calls `notify`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone, translation

from klient.core import wiring
from klient.core.events import append
from klient.core.texts import word

from .events import Kind
from .models import Notification


def notify(
    recipients: Iterable[User],
    *,
    kind: str,
    params: Mapping[str, Any] | None = None,
    text: str = "",
    conversation: Any = None,
    actor: User | None = None,
    url: str = "",
    email: bool = True,
) -> list[Notification]:
    """Create one in-app notification per distinct active recipient (never the actor
    themself) and, when `email` is set, queue its email copy. Appends a
    `notification.created` event per notification in the caller's transaction.

    What it says is `kind` with `params` (JSON data: names, references, numbers, codes),
    worded by the kind's domain (its texts.py) in each reader's language when they read
    it or it is emailed. A `text` without params is shown as written, in every language:
    only for text that is not Klient's to translate."""
    if params is not None:
        params = dict(params)
        with translation.override(settings.LANGUAGE_CODE):
            text = word(kind, params, fallback=text)
    if not text:
        raise ValueError(f"a {kind!r} notification says nothing (no wording, no text)")
    now = timezone.now()
    seen: set[int] = set()
    created: list[Notification] = []
    with transaction.atomic():
        for user in recipients:
            if user.pk in seen or not user.is_active or (actor is not None and user.pk == actor.pk):
                continue
            seen.add(user.pk)
            notification = Notification.objects.create(
                recipient=user,
                kind=kind,
                conversation=conversation,
                actor=actor,
                text=text,
                params=params,
                url=url,
                created_at=now,
                email_state=(
                    Notification.EmailState.PENDING
                    if email and user.email
                    else Notification.EmailState.NONE
                ),
                email_next_attempt_at=now if email and user.email else None,
            )
            event = append(
                Kind.CREATED,
                conversation=conversation,
                actor=actor,
                data={"notification": notification.pk, "kind": kind, "recipient": user.pk},
            )
            if event.pk is not None:  # inside core.events.collecting() it is saved later
                # Wakes the email copy's sender once the caller's transaction commits.
                wiring.publish_on_commit(event)
            created.append(notification)
    return created


def mark_read(user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notifications read (all unread ones when no ids are given)."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())


def mark_conversation_read(user: User, conversation: Any) -> int:
    """The user opened the conversation: their notifications about it are read (nobody
    else's). One UPDATE through the partial unread index; 0 when there were none."""
    return Notification.objects.filter(
        recipient=user, conversation=conversation, read_at__isnull=True
    ).update(read_at=timezone.now())


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
