"""Slots read only what can touch the asked window (appointments whose buffered span
reaches it, busy times, the local days of the per-day limit): asking for any narrower
window gives exactly the slots of a wider one that start inside it. Olha works round the
clock here, so every window edge falls somewhere busy."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from scheduling_helpers import book, make_agent, next_monday

from klient.scheduling import queries
from klient.scheduling.actions import create_booking_type

ROUND_THE_CLOCK = {str(day): [["00:00", "24:00"]] for day in range(7)}


def test_a_narrow_window_gives_the_wide_windows_slots_inside_it(support_team):
    rng = random.Random(15)
    olha = make_agent(
        "olha.night@shop.example", "Olha", teams=[support_team], hours=ROUND_THE_CLOCK
    )
    long_buffers = create_booking_type(
        actor=olha, name="Long", slug="long", agent=olha.pk, kind="phone",
        duration_minutes=90, step_minutes=15, buffer_before_minutes=600,
        buffer_after_minutes=720, horizon_days=60,
    )  # fmt: skip
    limited = create_booking_type(
        actor=olha, name="Short", slug="short", agent=olha.pk, kind="phone",
        duration_minutes=30, step_minutes=30, buffer_before_minutes=20,
        buffer_after_minutes=10, horizon_days=60, max_per_day=2,
    )  # fmt: skip
    monday = next_monday(1)
    base = datetime(monday.year, monday.month, monday.day, tzinfo=UTC)
    edges = []  # instants where a window edge finds something just outside it
    taken: list[tuple[datetime, datetime]] = []

    def book_apart(kind, start, before=None, after=None):
        """An appointment, unless its buffered span overlaps one already made (the
        database refuses that on PostgreSQL)."""
        b = kind.buffer_before_minutes if before is None else before
        a = kind.buffer_after_minutes if after is None else after
        span = (
            start - timedelta(minutes=b),
            start + timedelta(minutes=kind.duration_minutes + a),
        )
        if any(span[0] < until and since < span[1] for since, until in taken):
            return None
        taken.append(span)
        made = book(kind, olha, start, before=b, after=a)
        edges.extend([made.blocked_from, made.blocked_until, made.start])
        return made

    for hour in (6, 7):  # Olha's Wednesday is full for the limited type (2 a day)
        wednesday = book_apart(limited, base + timedelta(days=2, hours=hour))
        assert wednesday is not None
        edges.append(wednesday.start + timedelta(hours=8))
    for _ in range(8):  # appointments of both types, with their own buffers
        start = base + timedelta(minutes=15 * rng.randrange(0, 4 * 24 * 7))
        kind = rng.choice([long_buffers, limited])
        book_apart(kind, start, before=rng.choice([0, 30, 300]), after=rng.choice([0, 45, 240]))
    busy = {
        olha.pk: [
            (at, at + timedelta(minutes=rng.choice([30, 300, 1500])))
            for at in (
                base + timedelta(minutes=10 * rng.randrange(0, 6 * 24 * 7)) for _ in range(8)
            )
        ]
    }
    now = base - timedelta(days=1)
    wide_from, wide_to = base - timedelta(days=1), base + timedelta(days=9)
    for booking_type in (long_buffers, limited):
        wide = queries.free_slots(booking_type, wide_from, wide_to, now=now, busy_times=busy)
        for edge in edges:
            near = edge + timedelta(minutes=5 * rng.randrange(-12 * 14, 12 * 14))
            hours = timedelta(hours=rng.choice([1, 5, 30]))
            for a, b in ((near, near + hours), (near - hours, near)):  # after it, before it
                narrow = queries.free_slots(booking_type, a, b, now=now, busy_times=busy)
                assert narrow == [s for s in wide if a <= s[0] < b], (booking_type.slug, a, b)
