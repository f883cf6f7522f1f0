"""Time-rule benchmark (SQLite, in a temporary data directory): one sweep of the automation
timers with 1,000,000 open conversations holding a timer, of which none, 100, or 10,000
are due (--due: none, 100 and 1,000 by default). The sweep's cost must follow what is
due, not what is open.

It migrates a fresh SQLite database, inserts the conversations and their timers with raw
SQL (all pending, one time rule "pending for 3 business days: set priority high"), then
for each due count moves that many timers' due time into the past and runs
`klient.automations.engine.sweep_due_timers` once, timing it. Every due timer goes the
whole way: claimed, the rule checked again, its action run through
conversations.actions, its events written, the timer marked fired.

    PYTHONPATH=src .venv/bin/python bench/automations.py [--open 1000000] [--due 0 100 1000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

NOW = datetime(2026, 6, 3, 12, tzinfo=UTC)


def setup_django() -> None:
    os.environ["KLIENT_DATA_DIR"] = tempfile.mkdtemp(prefix="klient-bench-automations-")
    os.environ.pop("DATABASE_URL", None)
    os.environ["DJANGO_SETTINGS_MODULE"] = "klient.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def insert_conversations(count: int) -> tuple[int, float]:
    """`count` pending conversations of one team and customer; returns (team id, seconds)."""
    from django.db import connection, transaction

    from klient.conversations.models import Conversation
    from klient.people.actions import create_team
    from klient.people.models import Customer

    started = time.perf_counter()
    team = create_team("Support", address="support@shop.example")
    customer = Customer.objects.create(name="Bench Customer")
    template = Conversation(
        subject="Where is my parcel?",
        status="pending",
        team=team,
        customer=customer,
        created_at=NOW - timedelta(days=1),
        updated_at=NOW - timedelta(days=1),
    )
    fields = [
        f
        for f in Conversation._meta.concrete_fields
        if not f.primary_key and not getattr(f, "generated", False)
    ]
    row = tuple(f.get_db_prep_save(getattr(template, f.attname), connection) for f in fields)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = (
        f"INSERT INTO {Conversation._meta.db_table} ({columns}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    table = Conversation._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, row)
        have = 1
        while have < count:  # doubling: a few statements for a million rows
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {table} LIMIT %s",
                [count - have],
            )
            have += min(have, count - have)
    return team.pk, time.perf_counter() - started


def make_rule() -> object:
    from klient.automations.actions import save_rule
    from klient.people.actions import create_agent

    admin, _token = create_agent("admin@shop.example", name="Admin", admin=True, password="pw-1")
    return save_rule(
        {
            "name": "Pending for three business days",
            "when": {"after": {"minutes": 3 * 8 * 60, "business": True, "since": "status:pending"}},
            "then": [{"action": "set_priority", "value": "high"}],
        },
        actor=admin,
    )


def insert_timers(rule: object) -> float:
    """One timer per conversation, all due in the future (NOW + 1 day)."""
    from django.db import connection, transaction

    from klient.automations.models import Rule, Timer

    assert isinstance(rule, Rule)
    started = time.perf_counter()
    adapt = connection.ops.adapt_datetimefield_value
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Timer._meta.db_table} "
            "(rule_id, conversation_id, rule_version, since, moment, due_at, state) "
            "SELECT %s, id, %s, 'status:pending', %s, %s, 'scheduled' "
            "FROM conversations_conversation",
            [
                rule.pk,
                adapt(rule.updated_at),
                adapt(NOW - timedelta(days=1)),
                adapt(NOW + timedelta(days=1)),
            ],
        )
        cursor.execute("ANALYZE")
    return time.perf_counter() - started


def make_due(count: int) -> None:
    """`count` more scheduled timers due an hour ago (the lowest ids still scheduled)."""
    from django.db import transaction

    from klient.automations.models import Timer

    if not count:
        return
    with transaction.atomic():
        ids = list(
            Timer.objects.filter(state="scheduled", due_at__gt=NOW)
            .order_by("pk")
            .values_list("pk", flat=True)[:count]
        )
        Timer.objects.filter(pk__in=ids).update(due_at=NOW - timedelta(hours=1))


def sweep() -> tuple[int, float]:
    from klient.automations.engine import sweep_due_timers

    started = time.perf_counter()
    fired = sweep_due_timers(now=NOW)
    return fired, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--open", type=int, default=1_000_000)
    parser.add_argument("--due", type=int, nargs="+", default=[0, 100, 1000])
    args = parser.parse_args()
    setup_django()
    _team, seconds = insert_conversations(args.open)
    print(f"inserted {args.open:,} pending conversations in {seconds:.1f} s")
    rule = make_rule()
    seconds = insert_timers(rule)
    print(f"inserted {args.open:,} timers (none due) in {seconds:.1f} s")
    print(f"{'open':>10} {'due':>8} {'fired':>8} {'sweep s':>9} {'ms per due':>11}")
    for due in args.due:
        make_due(due)
        fired, seconds = sweep()
        per_due = f"{seconds * 1000 / fired:.2f}" if fired else "-"
        print(f"{args.open:>10,} {due:>8,} {fired:>8,} {seconds:>9.3f} {per_due:>11}")
        if fired != due:
            sys.exit(f"expected {due} timers fired, got {fired}")


if __name__ == "__main__":
    main()
