"""/uploads: a file to attach to a reply, a note or a new conversation (by its id)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import File, Router, Status
from ninja.files import UploadedFile

from klient.conversations.uploads import UploadTooLarge, check_size, describe
from klient.mail.uploads import upload_file

from .auth import caller
from .schemas import ErrorOut, UploadOut

router = Router(tags=["uploads"])


@router.post(
    "",
    response={201: UploadOut, 401: ErrorOut, 413: ErrorOut, 422: ErrorOut},
    summary="Upload a file to attach",
)
def post_upload(request: HttpRequest, file: File[UploadedFile]) -> Any:
    """multipart/form-data with the file in the field `file`. The file is yours alone
    until a reply, a note or a new conversation takes it (`"attachments": [id]`); it can
    be attached once. Larger than KLIENT_MAX_MESSAGE_BYTES: 413."""
    try:
        check_size(file.size or 0)  # before reading it into memory
        upload = upload_file(
            actor=caller(request),
            filename=file.name or "",
            content_type=file.content_type or "",
            data=file.read(),
        )
    except UploadTooLarge as exc:
        return Status(413, {"detail": " ".join(exc.messages)})
    return Status(201, describe(upload))
