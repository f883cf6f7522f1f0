"""The survey's rules as pure Python (no Django): which answers a scale takes, what counts
as good or bad, the CSAT score, and the link's and the answer's time limits."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

GOOD_BAD = "good_bad"
FIVE = "five"
SCALES = (GOOD_BAD, FIVE)
# The answers each scale offers, as stored and as the API gives them.
RATINGS: dict[str, tuple[str, ...]] = {GOOD_BAD: ("good", "bad"), FIVE: ("1", "2", "3", "4", "5")}
# The usual CSAT definition: the share of good answers; on five points, of 4 and 5.
GOOD_RATINGS = frozenset({"good", "4", "5"})
# What notifies the team lead (and what issue 17's at-risk signal may read).
BAD_RATINGS = frozenset({"bad", "1", "2"})

LINK_VALID = timedelta(days=14)
CHANGEABLE_FOR = timedelta(hours=24)
MAX_COMMENT = 5000
MAX_DELAY_MINUTES = 60 * 24 * 30  # a survey later than a month is about something else


def valid_rating(scale: str, rating: str) -> bool:
    return rating in RATINGS.get(scale, ())


def is_good(rating: str) -> bool:
    return rating in GOOD_RATINGS


def is_bad(rating: str) -> bool:
    return rating in BAD_RATINGS


def percent(good: int, responses: int) -> float | None:
    """The CSAT score of counts: good answers in percent, to one decimal; None for none."""
    return round(100 * good / responses, 1) if responses else None


def score(ratings: Iterable[str]) -> float | None:
    """The CSAT score of these answers (what the report counts in the database)."""
    answers = list(ratings)
    return percent(sum(1 for r in answers if is_good(r)), len(answers))


def link_expired(sent_at: datetime | None, now: datetime) -> bool:
    """A link is valid for 14 days after the email was sent."""
    return sent_at is None or now >= sent_at + LINK_VALID


def change_allowed(answered_at: datetime | None, now: datetime) -> bool:
    """The first answer may be changed for 24 hours; a survey not yet answered may be."""
    return answered_at is None or now < answered_at + CHANGEABLE_FOR
