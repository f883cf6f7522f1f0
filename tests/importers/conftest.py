"""A written Zendesk export (tests/importers/make_zendesk_export.py), once per session."""

from __future__ import annotations

from pathlib import Path

import pytest
from make_zendesk_export import Expected, write_export


@pytest.fixture(scope="session")
def zendesk_export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Expected]:
    folder = tmp_path_factory.mktemp("zendesk") / "export"
    return folder, write_export(folder, 500)


@pytest.fixture(scope="session")
def small_export(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Expected]:
    """The same shape with 100 tickets, for tests about what one ticket becomes."""
    folder = tmp_path_factory.mktemp("zendesk-small") / "export"
    return folder, write_export(folder, 100)
