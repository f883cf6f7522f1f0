"""Files of a customer's conversations: the attachments of their messages (inbound, and
agents' uploads that became attachments) and uploads waiting in agents' drafts there.

An erased attachment keeps its row (its message's tombstone has it, and its size and
type), without a name, its content the empty file (ERASED_BLOB), so every page that offers
it downloads nothing instead of failing; its own file is deleted from disk when no other
row names the same bytes (klient.privacy.blob_files)."""

from __future__ import annotations

from typing import Any

from klient.conversations.models import Attachment, Draft, Upload
from klient.core import blobs

from ..blob_files import release
from ..records import add, record
from ..scope import Scope

ERASED_NAME = ""
ERASED_BLOB = blobs.digest_of(b"")


def _attachments(scope: Scope) -> Any:
    return Attachment.objects.filter(message__conversation_id__in=scope.conversation_ids).order_by(
        "id"
    )


def _draft_uploads(scope: Scope) -> Any:
    ids: set[int] = set()
    for held in Draft.objects.filter(conversation_id__in=scope.conversation_ids).values_list(
        "attachments", flat=True
    ):
        ids.update(i for i in held or [] if isinstance(i, int))
    return Upload.objects.filter(pk__in=ids, attachment__isnull=True)


def _uploads(scope: Scope) -> Any:
    attached = Upload.objects.filter(attachment__in=_attachments(scope))
    return (attached | _draft_uploads(scope)).order_by("id")


def export(scope: Scope) -> dict[str, Any]:
    rows = []
    for attachment in _attachments(scope):
        row = record(attachment, "message", "filename", "content_type", "size", "content_id")
        row["file"] = None if _erased(attachment) else _zip_path(attachment)
        rows.append(row)
    return {"attachments": rows}


def _erased(row: Attachment | Upload) -> bool:
    return row.blob in ("", ERASED_BLOB) and row.filename == ERASED_NAME


def _zip_path(attachment: Attachment) -> str:
    return f"attachments/{attachment.pk}/{attachment.filename or 'file'}"


def files(scope: Scope) -> list[tuple[str, str]]:
    return [(_zip_path(a), a.blob) for a in _attachments(scope) if not _erased(a)]


def _unerased(scope: Scope) -> tuple[list[Attachment], list[Upload]]:
    return (
        [a for a in _attachments(scope) if not _erased(a)],
        [u for u in _uploads(scope) if not _erased(u)],
    )


def preview(scope: Scope) -> dict[str, int]:
    attachments, uploads = _unerased(scope)
    return {"attachments": len(attachments), "uploads": len(uploads)}


def erase(scope: Scope, counts: dict[str, int]) -> None:
    attachments, uploads = _unerased(scope)
    digests = {a.blob for a in attachments} | {u.blob for u in uploads}
    if attachments or uploads:
        blobs.store(b"")  # the erased content every tombstone names
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).update(
        filename=ERASED_NAME, blob=ERASED_BLOB, content_id=""
    )
    Upload.objects.filter(pk__in=[u.pk for u in uploads]).update(
        filename=ERASED_NAME, blob=ERASED_BLOB
    )
    add(counts, "attachments", len(attachments))
    add(counts, "uploads", len(uploads))
    add(counts, "files", release(digests - {ERASED_BLOB}))
