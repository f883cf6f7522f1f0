"""A customer's data as a zip: customer.json (every domain's part, docs/privacy.md) and
the files Klient keeps for them (attachments, raw mail), read from core.blobs."""

from __future__ import annotations

import json
import logging
import tempfile
import zipfile
from typing import IO, Any

from django.utils import timezone

from klient.core import blobs
from klient.people.models import Customer

from .domains import modules
from .scope import for_customer

logger = logging.getLogger(__name__)

FORMAT = "klient.customer-export"
VERSION = 1
# Exports stay in memory up to this size, then spill to a temporary file.
IN_MEMORY = 16 * 1024 * 1024


def customer_data(customer: Customer) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """customer.json's content, and the files to add: (path in the zip, blob digest)."""
    scope = for_customer(customer)
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": timezone.now().isoformat(),
    }
    files: list[tuple[str, str]] = []
    for domain in modules():
        data.update(domain.export(scope))
        if hasattr(domain, "files"):
            files += domain.files(scope)
    data["missing_files"] = []
    return data, files


def counts(data: dict[str, Any]) -> dict[str, int]:
    """How many records of each kind an export holds (for its event)."""
    return {key: len(value) for key, value in data.items() if isinstance(value, list)}


def write_zip(customer: Customer, out: IO[bytes]) -> dict[str, Any]:
    """Write the customer's export to `out`; returns customer.json's content. A file
    missing from disk is listed in "missing_files" rather than failing the export."""
    data, files = customer_data(customer)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        written: set[str] = set()
        for path, digest in files:
            if path in written:
                continue
            try:
                archive.write(blobs.path_for(digest), arcname=path)
            except (FileNotFoundError, ValueError):
                logger.error("export of customer %s: blob %s is missing", customer.pk, digest)
                data["missing_files"].append(path)
                continue
            written.add(path)
        archive.writestr("customer.json", json.dumps(data, indent=2, ensure_ascii=False))
    return data


def export_file(customer: Customer) -> tuple[IO[bytes], dict[str, Any]]:
    """The zip in a temporary file (rewound), and customer.json's content."""
    out = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY)  # noqa: SIM115 (the caller closes it)
    data = write_zip(customer, out)
    out.seek(0)
    return out, data
