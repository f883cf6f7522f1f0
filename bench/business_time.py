"""Business-time benchmark: due-date computations per second on one core.

Mixed SLA targets (30 min, 4 h, 1 and 3 business days of 8 h, 10 business days) from random
starts over 2026 in three teams' calendars (Warsaw/PL, New York/US, Kyiv/UA with a lunch
break), first with cold caches (fresh calendars), then warm; per wall-clock and per CPU
second (the latter holds up on a busy machine). Also prints the per-call median and p99.

    .venv/bin/python bench/business_time.py [--count 200000] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from klient.calendars import BusinessCalendar, WorkingHours, add_business_time

TARGETS = [
    timedelta(minutes=30),
    timedelta(hours=4),
    timedelta(hours=8),
    timedelta(hours=24),
    timedelta(hours=80),
]


def calendars() -> list[BusinessCalendar]:
    return [
        BusinessCalendar("Europe/Warsaw", WorkingHours.weekly(("09:00", "17:00")), country="PL"),
        BusinessCalendar("America/New_York", WorkingHours.weekly(("08:00", "16:00")), country="US"),
        BusinessCalendar(
            "Europe/Kyiv",
            WorkingHours.weekly(("09:00", "13:00"), ("14:00", "18:00")),
            country="UA",
        ),
    ]


def workload(count: int, seed: int) -> list[tuple[int, datetime, timedelta]]:
    rng = random.Random(seed)
    year_start = datetime(2026, 1, 1, tzinfo=UTC)
    seconds = 365 * 86_400
    return [
        (
            rng.randrange(3),
            year_start + timedelta(seconds=rng.randrange(seconds)),
            rng.choice(TARGETS),
        )
        for _ in range(count)
    ]


def run(
    cals: list[BusinessCalendar], jobs: list[tuple[int, datetime, timedelta]]
) -> tuple[float, float]:
    """(wall seconds, CPU seconds): on a busy machine the CPU time is the fairer figure."""
    wall, cpu = time.perf_counter(), time.process_time()
    for index, start, duration in jobs:
        add_business_time(cals[index], start, duration)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    jobs = workload(args.count, args.seed)

    cold = run(calendars(), jobs)
    cals = calendars()
    run(cals, jobs)  # warm the caches
    runs = [run(cals, jobs) for _ in range(3)]
    warm = (min(wall for wall, _ in runs), min(cpu for _, cpu in runs))

    samples = []
    clock = time.perf_counter_ns
    for index, start, duration in jobs[:50_000]:
        t0 = clock()
        add_business_time(cals[index], start, duration)
        samples.append(clock() - t0)
    median_us = statistics.median(samples) / 1000
    p99_us = statistics.quantiles(samples, n=100)[98] / 1000

    print(f"due-date computations: {args.count:,} (targets 30m/4h/1d/3d/10d, 3 zones, 2026)")
    for label, (wall, cpu) in (("cold caches", cold), ("warm caches", warm)):
        print(f"  {label}: {args.count / wall:,.0f}/s wall, {args.count / cpu:,.0f}/s CPU")
    print(f"  per call:    median {median_us:.2f} µs, p99 {p99_us:.2f} µs")


if __name__ == "__main__":
    main()
