"""A table that a first import fills from empty gets planner statistics on the way, so
PostgreSQL stops scanning it whole for every foreign-key check."""

from __future__ import annotations

import time

import pytest
from django.db import connection

from klient.core import statistics
from klient.people.models import Customer

pytestmark = pytest.mark.django_db(transaction=True)


def changes_seen_by_postgres(table: str, at_least: int) -> None:
    """Statistics counters reach the shared view a moment after the commit."""
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_force_next_flush()")
            cursor.execute(
                "SELECT n_mod_since_analyze FROM pg_stat_user_tables WHERE relname = %s", [table]
            )
            if cursor.fetchone()[0] >= at_least:
                return
            time.sleep(0.1)
    raise AssertionError(f"{table}: the changes never reached pg_stat_user_tables")


def reltuples(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return float(cursor.fetchone()[0])


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_a_table_filled_from_empty_is_analysed_once_then_left_to_autovacuum():
    Customer.objects.bulk_create(Customer(name=f"Klient {n}") for n in range(1500))
    changes_seen_by_postgres("people_customer", 1500)
    assert reltuples("people_customer") <= 0  # never analysed

    analysed = statistics.analyse_grown_tables()

    assert "public.people_customer" in analysed
    assert reltuples("people_customer") == 1500
    # 1,500 more rows have not outgrown 1,500: nothing to do.
    Customer.objects.bulk_create(Customer(name=f"Klientka {n}") for n in range(1400))
    changes_seen_by_postgres("people_customer", 1400)
    assert "public.people_customer" not in statistics.analyse_grown_tables()


def test_statistics_are_looked_at_once_in_a_while_and_only_on_postgresql():
    statistics._last_check = float("-inf")
    statistics.refresh_if_grown()
    assert statistics.refresh_if_grown() == []  # looked a moment ago
    if connection.vendor != "postgresql":
        statistics._last_check = float("-inf")
        assert statistics.refresh_if_grown() == []
