"""Appending events. Each domain's events.py declares its Event kinds (a subclass of
`EventKind`) and one typed constructor per kind; core.wiring lists those enumerations.

This module imports no model at import time, so a pure module (the SLA clock) can read
the kinds without the app registry."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone

from klient.core import bulk
from klient.core.transactions import require_transaction

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser, User

    from klient.core.models import Event

_buffer = threading.local()


class EventKind(models.TextChoices):
    """The base of every domain's Event kinds. A member's value is the string stored in
    Event.kind (kept as it always was, so stored events need no migration); its label is
    what the conversation timeline shows."""


def append(
    kind: EventKind,
    *,
    conversation: Any = None,
    actor: User | AnonymousUser | None = None,
    actor_label: str = "",
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Event:
    """Append one event; callers are inside the transaction that made the change. `at` is
    when it happened, now unless the change records an earlier moment (mail received before
    it was processed).

    Inside `collecting()` the event is written with the others when the block ends.
    Outside any transaction it raises NoTransactionError: an event written apart from its
    change could survive a change that rolled back, or be lost with one that committed."""
    from klient.core.models import Event

    if not isinstance(kind, EventKind):
        raise TypeError(f"{kind!r} is not an EventKind: declare it in its domain's events.py")
    require_transaction(f"Appending the event {kind.value!r}")
    event = Event(
        conversation=conversation,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=actor_label or (str(actor) if actor is not None else ""),
        kind=kind.value,
        data=data or {},
        at=at or timezone.now(),
    )
    pending: list[Event] | None = getattr(_buffer, "events", None)
    if pending is None:
        event.save(force_insert=True)
    else:
        pending.append(event)
    return event


@contextmanager
def collecting() -> Iterator[None]:
    """Write the events appended in this block with one INSERT at its end (it must sit
    inside the transaction of the change). Hot paths such as receiving mail use it."""
    outer: list[Event] | None = getattr(_buffer, "events", None)
    if outer is not None:
        yield
        return
    from klient.core.models import Event

    _buffer.events = []
    try:
        yield
        bulk.insert(Event, _buffer.events)
    finally:
        _buffer.events = None
