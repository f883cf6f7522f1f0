"""Content-addressed blobs: stored once, found where they were stored, old layout too."""

from __future__ import annotations

import os

from klient.core import blobs

RAW = "Dzień dobry, faktura w załączniku.".encode("iso-8859-2", "replace")


def test_a_blob_is_stored_under_one_folder_named_by_its_digest(settings, tmp_path):
    settings.KLIENT_BLOB_DIR = tmp_path / "blobs"

    digest = blobs.store(RAW)

    assert blobs.path_for(digest) == tmp_path / "blobs" / digest[:2] / digest
    assert blobs.load(digest) == RAW
    assert blobs.store(RAW) == digest
    assert os.listdir(tmp_path / "blobs" / digest[:2]) == [digest]  # no temporary left


def test_a_blob_stored_in_the_earlier_two_level_layout_is_still_found(settings, tmp_path):
    settings.KLIENT_BLOB_DIR = tmp_path / "blobs"
    digest = blobs.digest_of(RAW)
    earlier = tmp_path / "blobs" / digest[:2] / digest[2:4] / digest
    earlier.parent.mkdir(parents=True)
    earlier.write_bytes(RAW)

    assert blobs.load(digest) == RAW
    assert blobs.store(RAW) == digest  # already there: not written a second time
    assert not (tmp_path / "blobs" / digest[:2] / digest).exists()
