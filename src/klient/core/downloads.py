"""A stored file handed to a browser: always a download it may neither sniff nor run."""

from __future__ import annotations

from django.http import FileResponse

from klient.core import blobs


def safe_download(blob: str, filename: str) -> FileResponse:
    response = FileResponse(
        blobs.path_for(blob).open("rb"),
        as_attachment=True,
        filename=filename or "attachment",
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
