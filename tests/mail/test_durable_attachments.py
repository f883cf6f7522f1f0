"""An attachment is on disk before any row names it. An import pays for one flush to disk
per batch, not one per attachment."""

import os
import uuid

import pytest
from django.db import connection

from klient.conversations.models import Attachment
from klient.core import blobs, bulk
from klient.mail import actions
from support import customer_email

pytestmark = pytest.mark.django_db(transaction=True)


def mail_with_attachment(number: int) -> bytes:
    msg = customer_email(
        f"ola{number}@klientka.pl",
        f"Faktura {number}",
        "W załączniku zdjęcie faktury, proszę o korektę.",
        f"<faktura-{number}@klientka.pl>",
    )
    msg.add_attachment(
        # New bytes every run: a blob stored before is not written (nor flushed) again.
        f"faktura {number} {uuid.uuid4()}".encode() * 40,
        maintype="application",
        subtype="pdf",
        filename=f"faktura-{number}.pdf",
    )
    return msg.as_bytes()


@pytest.fixture
def disk_log(monkeypatch):
    """What reached the disk and the database, in order: "fsync" per file flushed,
    "sync" per flush of everything, and the SQL statements."""
    log: list[str] = []
    real_fsync, real_sync_all = os.fsync, blobs.sync_all

    def fsync(fd):
        log.append("fsync")
        return real_fsync(fd)

    def sync_all():
        log.append("sync")
        return real_sync_all()

    def record(execute, sql, params, many, context):
        log.append(sql)
        return execute(sql, params, many, context)

    real_bulk_execute = bulk.execute

    def bulk_execute(sql, params, **kwargs):  # on PostgreSQL, past Django's cursor
        log.append(sql)
        return real_bulk_execute(sql, params, **kwargs)

    monkeypatch.setattr(bulk, "execute", bulk_execute)
    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(blobs, "sync_all", sync_all)
    with connection.execute_wrapper(record):
        yield log


def attachment_insert(log: list[str]) -> int:
    table = Attachment._meta.db_table
    return next(i for i, sql in enumerate(log) if sql.startswith("INSERT") and table in sql)


def test_a_worker_flushes_each_attachment_before_storing_its_row(support_team, disk_log):
    ids = [actions.accept_raw(mail_with_attachment(n), source="smtp")[0].pk for n in range(3)]
    del disk_log[:]

    outcomes = actions.process_batch(ids)

    assert list(outcomes.values()) == ["stored"] * 3
    assert Attachment.objects.count() == 3
    assert "sync" not in disk_log  # never a sync of the whole machine in a worker
    flushes = [i for i, entry in enumerate(disk_log) if entry == "fsync"]
    assert len(flushes) == 3
    assert max(flushes) < attachment_insert(disk_log)
    for attachment in Attachment.objects.all():
        assert blobs.load(attachment.blob).startswith(b"faktura")


def test_mail_analysed_ahead_has_its_attachments_flushed_once_before_their_rows(
    support_team, disk_log
):
    raws = [mail_with_attachment(n) for n in range(3)]
    accepted = actions.accept_raw_many(raws, source="import")
    del disk_log[:]

    analyses = actions.analyse_many(
        {inbound.raw_blob: raw for (inbound, _), raw in zip(accepted, raws, strict=True)}
    )
    outcomes = actions.process_batch([inbound.pk for inbound, _ in accepted], analyses=analyses)

    assert list(outcomes.values()) == ["stored"] * 3
    assert "fsync" not in disk_log
    assert disk_log.count("sync") == 1
    assert disk_log.index("sync") < attachment_insert(disk_log)
