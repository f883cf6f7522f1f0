"""core.work: one claim, renewal, fail and sweep for every kind of durable work row."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
from django.db import (
    DataError,
    IntegrityError,
    OperationalError,
    connection,
    connections,
    transaction,
)
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from klient.conversations.models import Message
from klient.core import work
from klient.mail import actions
from klient.mail.actions import INBOUND_WORK
from klient.mail.models import InboundMail
from support import customer_email

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)

policies = st.builds(
    work.RetryPolicy,
    first_retry=st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=1)),
    longest=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=2)),
    max_attempts=st.integers(min_value=1, max_value=50),
    jitter=st.floats(min_value=0, max_value=1),
)
spreads = st.floats(min_value=0, max_value=1, exclude_max=True)


@given(policies, st.integers(min_value=0, max_value=10_000), spreads)
def test_a_delay_is_its_doubling_base_capped_at_the_longest_plus_jitter(policy, attempts, spread):
    delay = policy.delay(attempts, spread)
    doubled = policy.first_retry.total_seconds() * 2.0 ** min(max(attempts - 1, 0), 1000)
    base = min(doubled, policy.longest.total_seconds())
    assert base - 1e-6 <= delay.total_seconds() <= base * (1 + policy.jitter) + 1e-6


@given(policies, st.integers(min_value=1, max_value=200), spreads)
def test_delays_never_shrink_as_attempts_grow(policy, attempts, spread):
    assert policy.delay(attempts, spread) <= policy.delay(attempts + 1, spread)


@given(policies, st.integers(min_value=0, max_value=200), spreads)
def test_a_retry_is_planned_until_the_policy_gives_up(policy, attempts, spread):
    retry_at = policy.retry_at(attempts, permanent=False, now=NOW, spread=spread)
    if attempts >= policy.max_attempts:
        assert retry_at is None
    else:
        assert retry_at == NOW + policy.delay(attempts, spread)
    assert policy.retry_at(attempts, permanent=True, now=NOW, spread=spread) is None


def test_the_deliveries_backoff_is_30_s_doubling_to_an_hour():
    from klient.mail.sending import DELIVERY_WORK

    policy = DELIVERY_WORK.policy
    assert policy.delay(1, 0) == timedelta(seconds=30)
    assert policy.delay(2, 0) == timedelta(seconds=60)
    assert policy.delay(20, 0) == timedelta(hours=1)
    assert policy.gives_up(12) and not policy.gives_up(11)


def test_what_can_only_fail_again_is_permanent():
    assert work.is_permanent(DataError("value too long for type character varying(20)"))
    from django.core.exceptions import ValidationError

    assert work.is_permanent(ValidationError("A tag is at most 60 characters long."))
    # A constraint may be a race with a concurrent writer once; twice, it is the row's.
    assert not work.is_permanent(IntegrityError("duplicate key"), attempts=1)
    assert work.is_permanent(IntegrityError("duplicate key"), attempts=2)
    assert not work.is_permanent(OperationalError("database is locked"))
    assert not work.is_permanent(ConnectionResetError())


def accept(n: int, team_id: int, subject: str = "") -> InboundMail:
    raw = customer_email(
        f"customer{n}@example.com",
        subject or f"Question {n}",
        f"Body {n}\n",
        f"<work-{n}@example.com>",
    ).as_bytes(policy=policy.SMTP)
    return actions.accept_raw(raw, source="smtp", team_id=team_id)[0]


@pytest.mark.django_db(transaction=True)
def test_of_two_workers_claiming_the_same_rows_at_once_exactly_one_wins(support_team):
    ids = [accept(n, support_team.pk).pk for n in range(20)]
    start = threading.Barrier(2)
    claims: list[work.Claim | None] = []

    def worker() -> None:
        try:
            start.wait()
            claims.append(work.claim(INBOUND_WORK, ids))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    won = [c for c in claims if c is not None]
    assert len(won) == 1
    assert won[0].ids == sorted(ids)
    assert set(InboundMail.objects.values_list("attempts", flat=True)) == {1}


@pytest.mark.django_db
def test_an_expired_lease_is_redriven_once(support_team, settings):
    settings.KLIENT_LEASE_SECONDS = 10
    inbound = accept(1, support_team.pk)
    claimed_at = timezone.now()
    dead = work.claim(INBOUND_WORK, [inbound.pk], now=claimed_at)
    assert dead is not None
    before_expiry = claimed_at + timedelta(seconds=9)
    assert work.due(INBOUND_WORK, now=before_expiry) == []
    after_expiry = claimed_at + timedelta(seconds=11)
    assert work.due(INBOUND_WORK, now=after_expiry) == [inbound.pk]
    taken_over = work.claim(INBOUND_WORK, [inbound.pk], now=after_expiry)
    assert taken_over is not None and taken_over.ids == [inbound.pk]
    assert work.claim(INBOUND_WORK, [inbound.pk], now=after_expiry) is None
    assert work.due(INBOUND_WORK, now=after_expiry) == []
    inbound.refresh_from_db()
    assert inbound.attempts == 2
    # The dead worker, come back, can no longer record anything on the row.
    assert not work.complete(dead, inbound.pk, InboundMail.State.DONE)


@pytest.mark.django_db
def test_a_held_claim_is_renewed_so_a_long_job_keeps_its_rows(support_team, settings):
    settings.KLIENT_LEASE_SECONDS = 10
    inbound = accept(1, support_team.pk)
    # Claimed 5 s ago: the first lease has 5 s left, a renewal makes it 10 again.
    now = timezone.now()
    held = work.claim(INBOUND_WORK, [inbound.pk], now=now - timedelta(seconds=5), due_by=now)
    assert held is not None
    first_lease = held.lease_until
    with work.holding(held):
        assert work.renew_held() == 1
    assert held.lease_until > first_lease
    inbound.refresh_from_db()
    assert inbound.lease_until == held.lease_until
    # Past the first lease, another worker finds the row still held.
    assert work.claim(INBOUND_WORK, [inbound.pk], now=first_lease + timedelta(seconds=1)) is None
    # Released, a claim is no longer renewed.
    assert work.renew_held() == 0
    assert work.complete(held, inbound.pk, InboundMail.State.DONE)


@pytest.mark.django_db
def test_a_claim_made_inside_a_callers_transaction_is_left_to_that_transaction(support_team):
    """A retry asked for in a web request claims inside the request's transaction: no other
    connection sees that claim before it commits, so the heartbeat must not try to renew it
    (its UPDATE would wait for the request's row locks while the request waits for it)."""
    inbound = accept(1, support_team.pk)
    with transaction.atomic():
        held = work.claim(INBOUND_WORK, [inbound.pk])
        assert held is not None
        with work.holding(held):
            assert work.renew_held() == 0
        assert work.complete(held, inbound.pk, InboundMail.State.DONE)


@pytest.mark.django_db
def test_a_failed_attempt_is_retried_after_its_backoff_then_given_up(support_team):
    from klient.mail.sending import DELIVERY_WORK

    assert DELIVERY_WORK.failed is not None
    inbound = accept(1, support_team.pk)
    held = work.claim(INBOUND_WORK, [inbound.pk])
    assert held is not None
    assert work.fail(held, inbound.pk, 1, OperationalError("database is locked")) == "deferred"
    inbound.refresh_from_db()
    assert inbound.state == InboundMail.State.RECEIVED and inbound.lease_until is None
    held = work.claim(INBOUND_WORK, [inbound.pk])
    assert held is not None
    outcome = work.fail(held, inbound.pk, actions.MAX_TRANSIENT_ATTEMPTS, OperationalError("gone"))
    assert outcome == "failed"
    inbound.refresh_from_db()
    assert inbound.state == InboundMail.State.QUARANTINED
    assert inbound.reason == "gave up after 5 attempts: OperationalError: gone"
    assert list(work.given_up(INBOUND_WORK)) == [inbound]


def refuse_long_subjects() -> None:
    """Make the database itself refuse a subject over 20 characters, as a value that can
    never fit does: PostgreSQL with "value too long" (DataError), SQLite with a constraint
    (IntegrityError, the same every time)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE conversations_message ALTER COLUMN subject TYPE varchar(20)"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER subject_fits BEFORE INSERT ON conversations_message "
                "WHEN length(NEW.subject) > 20 "
                "BEGIN SELECT RAISE(ABORT, 'value too long for subject'); END"
            )


@pytest.mark.django_db
def test_mail_that_can_never_be_stored_is_quarantined_at_its_first_attempt(support_team):
    refuse_long_subjects()
    fits = accept(1, support_team.pk, subject="Short")
    too_long = accept(2, support_team.pk, subject="A subject much longer than twenty")

    outcomes = actions.process_batch([fits.pk, too_long.pk])

    assert outcomes == {fits.pk: "stored", too_long.pk: "quarantined"}
    too_long.refresh_from_db()
    assert too_long.state == InboundMail.State.QUARANTINED
    assert too_long.attempts == 1
    assert too_long.reason.startswith("permanent database error, not retried: ")
    assert ("DataError" if connection.vendor == "postgresql" else "IntegrityError") in (
        too_long.reason
    )
    assert Message.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_locked_table_is_retried_not_quarantined(support_team):
    """A transient error (a lock the worker cannot get in time) releases the mail for the
    sweep; the next attempt stores it. PostgreSQL only: on SQLite a lock held by another
    writer would block the claim itself, before any mail is in hand."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a table lock that lets the claim through (PostgreSQL)")
    inbound = accept(1, support_team.pk)
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("LOCK TABLE conversations_message IN EXCLUSIVE MODE")
            with connection.cursor() as mine:
                mine.execute("SET lock_timeout = '200ms'")
            outcome = actions.process_batch([inbound.pk]).get(inbound.pk, "")
            cursor.execute("ROLLBACK")
    finally:
        other.close()
        with connection.cursor() as mine:
            mine.execute("SET lock_timeout = 0")
    assert outcome == "deferred"
    inbound.refresh_from_db()
    assert inbound.state == InboundMail.State.RECEIVED
    assert inbound.attempts == 1
    assert inbound.reason.startswith("OperationalError: ")
    assert actions.process_batch([inbound.pk]) == {inbound.pk: "stored"}
