"""/attachments/{id}: downloads, served so that a browser never renders them."""

from __future__ import annotations

import logging
import re
import unicodedata
from typing import Any
from urllib.parse import quote

from django.http import FileResponse, Http404, HttpRequest
from ninja import Router

from klient.conversations.access import access_attachment
from klient.core import blobs
from klient.mail.filenames import normalise_filename

from .auth import caller
from .schemas import ErrorOut

logger = logging.getLogger(__name__)

router = Router(tags=["attachments"])

# Types a browser handles without running anything; everything else is a byte stream.
SAFE_TYPES = frozenset(
    {
        "application/pdf",
        "application/zip",
        "audio/mpeg",
        "audio/ogg",
        "image/gif",
        "image/jpeg",
        "image/png",
        "image/webp",
        "text/csv",
        "text/plain",
        "video/mp4",
    }
)
_UNSAFE_ASCII = re.compile(r"[^A-Za-z0-9._()+ -]")


def download_type(content_type: str) -> str:
    base = content_type.split(";", 1)[0].strip().lower()
    return base if base in SAFE_TYPES else "application/octet-stream"


def content_disposition(filename: str) -> str:
    """attachment; an ASCII fallback name and the exact name in RFC 5987 filename*."""
    name = normalise_filename(filename)
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    fallback = _UNSAFE_ASCII.sub("_", fallback).strip(" .") or "attachment"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@router.get(
    "/{id}",
    response={401: ErrorOut, 404: ErrorOut},
    summary="Download an attachment",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file, as a download",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def download_attachment(request: HttpRequest, id: int) -> Any:
    attachment = access_attachment(caller(request), id)
    try:
        handle = blobs.path_for(attachment.blob).open("rb")
    except (FileNotFoundError, ValueError):
        logger.error("attachment %s: blob %s is missing", attachment.pk, attachment.blob)
        raise Http404("The content of this attachment is missing.") from None
    response = FileResponse(handle, content_type=download_type(attachment.content_type))
    response["Content-Disposition"] = content_disposition(attachment.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-cache"
    return response
