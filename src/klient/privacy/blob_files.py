"""Deleting the raw files (core.blobs) an erasure leaves unreferenced: the one exception to
"blobs are never deleted" (docs/decisions/0016-erasure-deletes-blobs.md).

Blobs are content-addressed, so the same bytes (a logo in two customers' signatures) are
one file: a file is deleted only when no row refers to it any more. The digests to delete
are rows written in the erasure's transaction; the files go once it commits, and the sweep
deletes what a crash left, so a rolled-back erasure never loses a file and a committed one
never keeps one."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from klient.conversations.models import Attachment, Message, Upload
from klient.core import blobs
from klient.mail.models import InboundMail
from klient.phone.models import Call

from .models import BlobDeletion

logger = logging.getLogger(__name__)


def release(digests: Iterable[str]) -> int:
    """Queue these files for deletion once the current transaction commits."""
    now = timezone.now()
    rows = [BlobDeletion(digest=d, queued_at=now) for d in sorted(set(digests)) if d]
    if rows:
        BlobDeletion.objects.bulk_create(rows, ignore_conflicts=True)
        transaction.on_commit(delete_released)
    return len(rows)


def still_referenced(digests: set[str]) -> set[str]:
    """The digests some row still names (they must stay on disk)."""
    used: set[str] = set()
    used.update(Message.objects.filter(raw_blob__in=digests).values_list("raw_blob", flat=True))
    used.update(InboundMail.objects.filter(raw_blob__in=digests).values_list("raw_blob", flat=True))
    used.update(Attachment.objects.filter(blob__in=digests).values_list("blob", flat=True))
    used.update(Upload.objects.filter(blob__in=digests).values_list("blob", flat=True))
    used.update(
        Call.objects.filter(recording_blob__in=digests).values_list("recording_blob", flat=True)
    )
    return used


def _unlink(digest: str) -> None:
    try:
        path = blobs.path_for(digest)
    except ValueError:
        return
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def delete_released() -> int:
    """Delete the queued files nothing refers to any more, then their rows. Also the
    sweep (core.wiring.SWEEPS) for what a crash left between commit and deletion."""
    digests = set(BlobDeletion.objects.values_list("digest", flat=True)[:1000])
    if not digests:
        return 0
    used = still_referenced(digests)
    for digest in sorted(digests - used):
        _unlink(digest)
    BlobDeletion.objects.filter(digest__in=digests).delete()
    return len(digests - used)
