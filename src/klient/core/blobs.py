"""Content-addressed file storage for raw mail and attachments.

A blob is written to a temporary file, flushed to disk and renamed into place, so a
crash never leaves a half-written blob under a valid name. The same bytes are stored once.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import threading
from pathlib import Path

from django.conf import settings


def _root() -> Path:
    return Path(settings.KLIENT_BLOB_DIR)


_DIGEST = re.compile(r"[0-9a-f]{64}")


def path_for(digest: str) -> Path:
    """Where the blob is: `ab/abcd…` (one folder level, as Git stores objects), or
    `ab/cd/abcd…` for blobs stored before 2026-11 (two levels meant a new folder for
    nearly every blob of the first 65,536, which doubled the file system work of storing
    mail)."""
    if not _DIGEST.fullmatch(digest):
        raise ValueError(f"not a sha256 digest: {digest!r}")
    path = _root() / digest[:2] / digest
    if not path.exists():
        earlier = _root() / digest[:2] / digest[2:4] / digest
        if earlier.exists():
            return earlier
    return path


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def store(data: bytes, *, durable: bool = True) -> str:
    """Store bytes and return their sha256 digest. With durable=True the bytes are on
    disk (fsync) when this returns: callers acknowledge receipt only after it.

    Plain os calls, not pathlib: this runs once per message on the ingest hot path."""
    digest = digest_of(data)
    directory = os.path.join(settings.KLIENT_BLOB_DIR, digest[:2])
    target = os.path.join(directory, digest)
    if os.path.exists(target) or os.path.exists(os.path.join(directory, digest[2:4], digest)):
        return digest
    # Unique per process and thread, so concurrent writers of the same bytes never share it.
    tmp = os.path.join(directory, f".tmp-{digest}-{os.getpid()}-{threading.get_ident()}")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    try:
        fd = os.open(tmp, flags, 0o644)
    except FileNotFoundError:
        os.makedirs(directory, exist_ok=True)
        fd = os.open(tmp, flags, 0o644)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return digest


def load(digest: str) -> bytes:
    return path_for(digest).read_bytes()


def sync_all() -> None:
    """Flush every blob written with durable=False to disk (one call for a whole batch)."""
    os.sync()
