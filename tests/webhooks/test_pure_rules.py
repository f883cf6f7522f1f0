"""The pure parts, property-tested: signatures (checked against the `standardwebhooks`
reference implementation), the retry schedule, Retry-After and the reading of statuses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from hypothesis import given
from hypothesis import strategies as st
from standardwebhooks import Webhook

from klient.webhooks import schedule, signing

NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)
ids = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_", min_size=1, max_size=40)
timestamps = st.integers(min_value=0, max_value=4_000_000_000)


@given(msg_id=ids, timestamp=timestamps, body=st.binary(max_size=2000))
def test_a_signature_is_the_standard_webhooks_one(msg_id, timestamp, body):
    secret = signing.new_secret()
    reference = Webhook(secret).sign(msg_id, datetime.fromtimestamp(timestamp, UTC), body)
    assert signing.sign(secret, msg_id, timestamp, body) == reference


@given(msg_id=ids, timestamp=timestamps, body=st.binary(max_size=500), n=st.integers(1, 3))
def test_a_rotation_header_carries_one_signature_per_secret(msg_id, timestamp, body, n):
    secrets = [signing.new_secret() for _ in range(n)]
    header = signing.signature_header(secrets, msg_id, timestamp, body)
    entries = header.split(" ")
    assert len(entries) == n and all(e.startswith("v1,") for e in entries)
    for secret in secrets:
        assert signing.sign(secret, msg_id, timestamp, body) in entries


def test_a_secret_is_whsec_and_32_random_bytes():
    secret = signing.new_secret()
    assert secret.startswith("whsec_") and len(signing.key_of(secret)) == 32
    assert secret != signing.new_secret()


@given(spreads=st.lists(st.floats(0, 0.999), min_size=9, max_size=9))
def test_the_schedule_waits_at_least_the_documented_delays_and_spans_72_hours(spreads):
    delays = [schedule.POLICY.delay(n, spread) for n, spread in enumerate(spreads, start=1)]
    for delay, documented in zip(delays, schedule.DELAYS, strict=True):
        assert documented <= delay <= documented * 1.1
    assert sum(delays, timedelta()) >= timedelta(hours=72)
    assert not schedule.POLICY.gives_up(9) and schedule.POLICY.gives_up(10)


def test_the_documented_delays_are_the_issues():
    assert [d.total_seconds() for d in schedule.DELAYS] == [
        5,
        300,
        1800,
        7200,
        18000,
        36000,
        50400,
        72000,
        86400,
    ]


@given(seconds=st.integers(0, 10**7))
def test_retry_after_in_seconds(seconds):
    when = schedule.parse_retry_after(str(seconds), NOW)
    assert when == NOW + min(timedelta(seconds=seconds), timedelta(hours=24))


@given(offset=st.integers(-(10**6), 10**6))
def test_retry_after_as_an_http_date(offset):
    moment = NOW + timedelta(seconds=offset)
    when = schedule.parse_retry_after(format_datetime(moment, usegmt=True), NOW)
    assert when == min(max(moment, NOW), NOW + timedelta(hours=24))


@given(text=st.text(max_size=30))
def test_unreadable_retry_after_falls_back_to_the_schedule(text):
    when = schedule.parse_retry_after(text, NOW)
    assert when is None or NOW <= when <= NOW + timedelta(hours=24)
    assert schedule.parse_retry_after("soon", NOW) is None
    assert schedule.parse_retry_after(None, NOW) is None


@given(status=st.integers(100, 599))
def test_only_2xx_delivers_and_only_410_disables(status):
    verdict = schedule.judge(status, "https://elsewhere.example/", "30", NOW)
    assert verdict.delivered == (200 <= status < 300)
    assert verdict.disable == (status == 410)
    assert (verdict.retry_at is not None) == (status == 429)
    if 300 <= status < 400:
        assert "not followed" in verdict.error
