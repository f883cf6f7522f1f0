"""Fixtures for the workspace tests: signed-in Django test clients per persona, and a page
of Debian's Chromium for the browser tests."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.fixture
def anna_client(agent_anna) -> Client:
    client = Client()
    client.force_login(agent_anna)
    return client


@pytest.fixture
def bruno_client(agent_bruno) -> Client:
    client = Client()
    client.force_login(agent_bruno)
    return client


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """The personas have passwords; a real hash costs most of a second by design."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def browser_page():
    """A page of Debian's Chromium (Playwright), 1280×900, for the browser tests."""
    from playwright.sync_api import sync_playwright

    from asgi_server import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(15_000)
            yield page
        finally:
            browser.close()
