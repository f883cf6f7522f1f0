"""Accepted mail survives a power cut, not only a crash: on SQLite (WAL, synchronous=NORMAL
for everything else) the commit that records accepted mail waits for the disk."""

import pytest
from django.db import connection

from klient.mail.actions import accept_raw, accept_raw_many

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL commits are durable"),
]

RAW = b"From: ola@example.pl\r\nTo: support@shop.example\r\nSubject: Faktura\r\n\r\nDzien dobry\r\n"


def statements_while(action):
    seen: list[str] = []

    def record(execute, sql, params, many, context):
        seen.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        action()
    return seen


def _synchronous_during_insert(seen: list[str]) -> str:
    mode = "NORMAL"
    for sql in seen:
        if sql.startswith("PRAGMA synchronous="):
            mode = sql.split("=", 1)[1]
        if sql.startswith("INSERT") and "mail_inboundmail" in sql:
            return mode
    raise AssertionError("no INSERT of accepted mail")


def test_accepting_one_mail_commits_with_a_full_sync(support_team):
    seen = statements_while(lambda: accept_raw(RAW, source="smtp"))

    assert _synchronous_during_insert(seen) == "FULL"
    assert seen[-1] == "PRAGMA synchronous=NORMAL"


def test_accepting_a_batch_commits_with_a_full_sync(support_team):
    seen = statements_while(lambda: accept_raw_many([RAW, RAW + b"2"], source="import"))

    assert _synchronous_during_insert(seen) == "FULL"
    assert seen[-1] == "PRAGMA synchronous=NORMAL"
