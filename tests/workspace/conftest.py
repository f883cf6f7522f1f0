"""Fixtures for the workspace tests: a page of Debian's Chromium for the browser tests (the
signed-in Django test clients per persona are in the root conftest.py)."""

from __future__ import annotations

import pytest


@pytest.fixture
def browser_page(chromium):
    """A page of Debian's Chromium (Playwright), 1280×900, for the browser tests."""
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(15_000)
    return page
