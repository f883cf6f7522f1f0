"""The attachments of an outbound message as MIME parts of its email."""

from __future__ import annotations

from collections.abc import Iterable
from email.message import EmailMessage

from klient.conversations.models import Attachment
from klient.core import blobs

from .uploads import OCTET_STREAM, content_type_of


def add_attachments(email: EmailMessage, attachments: Iterable[Attachment]) -> None:
    """Add each attachment as a base64 part (bytes unchanged, text files too), under its
    (normalised) filename. Called once the body is set: the email becomes
    multipart/mixed, its body (plain, or multipart/alternative) first. ValueError when a
    file's content is missing, so the delivery fails with that reason instead of sending
    an email without it."""
    for attachment in attachments:
        try:
            data = blobs.load(attachment.blob)
        except (FileNotFoundError, ValueError):
            raise ValueError(
                f"the content of attachment #{attachment.pk} ({attachment.filename}) is missing"
            ) from None
        maintype, _, subtype = content_type_of(attachment.content_type).partition("/")
        if maintype in ("multipart", "message"):
            # Those may not be base64 (RFC 2046): sent as the file they are, a byte stream.
            maintype, _, subtype = OCTET_STREAM.partition("/")
        email.add_attachment(data, maintype=maintype, subtype=subtype, filename=attachment.filename)
