"""When a failed delivery is tried again, and how a receiver's answer is read (pure).

Attempts: immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h and 24 h after
the previous failure, each delay lengthened by up to 10 % of jitter (never shortened, so
the ten attempts span at least 75 hours), then the delivery is given up. A 429's
Retry-After (delta-seconds or an HTTP date) replaces the next delay, at most 24 hours."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from klient.core.work import RetryPolicy

DELAYS: tuple[timedelta, ...] = (
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=24),
)
MAX_ATTEMPTS = len(DELAYS) + 1
LONGEST_RETRY_AFTER = timedelta(hours=24)


@dataclass(frozen=True)
class SchedulePolicy(RetryPolicy):
    """A RetryPolicy that follows a fixed list of delays instead of doubling."""

    delays: tuple[timedelta, ...] = DELAYS

    def delay(self, attempts: int, spread: float | None = None) -> timedelta:
        if spread is None:
            spread = random.random()  # jitter, not a secret
        index = min(max(attempts, 1), len(self.delays)) - 1
        return self.delays[index] * (1 + self.jitter * spread)


POLICY = SchedulePolicy(
    first_retry=DELAYS[0], longest=DELAYS[-1], max_attempts=MAX_ATTEMPTS, jitter=0.1
)


def parse_retry_after(value: str | None, now: datetime) -> datetime | None:
    """When a 429's Retry-After says to come back (never before `now`, at most 24 hours
    on); None when it is missing or unreadable, and the usual backoff applies."""
    if not value:
        return None
    text = value.strip()
    if text.isascii() and text.isdigit():  # not "²", which str.isdigit() accepts
        wait = timedelta(seconds=min(int(text), int(LONGEST_RETRY_AFTER.total_seconds())))
        return now + wait
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max(when, now), now + LONGEST_RETRY_AFTER)


@dataclass(frozen=True)
class Verdict:
    """What a receiver's answer means for the delivery."""

    delivered: bool = False
    disable: bool = False  # 410 Gone: the receiver asks us to stop
    retry_at: datetime | None = None  # a 429's Retry-After
    error: str = ""


def judge(status: int, location: str | None, retry_after: str | None, now: datetime) -> Verdict:
    """Read an HTTP status: 2xx delivered; 3xx a failure (redirects are not followed);
    410 disables the endpoint; 429 waits as Retry-After says; anything else retries."""
    if 200 <= status < 300:
        return Verdict(delivered=True)
    if 300 <= status < 400:
        where = f" to {location[:200]}" if location else ""
        return Verdict(error=f"HTTP {status}: redirect{where} not followed")
    if status == 410:
        return Verdict(disable=True, error="HTTP 410 Gone: the receiver asked to stop")
    if status == 429:
        return Verdict(
            retry_at=parse_retry_after(retry_after, now), error="HTTP 429 Too Many Requests"
        )
    return Verdict(error=f"HTTP {status}")
