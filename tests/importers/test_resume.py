"""Story: an import of 500 tickets is killed halfway (kill -9) and run again. The rerun
continues the same run from its checkpoints: the same counts as an import that was never
interrupted, nothing twice, every attachment's bytes as in the export."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

import klient
from klient import cli
from klient.conversations.models import Attachment, Conversation, Message
from klient.core import blobs
from klient.core.models import Event
from klient.importers.models import ImportedObject, ImportRun
from klient.people.models import Customer, Identity, Organisation
from support import database_url

pytestmark = pytest.mark.django_db(transaction=True)

SRC = Path(klient.__file__).resolve().parent.parent


def wait_until(condition, what: str, timeout: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)


def start_import(folder: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "klient.settings",
        "DATABASE_URL": database_url(),
        "KLIENT_DATA_DIR": str(settings.DATA_DIR),
        "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), os.environ.get("PYTHONPATH")])),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "klient.cli", "import", "zendesk", str(folder), "--no-progress"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def test_an_import_killed_halfway_and_rerun_has_the_counts_of_an_uninterrupted_one(
    zendesk_export, support_team, agent_anna, capsys
):
    folder, expected = zendesk_export
    half = expected.counts["ticket"] // 2
    importer = start_import(folder)

    def tickets_checkpointed() -> int:
        if importer.poll() is not None:
            output = importer.stdout.read().decode()
            raise AssertionError(f"the import exited early ({importer.returncode}):\n{output}")
        return ImportedObject.objects.filter(kind="ticket", skipped="").count()

    try:
        wait_until(lambda: tickets_checkpointed() >= half, "half of the tickets")
    finally:
        importer.send_signal(signal.SIGKILL)
        importer.wait()
        importer.stdout.close()
    done_when_killed = ImportedObject.objects.filter(kind="ticket", skipped="").count()
    assert done_when_killed < expected.counts["ticket"], "killed too late"
    # What the checkpoints say is exactly what is stored: no conversation without its row.
    assert Conversation.objects.count() == done_when_killed
    assert ImportRun.objects.get().state == "running"

    assert cli.main(["import", "zendesk", str(folder), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "resumed: attempt 2" in out

    run = ImportRun.objects.get()
    assert run.state == "finished" and run.attempts == 2
    imported = {
        kind: ImportedObject.objects.filter(kind=kind, skipped="").count()
        for kind in expected.counts
    }
    assert imported == expected.counts
    assert Conversation.objects.count() == expected.counts["ticket"]
    assert Message.objects.count() == expected.counts["comment"]
    assert Attachment.objects.count() == expected.counts["attachment"]
    assert Customer.objects.count() == expected.counts["user"]
    assert Organisation.objects.count() == expected.counts["organization"]
    assert Identity.objects.filter(kind="email").values("value").distinct().count() == (
        Identity.objects.filter(kind="email").count()
    )
    assert Event.objects.filter(kind="import.ticket").count() == expected.counts["ticket"]
    assert Event.objects.filter(kind="conversation.created").count() == expected.counts["ticket"]
    for source_id, klient_id in ImportedObject.objects.filter(kind="attachment").values_list(
        "source_id", "klient_id"
    ):
        stored = Attachment.objects.get(pk=klient_id)
        assert blobs.load(stored.blob) == expected.attachments[int(source_id)]
    skipped = set(ImportedObject.objects.exclude(skipped="").values_list("kind", "source_id"))
    assert ("ticket", "13") in skipped and ("line", "tickets.json:121") in skipped
    assert len(skipped) == sum(expected.skipped.values())
