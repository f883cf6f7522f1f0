"""A worker asked to stop (SIGTERM on a deploy) stops after the batch in hand, not after the
whole backlog; what is left waits in its durable rows for the next worker."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import redis
from django.db import transaction
from rq import Queue
from rq.exceptions import StopRequested

from event_kinds import ExampleKind
from klient.core import shutdown, wiring
from klient.core.events import append
from klient.core.models import PendingEvent
from klient.core.worker import rq_worker_class
from klient.mail import actions, tasks
from klient.mail.models import InboundMail
from support import database_url, free_port, port_open

# Databases no other test uses: 12 for workers built in this process (they write no keys),
# 13 for the `klient worker` processes, which it empties before and after.
REDIS_TEST_URL = "redis://127.0.0.1:6379/12"
REDIS_WORKER_URL = "redis://127.0.0.1:6379/13"

handled: list[list[int]] = []


def stop_after_this_batch(event_ids: list[int]) -> None:
    handled.append(list(event_ids))
    if len(handled) == 1:
        shutdown.request()  # as SIGTERM would, while the first batch is being handled


@pytest.fixture
def stop_request(monkeypatch):
    handled.clear()
    monkeypatch.setitem(
        wiring.EVENT_HANDLERS, "test.happened", [f"{__name__}.stop_after_this_batch"]
    )
    shutdown.clear()
    yield
    shutdown.clear()


def publish(count: int) -> list[int]:
    with transaction.atomic():
        events = [append(ExampleKind.HAPPENED, actor_label="test") for _ in range(count)]
        wiring.publish_on_commit(*events)
    return [event.pk for event in events]


@pytest.mark.django_db(transaction=True)
def test_a_stop_request_ends_event_dispatch_after_the_batch_in_hand(stop_request):
    ids = publish(5)

    dispatched = wiring.dispatch_pending(batch=2)

    assert dispatched == 2
    assert handled == [ids[:2]]
    assert sorted(PendingEvent.objects.values_list("event_id", flat=True)) == ids[2:]

    shutdown.clear()  # the next worker drains the rest, each event once
    wiring.dispatch_pending(batch=2)
    assert [i for batch in handled for i in batch] == ids
    assert not PendingEvent.objects.exists()


def mail(number: int) -> bytes:
    return (
        f"From: klient{number}@example.de\r\nTo: support@shop.example\r\n"
        f"Subject: Bestellung {number}\r\nMessage-ID: <bestellung-{number}@example.de>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nWo bleibt meine Bestellung?\r\n"
    ).encode()


@pytest.mark.django_db(transaction=True)
def test_a_stop_request_ends_inbound_processing_after_the_batch_in_hand(
    support_team, stop_request, monkeypatch
):
    ids = [actions.accept_raw(mail(n), source="smtp")[0].pk for n in range(5)]
    process_received = actions.process_received

    def two_at_a_time(first_id, *, batch=100):  # type: ignore[no-untyped-def]
        outcomes = process_received(first_id, batch=2)
        shutdown.request()  # SIGTERM arrives while the first batch is stored
        return outcomes

    monkeypatch.setattr(actions, "process_received", two_at_a_time)

    assert tasks.process_inbound.call(ids[0]) == "stored"

    states = dict(InboundMail.objects.values_list("pk", "state"))
    assert [states[i] for i in ids] == ["done", "done", "received", "received", "received"]


@pytest.fixture
def rq_connection():
    return redis.Redis.from_url(REDIS_TEST_URL)


@pytest.fixture
def worker_redis():
    client = redis.Redis.from_url(REDIS_WORKER_URL)
    client.flushdb()
    yield client
    client.flushdb()


def test_klients_rq_worker_passes_a_stop_signal_on_to_the_running_job(rq_connection):
    shutdown.clear()
    worker = rq_worker_class()(
        [Queue("default", connection=rq_connection)], connection=rq_connection
    )
    try:
        with pytest.raises(StopRequested):  # idle: RQ stops at once
            worker.request_stop(signal.SIGTERM, None)
        assert shutdown.requested()
    finally:
        shutdown.clear()


def test_the_rq_worker_exits_even_when_its_listener_saw_the_unsubscribe_first(rq_connection):
    """The race that made one `klient worker` exit in ten take a minute: RQ's command
    listener thread handles the UNSUBSCRIBE reply while it is still running, and waits up
    to 60 s for a new subscription before it looks at its stop flag."""
    worker = rq_worker_class()(
        [Queue("default", connection=rq_connection)], connection=rq_connection
    )
    worker.subscribe()
    worker.pubsub.unsubscribe()  # the listener reads the reply and waits for a subscription
    deadline = time.monotonic() + 10
    while worker.pubsub.subscribed and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not worker.pubsub.subscribed

    exiting = threading.Thread(target=worker.unsubscribe, daemon=True)
    exiting.start()
    exiting.join(timeout=15)  # RQ's own unsubscribe() would block for the listener's 60 s

    assert not exiting.is_alive()


KLIENT = str(Path(sys.executable).with_name("klient"))


def rq_worker_idle(client: redis.Redis) -> bool:
    """Whether a worker registered in RQ and waits for jobs (its signal handlers are in
    place by then)."""
    return any(client.hget(key, "state") == b"idle" for key in client.scan_iter("rq:worker:*"))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("queue", ["database", "redis"])
def test_klient_worker_exits_cleanly_on_sigterm(queue, settings, request):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "KLIENT_DATA_DIR": str(settings.DATA_DIR),
        "KLIENT_LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    if queue == "redis":
        worker_redis = request.getfixturevalue("worker_redis")
        env["REDIS_URL"] = REDIS_WORKER_URL
    worker = subprocess.Popen(
        [KLIENT, "worker"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        assert worker.stdout is not None
        assert worker.stdout.readline().decode().startswith("Klient worker running")
        if queue == "redis":
            deadline = time.monotonic() + 30
            while not rq_worker_idle(worker_redis) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert rq_worker_idle(worker_redis)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=60) == 0
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()


@pytest.mark.django_db(transaction=True)
def test_embedded_klient_serve_stops_its_listener_and_worker_on_sigterm(settings):
    web_port, smtp_port = free_port(), free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "KLIENT_DATA_DIR": str(settings.DATA_DIR),
        "KLIENT_LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    serve = subprocess.Popen(
        [KLIENT, "serve", "--port", str(web_port), "--smtp-port", str(smtp_port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not (port_open(web_port) and port_open(smtp_port)):
            assert serve.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        serve.send_signal(signal.SIGTERM)
        # 0, not -15: the web server, the SMTP listener and the worker were all stopped
        assert serve.wait(timeout=60) == 0
        assert not port_open(smtp_port)
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()
