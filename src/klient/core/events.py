"""Appending events. Typed constructors per kind live in each domain's events.py."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone

from klient.core.models import Event

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def append(
    kind: str,
    *,
    conversation: Any = None,
    actor: AbstractBaseUser | None = None,
    actor_label: str = "",
    data: dict[str, Any] | None = None,
) -> Event:
    """Append one event; callers are inside the transaction that made the change."""
    return Event.objects.create(
        conversation=conversation,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor_label or (str(actor) if actor is not None else ""),
        kind=kind,
        data=data or {},
        at=timezone.now(),
    )
