"""Files handed to Klient over the web, by agents (uploads) and customers (the portal):
named, typed and stored exactly as the attachments of inbound mail are."""

from __future__ import annotations

import re
from typing import Any

from klient.conversations import uploads
from klient.conversations.incoming import IncomingAttachment
from klient.conversations.models import Upload
from klient.core import blobs

from .filenames import normalise_filename

_CONTENT_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,62}/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}")
OCTET_STREAM = "application/octet-stream"


def content_type_of(declared: str) -> str:
    """The declared type if it is a plain `type/subtype`, else a byte stream. Downloads
    never trust it anyway (api.attachments.download_type)."""
    content_type = (declared or "").split(";", 1)[0].strip().lower()
    return content_type if _CONTENT_TYPE.fullmatch(content_type) else OCTET_STREAM


def stored_attachment(filename: str, content_type: str, data: bytes) -> IncomingAttachment:
    """The file's bytes stored (content-addressed, on disk when this returns) under its
    normalised name."""
    return IncomingAttachment(
        filename=normalise_filename(filename),
        content_type=content_type_of(content_type),
        blob=blobs.store(data),
        size=len(data),
    )


def upload_file(*, actor: Any, filename: str, content_type: str, data: bytes) -> Upload:
    """An agent's upload, to attach to a reply, a note or a new conversation later:
    UploadTooLarge over KLIENT_MAX_MESSAGE_BYTES, checked before anything is stored."""
    uploads.check_size(len(data))
    return uploads.record_upload(
        actor=actor, stored=stored_attachment(filename, content_type, data)
    )
