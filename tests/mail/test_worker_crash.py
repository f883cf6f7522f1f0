"""Kill the worker mid-batch: every message is still stored exactly once.

A separate OS process (tests/mail/slow_worker.py) processes the received mail and is
SIGKILLed part-way; the rows it held keep a lease that expires, and the sweeper finishes
the work without duplicating what the dead worker had already stored."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from klient.conversations.models import Message
from klient.core.worker import drain
from klient.mail import actions
from klient.mail.models import InboundMail
from support import customer_email, database_url

pytestmark = pytest.mark.django_db(transaction=True)

N = 30
SLOW_WORKER = Path(__file__).with_name("slow_worker.py")


def email_bytes(n: int) -> bytes:
    return customer_email(
        f"customer{n}@example.com",
        f"Order {n} is late",
        f"Where is order {n}?\n",
        f"<crash-{n}@example.com>",
    ).as_bytes(policy=policy.SMTP)


def wait_until(condition, what: str, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def test_a_worker_killed_mid_batch_loses_and_duplicates_nothing(support_team, monkeypatch):
    for n in range(N):
        actions.accept_raw(email_bytes(n), source="smtp", team_id=support_team.pk)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "klient.settings",
        "DATABASE_URL": database_url(),
        "KLIENT_DATA_DIR": str(settings.DATA_DIR),
        "KLIENT_LEASE_SECONDS": "1",
    }
    worker = subprocess.Popen(
        [sys.executable, str(SLOW_WORKER)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )

    def done() -> int:
        if worker.poll() is not None:
            output = worker.stdout.read().decode()
            raise AssertionError(f"the worker exited early ({worker.returncode}):\n{output}")
        return InboundMail.objects.filter(state="done").count()

    try:
        wait_until(lambda: done() >= 5, "the worker to finish 5 messages")
    finally:
        worker.send_signal(signal.SIGKILL)  # no-op if it has already exited
        worker.wait()
        worker.stdout.close()
    assert InboundMail.objects.filter(state="done").count() < N, "killed too late"

    # The dead worker's lease (1 s) runs out; fresh received rows count as stale at once.
    wait_until(
        lambda: (
            not InboundMail.objects.filter(
                state="processing", lease_until__gte=timezone.now()
            ).exists()
        ),
        "the dead worker's lease to expire",
    )
    monkeypatch.setattr(actions, "STALE_AFTER", timedelta(0))
    drain()

    assert set(InboundMail.objects.values_list("state", flat=True)) == {"done"}
    message_ids = list(Message.objects.values_list("message_id", flat=True))
    assert len(message_ids) == N
    assert set(message_ids) == {f"<crash-{n}@example.com>" for n in range(N)}
    assert len(set(InboundMail.objects.values_list("message_id", flat=True))) == N
