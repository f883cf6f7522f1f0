"""When to call a customer back: pure arithmetic, no Django (property-tested).

A callback has a preferred window (start and end, either may be open) and at most
`max_attempts` attempts spaced at least `retry` apart. An attempt is placed inside the
window whenever the window still allows it; when it no longer does, as soon as the
spacing allows (better a call outside the window than none)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Window:
    start: datetime | None = None
    end: datetime | None = None

    def __post_init__(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValueError("a callback window ends after it starts")

    def place(self, earliest: datetime) -> datetime:
        """The first moment at or after `earliest` inside the window; `earliest` itself
        when the window is over (or open)."""
        if self.start is not None and earliest < self.start:
            return self.start
        return earliest

    def contains(self, at: datetime) -> bool:
        return (self.start is None or at >= self.start) and (self.end is None or at <= self.end)


def first_attempt(now: datetime, window: Window) -> datetime:
    """When the first attempt is due: now, or the window's start if it is later."""
    return window.place(now)


def next_attempt(
    *,
    last_attempt: datetime,
    attempts_made: int,
    window: Window,
    max_attempts: int,
    retry: timedelta,
) -> datetime | None:
    """When the next attempt is due after `attempts_made` missed ones, the last at
    `last_attempt`; None when no attempt is left."""
    if attempts_made >= max_attempts:
        return None
    return window.place(last_attempt + retry)


def sla_target(due: datetime, window: Window, target: timedelta) -> datetime:
    """The callback's own target: `target` after it is due, but never past the end of the
    window when the window leaves room (the customer waits by the phone until then)."""
    deadline = due + target
    if window.end is not None and due <= window.end < deadline:
        return window.end
    return deadline
