"""External calendars benchmark: expanding a busy year, and busy_between as scheduling
calls it.

1. expansion.busy_times alone: one ICS text with a busy agent's year (a daily standup on
   weekdays, 10 weekly meetings with EXDATEs and a moved occurrence, 1,500 single meetings,
   some free or cancelled), over the kept window (400 days). Median of --rounds runs.
2. Embedded mode (SQLite, in-process): that year stored as BusyInterval rows for each of 5
   agents (one calendar each); busy_between for one agent over 4 weeks and for the 5 over
   31 days, at random starts in the year. Median and p95 over --calls calls.

    .venv/bin/python bench/external_calendars.py [--rounds 5] [--calls 300] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from klient.external_calendars.expansion import busy_times

START = datetime(2027, 1, 4, tzinfo=UTC)
END = START + timedelta(days=401)
ZONE = ZoneInfo("Europe/Kyiv")


def busy_year(rng: random.Random) -> str:
    def ev(uid: str, *lines: str) -> str:
        return "\n".join(
            ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20270101T000000Z", *lines, "END:VEVENT"]
        )

    events = [
        ev(
            "standup",
            "DTSTART;TZID=Europe/Kyiv:20270104T091500",
            "DURATION:PT15M",
            "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
        )
    ]
    for n in range(10):
        day = START + timedelta(days=n % 5, hours=10 + n % 6)
        exdate = day + timedelta(weeks=3)
        events.append(
            ev(
                f"weekly-{n}",
                f"DTSTART:{day:%Y%m%dT%H%M%SZ}",
                f"DTEND:{day + timedelta(hours=1):%Y%m%dT%H%M%SZ}",
                "RRULE:FREQ=WEEKLY",
                f"EXDATE:{exdate:%Y%m%dT%H%M%SZ}",
            )
        )
        moved = day + timedelta(weeks=5)
        events.append(
            ev(
                f"weekly-{n}",
                f"RECURRENCE-ID:{moved:%Y%m%dT%H%M%SZ}",
                f"DTSTART:{moved + timedelta(hours=2):%Y%m%dT%H%M%SZ}",
                f"DTEND:{moved + timedelta(hours=3):%Y%m%dT%H%M%SZ}",
            )
        )
    for n in range(1500):
        at = START + timedelta(minutes=30 * rng.randrange(0, 400 * 48))
        extra = rng.choice(["", "", "", "TRANSP:TRANSPARENT", "STATUS:CANCELLED"])
        lines = [f"DTSTART:{at:%Y%m%dT%H%M%SZ}", f"DURATION:PT{rng.choice([30, 60, 90])}M"]
        events.append(ev(f"single-{n}", *lines, *([extra] if extra else [])))
    return "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:bench\n" + "\n".join(events) + "\nEND:VCALENDAR\n"


def bench_expansion(text: str, rounds: int) -> list:
    times, found = [], []
    for _ in range(rounds):
        began = time.perf_counter()
        found = busy_times([text], START, END, ZONE)
        times.append(time.perf_counter() - began)
    print(f"expansion of a busy year ({len(found)} busy occurrences over 401 days):")
    print(f"  median {statistics.median(times) * 1000:.0f} ms per sync")
    return found


def bench_queries(found: list, calls: int, rng: random.Random) -> None:
    os.environ.setdefault("KLIENT_DATA_DIR", tempfile.mkdtemp(prefix="klient-bench-calendars-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "klient.settings")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from klient.external_calendars.models import BusyInterval, ExternalCalendar
    from klient.external_calendars.queries import busy_between
    from klient.people.actions import create_agent

    agents = []
    for n in range(5):
        user, _ = create_agent(f"bench{n}@cal.example", name=f"Bench {n}")
        calendar = ExternalCalendar.objects.create(
            agent=user, kind="ics", url="https://x.example/a.ics"
        )
        BusyInterval.objects.bulk_create(
            BusyInterval(calendar=calendar, starts_at=b.start, ends_at=b.end, uid=b.uid)
            for b in found
        )
        agents.append(user.pk)

    def measure(ids: list[int], days: int) -> tuple[float, float]:
        times = []
        for _ in range(calls):
            start = START + timedelta(hours=rng.randrange(0, 360 * 24))
            began = time.perf_counter()
            busy_between(ids, start, start + timedelta(days=days))
            times.append(time.perf_counter() - began)
        times.sort()
        return statistics.median(times) * 1000, times[int(len(times) * 0.95)] * 1000

    median, p95 = measure(agents[:1], 28)
    print(f"busy_between, one agent, 4 weeks ({len(found)} rows per agent, SQLite):")
    print(f"  median {median:.2f} ms, p95 {p95:.2f} ms")
    median, p95 = measure(agents, 31)
    print("busy_between, 5 agents, 31 days:")
    print(f"  median {median:.2f} ms, p95 {p95:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    found = bench_expansion(busy_year(rng), args.rounds)
    bench_queries(found, args.calls, rng)


if __name__ == "__main__":
    main()
