"""Files agents attach to replies, notes and new conversations: stored first as an Upload
of the agent who sent it, then taken by one message, where it becomes an Attachment.

The bytes are named, typed and stored by the mail domain as inbound attachments are
(klient.mail.uploads.upload_file, which calls record_upload here); this module keeps the
rows and the rules: the size limit, one message per upload, and the uploader only."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from . import events
from .incoming import IncomingAttachment
from .models import Attachment, Message, Upload

# More would make an email no relay takes; an agent rarely needs a tenth.
MAX_ATTACHMENTS = 20


class UploadTooLarge(ValidationError):
    """A file (or an email's files together) over KLIENT_MAX_MESSAGE_BYTES; the API
    answers 413."""


class AlreadyAttached(ValidationError):
    """An upload a message already took; the API answers 409."""


def max_bytes() -> int:
    return int(settings.KLIENT_MAX_MESSAGE_BYTES)


def megabytes(size: int) -> str:
    return f"{size / 2**20:.1f}".removesuffix(".0")


def check_size(size: int) -> None:
    """Refuse a file larger than an email may be (before its bytes are read)."""
    if size > max_bytes():
        raise UploadTooLarge(
            f"The file is larger than {megabytes(max_bytes())} MB, the largest message "
            "Klient takes (KLIENT_MAX_MESSAGE_BYTES)."
        )


def record_upload(*, actor: Any, stored: IncomingAttachment) -> Upload:
    """The Upload row of a file whose bytes are stored (blob) and whose name is
    normalised, and its upload.stored event."""
    check_size(stored.size)
    with transaction.atomic():
        upload = Upload.objects.create(
            uploader=actor,
            filename=stored.filename,
            content_type=stored.content_type,
            size=stored.size,
            blob=stored.blob,
            created_at=timezone.now(),
        )
        events.upload_stored(upload, actor=actor)
    return upload


def describe(upload: Upload) -> dict[str, Any]:
    """What an upload's sender is told of it (the API's and the workspace's answer)."""
    return {
        "id": upload.pk,
        "filename": upload.filename,
        "size": upload.size,
        "content_type": upload.content_type,
    }


def check_attachable(uploads: Sequence[Upload], *, actor: Any, emailed: bool) -> None:
    """Refuse what cannot go with a message: too many files, another agent's upload, one
    a message already took, and files too large together for one email (`emailed`)."""
    if len(uploads) > MAX_ATTACHMENTS:
        raise ValidationError(f"At most {MAX_ATTACHMENTS} attachments per message.")
    for upload in uploads:
        if upload.uploader_id != getattr(actor, "pk", None):
            # access_uploads lets no one reach this; an action never trusts that alone.
            raise ValidationError(f"Upload {upload.pk} is not yours to attach.")
        if upload.attachment_id is not None:
            raise AlreadyAttached(
                f"Upload {upload.pk} ({upload.filename}) is already attached to another "
                "message; upload the file again to send it once more."
            )
    total = sum(upload.size for upload in uploads)
    if emailed and total > max_bytes():
        raise UploadTooLarge(
            f"The attachments together are larger than {megabytes(max_bytes())} MB, the "
            "largest message Klient sends (KLIENT_MAX_MESSAGE_BYTES)."
        )


def locked(uploads: Sequence[Upload]) -> list[Upload]:
    """The uploads again, locked for this transaction, in the order given (once each)."""
    ids = list(dict.fromkeys(upload.pk for upload in uploads))
    rows = {u.pk: u for u in Upload.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    return [rows[pk] for pk in ids if pk in rows]


def attach(message: Message, uploads: Sequence[Upload]) -> list[Attachment]:
    """Each upload becomes an Attachment of `message` (the same blob: content-addressed,
    never copied). The uploads are locked and checked (check_attachable) by the caller,
    inside the transaction that stores the message."""
    attachments = []
    for upload in uploads:
        attachment = Attachment.objects.create(
            message=message,
            filename=upload.filename,
            content_type=upload.content_type,
            size=upload.size,
            blob=upload.blob,
        )
        upload.attachment = attachment
        upload.save(update_fields=["attachment"])
        attachments.append(attachment)
    return attachments
