"""A real `klient worker` is SIGKILLed while it holds a batch of inbound mail; another
`klient worker` takes the batch over once the dead one's lease runs out, and every
accepted mail is stored exactly once.

The first worker is held mid-batch without any test hook: the raw bytes of one mail of its
second batch are replaced by a named pipe, so reading them blocks (after the batch was
claimed, before it is stored). The test kills the worker there, puts the bytes back and
starts the second worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from email import policy
from pathlib import Path

import pytest
from django.conf import settings

from klient.conversations.models import Message
from klient.core import blobs
from klient.core.models import Event
from klient.mail import actions, tasks
from klient.mail.models import InboundMail
from support import customer_email, database_url

pytestmark = pytest.mark.django_db(transaction=True)

KLIENT = str(Path(sys.executable).with_name("klient"))
FIRST_BATCH = 100  # mail.actions.process_received's batch
N = FIRST_BATCH + 40


def email_bytes(n: int) -> bytes:
    return customer_email(
        f"customer{n}@example.com",
        f"Parcel {n} is missing",
        f"Where is parcel {n}?\n",
        f"<takeover-{n}@example.com>",
    ).as_bytes(policy=policy.SMTP)


def wait_until(condition, what: str, timeout: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def start_worker(lease_seconds: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "KLIENT_DATA_DIR": str(settings.DATA_DIR),
        "KLIENT_LOG_LEVEL": "WARNING",
        "KLIENT_LEASE_SECONDS": str(lease_seconds),
    }
    env.pop("REDIS_URL", None)
    return subprocess.Popen(
        [KLIENT, "worker"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def held_lease():  # type: ignore[no-untyped-def]
    return InboundMail.objects.filter(state="processing").latest("lease_until").lease_until


def stop(worker: subprocess.Popen[bytes], sig: int) -> None:
    if worker.poll() is None:
        worker.send_signal(sig)
    worker.wait(timeout=60)


def test_a_killed_workers_batch_is_taken_over_and_stored_once(support_team):
    raws = [email_bytes(n) for n in range(N)]
    accepted = [actions.accept_raw(raw, source="smtp", team_id=support_team.pk)[0] for raw in raws]
    # Mail in the middle of the second batch: the first worker blocks reading it.
    held_back = accepted[FIRST_BATCH + 20]
    blob = blobs.path_for(held_back.raw_blob)
    blob.unlink()
    os.mkfifo(blob)

    first = start_worker(lease_seconds=3)
    try:
        tasks.process_inbound.enqueue(accepted[0].pk)
        # The first batch is stored, the second claimed: the worker is stuck on the pipe.
        wait_until(
            lambda: (
                InboundMail.objects.filter(state="done").count() == FIRST_BATCH
                and InboundMail.objects.filter(state="processing").count() == N - FIRST_BATCH
            ),
            "the first worker to hold the second batch",
        )
        # While it is stuck, its heartbeat keeps renewing the lease of what it holds.
        claimed_until = held_lease()
        wait_until(lambda: held_lease() > claimed_until, "the first worker to renew its lease")
    finally:
        stop(first, signal.SIGKILL)
    blob.unlink()
    blobs.store(raws[FIRST_BATCH + 20], durable=True)

    second = start_worker(lease_seconds=3)
    try:
        wait_until(
            lambda: InboundMail.objects.filter(state="done").count() == N,
            "the second worker to take the batch over",
        )
    finally:
        stop(second, signal.SIGTERM)

    assert set(InboundMail.objects.values_list("state", flat=True)) == {"done"}
    message_ids = list(Message.objects.values_list("message_id", flat=True))
    assert sorted(message_ids) == sorted(f"<takeover-{n}@example.com>" for n in range(N))
    received = Counter(
        Event.objects.filter(kind="message.received").values_list("data__message", flat=True)
    )
    assert len(received) == N
    assert set(received.values()) == {1}
    # The dead worker's attempt counts: the taken-over rows were claimed twice.
    assert set(
        InboundMail.objects.filter(pk__in=[i.pk for i in accepted[FIRST_BATCH:]]).values_list(
            "attempts", flat=True
        )
    ) == {2}
