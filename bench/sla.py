"""SLA scheduler benchmark (PostgreSQL only): the time of one scheduler tick that processes
10,000 due timers, with 100,000 and then 1,000,000 conversations holding a timer. The ratio
between the two must stay under 1.5: a tick's cost grows with what is due, not with how many
conversations are open. Also prints business-time due-date computations per second.

It creates its own database (dropped at the end), migrates it, and loads with COPY:
conversations (2 events each: conversation.created, message.received), one ConversationSla
row each. 10,000 of them are due (a customer message 8 business hours old: the warning and
the breach of an 8-hour first-reply target on Warsaw business hours are both reached); the
others fall due later. Each tick runs three times inside a rolled-back transaction (the
same 10,000 due rows each time); the median is reported.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/sla.py \
        [--sizes 100000 1000000] [--due 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

DB_NAME = "klient_bench_sla"
NOW = datetime(2026, 6, 3, 12, tzinfo=UTC)  # Wednesday 14:00 in Warsaw
DUE_START = datetime(2026, 6, 2, 12, tzinfo=UTC)  # Tuesday 14:00: 8 business hours before NOW
TEAMS = 6
CUSTOMERS = 1000


class Rollback(Exception):
    pass


def server_urls() -> tuple[str, str]:
    """(maintenance URL, bench database URL)."""
    base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    parts = urlsplit(base)
    if parts.scheme not in ("postgres", "postgresql"):
        sys.exit("bench/sla.py needs PostgreSQL (DATABASE_URL=postgres://...)")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    return maintenance, urlunsplit(parts._replace(path=f"/{DB_NAME}"))


def recreate_database(maintenance: str, *, drop_only: bool = False) -> None:
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        if not drop_only:
            conn.execute(f"CREATE DATABASE {DB_NAME}")


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("KLIENT_DATA_DIR", tempfile.mkdtemp(prefix="klient-bench-sla-"))
    os.environ.pop("DJANGO_SETTINGS_MODULE", None)
    import django
    from django.conf import settings

    import klient.settings as base

    values = {name: getattr(base, name) for name in dir(base) if name.isupper()}
    if "klient.sla" not in values["INSTALLED_APPS"]:
        values["INSTALLED_APPS"] = [*values["INSTALLED_APPS"], "klient.sla"]
    values["LOGGING"] = {"version": 1, "disable_existing_loggers": False}
    settings.configure(**values)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fixtures() -> tuple[list[int], list[int], int]:
    """Teams with Warsaw business hours, customers, and one policy."""
    from klient.calendars.actions import save_team_hours
    from klient.people.models import Customer, Team
    from klient.sla.admin_actions import save_policy

    teams = []
    for number in range(TEAMS):
        team = Team.objects.create(
            name=f"Team {number}", inbound_address=f"t{number}@bench.example"
        )
        save_team_hours(
            team,
            actor=None,
            time_zone="Europe/Warsaw",
            hours={day: [("09:00", "17:00")] for day in range(5)},
            country="PL",
        )
        teams.append(team.pk)
    customers = Customer.objects.bulk_create(Customer(name=f"c{i}") for i in range(CUSTOMERS))
    policy = save_policy(actor=None, name="Bench", first_reply_minutes=8 * 60)
    return teams, [c.pk for c in customers], policy.pk


def load(
    first_id: int,
    count: int,
    due: int,
    teams: list[int],
    customers: list[int],
    policy: int,
    rng: random.Random,
) -> None:
    """COPY `count` conversations from id `first_id`, `due` of them due at NOW."""
    from django.db import connection

    due_ids = set(rng.sample(range(first_id, first_id + count), due))
    received = json.dumps({"message": None, "auto_reply": False, "bounce": False, "bulk": False})
    with connection.cursor() as cursor:
        with cursor.copy(
            "COPY conversations_conversation (id, subject, status, priority, channel, language,"
            " team_id, customer_id, created_at, updated_at, waiting_since) FROM STDIN"
        ) as copy:
            for pk in range(first_id, first_id + count):
                start = DUE_START if pk in due_ids else NOW - timedelta(minutes=rng.randrange(120))
                copy.write_row(
                    (
                        pk,
                        "Bench",
                        "new",
                        "normal",
                        "email",
                        "pl",
                        teams[pk % len(teams)],
                        customers[pk % len(customers)],
                        start,
                        start,
                        start,
                    )
                )
        with cursor.copy(
            "COPY core_event (conversation_id, actor_label, kind, data, at) FROM STDIN"
        ) as copy:
            for pk in range(first_id, first_id + count):
                start = DUE_START if pk in due_ids else NOW - timedelta(minutes=30)
                copy.write_row((pk, "customer", "conversation.created", "{}", start))
                copy.write_row((pk, "x@bench.example", "message.received", received, start))
        with cursor.copy(
            "COPY sla_conversationsla (conversation_id, policy_id, started_at, first_reply_due,"
            " due_at, paused, pause_seconds, stopped, breached, emitted, next_due_at,"
            " computed_at) FROM STDIN"
        ) as copy:
            for pk in range(first_id, first_id + count):
                if pk in due_ids:
                    start, next_due = DUE_START, NOW - timedelta(hours=2)  # the warning moment
                    first_due = NOW
                else:
                    start = NOW - timedelta(minutes=30)
                    next_due = NOW + timedelta(minutes=rng.randrange(60, 5 * 24 * 60))
                    first_due = next_due + timedelta(hours=2)
                copy.write_row(
                    (
                        pk,
                        policy,
                        start,
                        first_due,
                        first_due,
                        False,
                        0,
                        False,
                        "[]",
                        "[]",
                        next_due,
                        start,
                    )
                )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('conversations_conversation', 'id'), %s)",
            [first_id + count],
        )
        cursor.execute("VACUUM ANALYZE")


def time_tick(runs: int = 3) -> tuple[float, int, int]:
    """(median seconds, rows processed, events appended) of a tick at NOW, rolled back."""
    from django.db import transaction

    from klient.core.models import Event
    from klient.sla import scheduler

    times, processed, appended = [], 0, 0
    for _ in range(runs):
        try:
            with transaction.atomic():
                before = Event.objects.filter(kind__startswith="sla.").count()
                start = time.perf_counter()
                processed = scheduler.tick(now=NOW, limit=10_000)
                times.append(time.perf_counter() - start)
                appended = Event.objects.filter(kind__startswith="sla.").count() - before
                raise Rollback
        except Rollback:
            pass
    return statistics.median(times), processed, appended


def claim_plan() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT * FROM sla_conversationsla WHERE next_due_at <= %s "
            "ORDER BY next_due_at LIMIT 1000 FOR UPDATE SKIP LOCKED",
            [NOW],
        )
        return " / ".join(row[0].strip() for row in cursor.fetchall())


def business_time_rate(count: int) -> tuple[float, float]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import business_time as bench_bt

    jobs = bench_bt.workload(count, 1)
    cals = bench_bt.calendars()
    cold_wall, _ = bench_bt.run(cals, jobs)
    warm_wall, _ = bench_bt.run(cals, jobs)
    return count / cold_wall, count / warm_wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--due", type=int, default=10_000)
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    args = parser.parse_args()
    maintenance, url = server_urls()
    recreate_database(maintenance)
    try:
        setup_django(url)
        teams, customers, policy = fixtures()
        rng = random.Random(1)
        loaded, results = 0, []
        for size in sorted(args.sizes):
            started = time.perf_counter()
            due = args.due if loaded == 0 else 0  # the first batch's due rows stay due
            load(loaded + 1, size - loaded, due, teams, customers, policy, rng)
            loaded = size
            print(f"loaded {size:,} conversations ({time.perf_counter() - started:.0f} s)")
            seconds, processed, appended = time_tick()
            results.append((size, seconds))
            print(
                f"  tick at {size:>9,} open: {processed:,} due timers in {seconds:.3f} s "
                f"({processed / seconds:,.0f}/s), {appended:,} sla events appended"
            )
        print(f"  claim query plan: {claim_plan()}")
        if len(results) >= 2:
            ratio = results[-1][1] / results[0][1]
            verdict = "OK" if ratio < 1.5 else "OVER TARGET"
            print(
                f"ratio {results[-1][0]:,} / {results[0][0]:,}: {ratio:.2f} "
                f"(target < 1.5: {verdict})"
            )
        cold, warm = business_time_rate(100_000)
        print(
            f"business-time due dates: {cold:,.0f}/s cold caches, {warm:,.0f}/s warm "
            "(target >= 50,000/s)"
        )
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            recreate_database(maintenance, drop_only=True)


if __name__ == "__main__":
    main()
