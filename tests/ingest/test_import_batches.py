"""Importing in batches: the raw bytes of a batch are made durable together, processed
from memory, and every message ends stored once or quarantined — across batch edges,
with duplicates inside one batch and with mail accepted before."""

from __future__ import annotations

from email import policy
from pathlib import Path

import pytest

from klient.conversations.models import Message
from klient.core import blobs
from klient.core.models import Event
from klient.mail import actions, importer
from klient.mail.models import InboundMail
from support import customer_email

pytestmark = pytest.mark.django_db


def email(n: int) -> bytes:
    return customer_email(
        f"Customer {n} <customer{n}@example.com>",
        f"Question {n}",
        f"Hello, this is question number {n}.\n",
        f"<batch-{n}@example.com>",
    ).as_bytes(policy=policy.default)


def test_every_message_is_stored_once_across_batch_edges(support_team, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "ACCEPT_BATCH", 4)
    monkeypatch.setattr(importer, "PROCESS_BATCH", 3)
    folder = tmp_path / "export"
    folder.mkdir()
    for n in range(11):
        (folder / f"{n:02d}.eml").write_bytes(email(n))
    (folder / "03-copy.eml").write_bytes(email(3))  # the same bytes, in the same batch
    (folder / "10-copy.eml").write_bytes(email(1))  # the same bytes, in a later batch
    (folder / "broken.eml").write_bytes(b"To: support@shop.example\r\n\r\nno sender\r\n")
    actions.accept_raw(email(7), source="smtp")  # accepted before, not processed yet

    summary = importer.import_path(folder, progress=False)

    assert (summary.seen, summary.stored, summary.duplicates, summary.quarantined) == (
        14,
        11,
        2,
        1,
    )
    assert Message.objects.count() == 11
    assert Message.objects.values("message_id").distinct().count() == 11
    assert InboundMail.objects.filter(state="done").count() == 11
    assert Event.objects.filter(kind="message.received").count() == 11


def test_processing_uses_the_bytes_it_is_given_instead_of_reading_them_back(support_team):
    raw = email(1)
    [(inbound, created)] = actions.accept_raw_many([raw], source="import")
    blobs.path_for(inbound.raw_blob).unlink()  # only the copy in memory is left

    outcomes = actions.process_batch([inbound.pk], raws={inbound.raw_blob: raw})

    assert created
    assert outcomes == {inbound.pk: "stored"}
    assert Message.objects.get().subject == "Question 1"


def test_bytes_accepted_twice_in_one_batch_are_one_row(support_team):
    results = actions.accept_raw_many([email(1), email(2), email(1)], source="import")

    assert [created for _, created in results] == [True, True, False]
    assert results[0][0].pk == results[2][0].pk
    assert InboundMail.objects.count() == 2
    assert all(Path(blobs.path_for(row.raw_blob)).exists() for row, _ in results)


def test_a_hint_is_queued_only_when_none_is_waiting_to_start(support_team):
    from django_tasks_db.models import DBTaskResult

    from klient.mail import tasks

    first, _ = actions.accept_raw(email(1), source="smtp")
    second, _ = actions.accept_raw(email(2), source="smtp")

    tasks.wake_inbound_processing(first.pk)
    tasks.wake_inbound_processing(second.pk)  # the first hint has not started: it will see it
    assert DBTaskResult.objects.filter(task_path=tasks.process_inbound.module_path).count() == 1

    DBTaskResult.objects.update(status="RUNNING")  # started: it may have looked already
    tasks.wake_inbound_processing(second.pk)
    assert DBTaskResult.objects.filter(task_path=tasks.process_inbound.module_path).count() == 2


def test_on_redis_a_hint_is_queued_only_when_the_last_one_has_not_started(support_team):
    import redis
    from django.test import override_settings
    from rq.job import Job, JobStatus

    from klient.mail import tasks

    url = "redis://127.0.0.1:6379/8"
    client = redis.Redis.from_url(url)
    client.flushdb()
    first, _ = actions.accept_raw(email(1), source="smtp")
    second, _ = actions.accept_raw(email(2), source="smtp")
    rq_tasks = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    try:
        with override_settings(TASKS=rq_tasks, RQ_QUEUES={"default": {"URL": url}}):
            tasks.wake_inbound_processing(first.pk)
            tasks.wake_inbound_processing(second.pk)  # the first is still queued: it will see it
            assert client.llen("rq:queue:default") == 1

            [queued] = client.lrange("rq:queue:default", 0, -1)
            client.hset(Job.key_for(queued.decode()), "status", JobStatus.STARTED.value)
            tasks.wake_inbound_processing(second.pk)  # started: it may have looked already
            assert client.llen("rq:queue:default") == 2
    finally:
        client.flushdb()
