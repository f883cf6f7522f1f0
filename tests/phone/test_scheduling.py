"""Callback scheduling properties over random windows, attempts and spacings: the next
attempt is inside the window whenever the window still allows it, attempts are never
closer than the spacing, and never more than the maximum are scheduled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from klient.phone.scheduling import Window, first_attempt, next_attempt, sla_target

BASE = datetime(2026, 12, 7, 8, tzinfo=UTC)
minutes = st.integers(min_value=0, max_value=3 * 24 * 60).map(lambda m: timedelta(minutes=m))


@st.composite
def windows(draw):
    start = BASE + draw(minutes) if draw(st.booleans()) else None
    length = draw(st.integers(min_value=1, max_value=12 * 60))
    end = (start or BASE) + timedelta(minutes=length) if draw(st.booleans()) else None
    return Window(start, end)


@given(
    window=windows(),
    now_offset=minutes,
    max_attempts=st.integers(min_value=1, max_value=6),
    retry=st.integers(min_value=1, max_value=240).map(lambda m: timedelta(minutes=m)),
)
def test_attempts_stay_in_the_window_when_they_can_are_spaced_and_never_exceed_the_maximum(
    window, now_offset, max_attempts, retry
):
    at = first_attempt(BASE + now_offset, window)
    schedule = [at]
    while (
        following := next_attempt(
            last_attempt=schedule[-1],
            attempts_made=len(schedule),
            window=window,
            max_attempts=max_attempts,
            retry=retry,
        )
    ) is not None:
        earliest = schedule[-1] + retry
        if window.end is None or earliest <= window.end:
            assert window.contains(following), (earliest, following, window)
        assert following - schedule[-1] >= retry
        schedule.append(following)
        assert len(schedule) <= max_attempts

    assert len(schedule) == max_attempts
    assert schedule[0] >= BASE + now_offset


@given(window=windows(), now_offset=minutes)
def test_the_first_attempt_is_due_at_once_or_when_the_window_opens(window, now_offset):
    now = BASE + now_offset
    due = first_attempt(now, window)

    assert due >= now
    if window.start is not None and window.start > now:
        assert due == window.start
    else:
        assert due == now


@given(window=windows(), now_offset=minutes, target=minutes)
def test_the_target_never_comes_before_the_attempt_is_due(window, now_offset, target):
    due = first_attempt(BASE + now_offset, window)

    assert due <= sla_target(due, window, target) <= due + target


def test_a_window_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        Window(BASE, BASE - timedelta(minutes=1))
