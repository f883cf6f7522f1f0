"""Scheduling benchmark: how long the free slots of a booking type take to compute, the
database reads included (klient.scheduling.queries.free_slots, what the public slots
endpoint calls).

1. One agent in Europe/Kyiv (09:00-17:00 on weekdays, a few absences) with a year of
   appointments (six months back, six ahead: six a working day, each with its buffers)
   and a busy external calendar: about six busy intervals a day over the calendar's kept
   window (a day back, 400 days ahead), stored as a sync stores them (BusyInterval rows),
   so the figure includes reading them (external_calendars.queries.busy_between), as the
   public slots endpoint does. A 4-week window. Target p95 < 20 ms.
2. A team of five such agents, each with such a calendar: a 31-day window.
   Target p95 < 150 ms.

`--busy given` passes the busy times to the engine instead of reading them (the figure
of the first measurement, kept to compare).

`--against DIR` compares with another checkout's `klient/scheduling/queries.py` (DIR is
its `src`), in this same process and on the same data, the two called in turn run after
run, so a busy machine's noise falls on both alike; it also counts each one's queries.

Embedded SQLite by default; set DATABASE_URL to measure on PostgreSQL.

    .venv/bin/python bench/scheduling.py [--runs 200] [--seed 1] [--busy stored|given]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

WEEKDAYS_9_TO_5 = {str(day): [["09:00", "17:00"]] for day in range(5)}
# Names unique to this run, so a PostgreSQL database can be measured again (the seeded
# random numbers shape the data, not the names).
RUN = uuid.uuid4().hex[:10]


def setup() -> None:
    os.environ.setdefault("KLIENT_DATA_DIR", tempfile.mkdtemp(prefix="klient-bench-sched-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klient.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def agent_with_a_year(rng: random.Random, index: int, team, now: datetime):  # type: ignore[no-untyped-def]
    from django.db import transaction

    from klient.calendars.actions import save_agent_hours
    from klient.people.actions import add_agent, create_absence

    with transaction.atomic():
        agent = add_agent(f"bench{index}-{RUN}@shop.example", name=f"Agent {index}", teams=[team])
        save_agent_hours(agent, actor=None, time_zone="Europe/Kyiv", hours=WEEKDAYS_9_TO_5)
        for _ in range(4):
            start = now + timedelta(days=rng.randrange(-180, 180))
            create_absence(
                agent,
                actor=None,
                starts_at=start,
                ends_at=start + timedelta(days=rng.randrange(1, 4)),
            )
    return agent


def appointments(rng: random.Random, booking_type, agent, now: datetime) -> int:  # type: ignore[no-untyped-def]
    from klient.scheduling.models import Appointment

    rows = []
    day = (now - timedelta(days=182)).replace(hour=6, minute=0, second=0, microsecond=0)
    while day < now + timedelta(days=183):
        if day.weekday() < 5:
            for slot in rng.sample(range(8), 6):  # six of the day's eight hours
                start = day + timedelta(hours=slot, minutes=rng.choice([0, 10, 20]))
                rows.append(
                    Appointment(
                        booking_type=booking_type,
                        agent=agent,
                        start=start,
                        end=start + timedelta(minutes=30),
                        buffer_before_minutes=5,
                        buffer_after_minutes=5,
                        blocked_from=start - timedelta(minutes=5),
                        blocked_until=start + timedelta(minutes=35),
                    )
                )
        day += timedelta(days=1)
    Appointment.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def busy_calendar(
    rng: random.Random, start: datetime, days: int
) -> list[tuple[datetime, datetime]]:
    out = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        for _ in range(6):
            at = day + timedelta(minutes=rng.randrange(0, 24 * 60))
            out.append((at, at + timedelta(minutes=rng.choice([15, 30, 45, 60, 120]))))
    return out


def store_calendar(agent, busy: list[tuple[datetime, datetime]]) -> None:  # type: ignore[no-untyped-def]
    """The busy times as a sync of the agent's ICS feed leaves them."""
    from klient.external_calendars.models import BusyInterval, ExternalCalendar

    calendar = ExternalCalendar.objects.create(
        agent=agent, kind=ExternalCalendar.Kind.ICS, url="https://calendar.example/busy.ics"
    )
    BusyInterval.objects.bulk_create(
        [BusyInterval(calendar=calendar, starts_at=a, ends_at=b) for a, b in busy],
        batch_size=1000,
    )


def measure(runs: int, call) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    """Median and p95 of wall time and of this process's CPU time (on a shared machine the
    wall time includes waiting for a core), in ms."""
    walls, cpus, count = [], [], 0
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        count = len(call())
        walls.append((time.perf_counter() - began) * 1000)
        cpus.append((time.process_time() - began_cpu) * 1000)
    walls.sort()
    cpus.sort()

    def p95(values: list[float]) -> float:
        return values[int(0.95 * (len(values) - 1))]

    return (
        f"wall median {statistics.median(walls):.1f} ms, p95 {p95(walls):.1f} ms; "
        f"CPU median {statistics.median(cpus):.1f} ms, p95 {p95(cpus):.1f} ms"
    ), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--busy", choices=["stored", "given"], default="stored")
    parser.add_argument("--against", type=Path, help="another checkout's src, to compare")
    args = parser.parse_args()
    setup()
    from django.db import connection, transaction

    from klient.people.actions import create_team
    from klient.scheduling import queries
    from klient.scheduling.actions import create_booking_type

    rng = random.Random(args.seed)
    now = datetime.now(UTC)
    team = create_team(f"Bench {RUN}", address=f"bench-{RUN}@shop.example")
    agents = [agent_with_a_year(rng, index, team, now) for index in range(5)]
    with transaction.atomic():
        solo = create_booking_type(
            actor=None,
            name="Consultation",
            slug=f"bench-solo-{RUN}",
            agent=agents[0].pk,
            kind="phone",
            duration_minutes=30,
            step_minutes=15,
            buffer_before_minutes=10,
            buffer_after_minutes=10,
            horizon_days=365,
        )
        shared = create_booking_type(
            actor=None,
            name="Team call",
            slug=f"bench-team-{RUN}",
            team=team.pk,
            kind="phone",
            duration_minutes=30,
            step_minutes=15,
            buffer_before_minutes=10,
            buffer_after_minutes=10,
            horizon_days=365,
            max_per_day=12,
        )
    stored = sum(appointments(rng, solo if a is agents[0] else shared, a, now) for a in agents)
    start = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    print(
        f"database: {connection.vendor}; appointments stored: {stored} (five agents, a year each)"
    )

    # Each agent's calendar over its kept window: a day back, 400 days ahead.
    kept_from = start - timedelta(days=2)
    calendars = {a.pk: busy_calendar(rng, kept_from, 402) for a in agents}
    if args.busy == "stored":
        for agent in agents:
            store_calendar(agent, calendars[agent.pk])
    print(f"busy calendar: {args.busy} ({len(calendars[agents[0].pk])} intervals per agent)")

    def given(agent_ids: list[int]) -> dict[int, list[tuple[datetime, datetime]]] | None:
        return None if args.busy == "stored" else {pk: calendars[pk] for pk in agent_ids}

    four_weeks = start + timedelta(days=28)
    busy_one = given([agents[0].pk])
    figures, count = measure(
        args.runs, lambda: queries.free_slots(solo, start, four_weeks, now=now, busy_times=busy_one)
    )
    print(f"one agent, 4 weeks ({count} slots): {figures} (target p95 < 20)")

    month = start + timedelta(days=31)
    busy_team = given([a.pk for a in agents])
    figures, count = measure(
        args.runs, lambda: queries.free_slots(shared, start, month, now=now, busy_times=busy_team)
    )
    print(f"team of 5, 31 days ({count} slots): {figures} (target p95 < 150)")

    if args.against is not None:
        other = load_queries(args.against)
        for label, booking_type, until, busy_times in (
            ("one agent, 4 weeks", solo, four_weeks, busy_one),
            ("team of 5, 31 days", shared, month, busy_team),
        ):
            compare(label, args.runs, other, queries, booking_type, start, until, now, busy_times)


def load_queries(src: Path):  # type: ignore[no-untyped-def]
    """That checkout's scheduling.queries as a module of this package (its siblings,
    availability and busy, are this checkout's)."""
    import importlib.util

    path = src / "klient" / "scheduling" / "queries.py"
    spec = importlib.util.spec_from_file_location("klient.scheduling.queries_against", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def compare(label, runs, other, ours, booking_type, start, until, now, busy_times) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def call(module):  # type: ignore[no-untyped-def]
        return lambda: module.free_slots(booking_type, start, until, now=now, busy_times=busy_times)

    assert call(other)() == call(ours)(), "both give the same slots"
    counts = {}
    for name, module in (("against", other), ("this", ours)):
        with CaptureQueriesContext(connection) as seen:
            call(module)()
        counts[name] = len(seen.captured_queries)
    wall: dict[str, list[float]] = {"against": [], "this": []}
    cpu: dict[str, list[float]] = {"against": [], "this": []}
    for _ in range(runs):
        for name, module in (("against", other), ("this", ours)):
            began, began_cpu = time.perf_counter(), time.process_time()
            call(module)()
            wall[name].append((time.perf_counter() - began) * 1000)
            cpu[name].append((time.process_time() - began_cpu) * 1000)

    def p95(values: list[float]) -> float:
        return sorted(values)[int(0.95 * (len(values) - 1))]

    for name in ("against", "this"):
        print(
            f"{label}, {name}: {counts[name]} queries; wall median "
            f"{statistics.median(wall[name]):.1f} ms, p95 {p95(wall[name]):.1f} ms; CPU median "
            f"{statistics.median(cpu[name]):.1f} ms, p95 {p95(cpu[name]):.1f} ms (in turn)"
        )


if __name__ == "__main__":
    main()
