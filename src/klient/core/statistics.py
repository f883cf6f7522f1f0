"""Planner statistics for tables that grow fast from (nearly) empty, on PostgreSQL.

A new installation's first import, or a burst of mail into a fresh database, fills tables
that were empty when the connection planned its foreign-key checks. PostgreSQL keeps
those plans (a sequential scan suits an empty table) until the table's statistics change,
and autovacuum analyses only after a minute or more: meanwhile every new message and
event scanned the whole conversation table — 144 million rows read for a 10,000-message
import. Analysing a table once it has changed more rows than it held at its last analysis
makes PostgreSQL plan again, with its primary key index. On a table that is already large
this practically never triggers (it would have to double); autovacuum keeps it current.
SQLite needs none of this: its foreign-key checks always use the primary key."""

from __future__ import annotations

import logging
import time

from django.db import connection

logger = logging.getLogger(__name__)

# At most one look at the statistics per process in this many seconds (the look itself is
# one catalog query).
CHECK_EVERY_SECONDS = 2.0
# Tables smaller than this are not worth analysing: scanning them is cheap anyway.
AT_LEAST_CHANGED_ROWS = 1000

_last_check = float("-inf")


def refresh_if_grown() -> list[str]:
    """ANALYZE this schema's tables that changed more rows than they held at their last
    analysis (and at least AT_LEAST_CHANGED_ROWS). Returns their names. Cheap to call
    often: it looks at most every CHECK_EVERY_SECONDS, and never inside a transaction the
    caller would have to wait on."""
    global _last_check
    if connection.vendor != "postgresql":
        return []
    now = time.monotonic()
    if now - _last_check < CHECK_EVERY_SECONDS:
        return []
    _last_check = now
    return analyse_grown_tables()


def analyse_grown_tables() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT quote_ident(s.schemaname) || '.' || quote_ident(s.relname)
            FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
            WHERE s.schemaname = current_schema()
              AND s.n_mod_since_analyze >= %s
              AND s.n_mod_since_analyze > GREATEST(c.reltuples, 0)
            ORDER BY 1""",
            [AT_LEAST_CHANGED_ROWS],
        )
        tables = [name for (name,) in cursor.fetchall()]
        if tables:
            # SKIP_LOCKED: a table autovacuum is busy with is left to it.
            cursor.execute(f"ANALYZE (SKIP_LOCKED) {', '.join(tables)}")
            logger.info("statistics refreshed for %s", ", ".join(tables))
    return tables
