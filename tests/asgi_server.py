"""A real ASGI server (uvicorn, in a thread of the test process) serving klient.asgi, so
browser tests get HTTP and WebSockets exactly as `klient serve` runs them, with the
in-memory channel layer shared with the test (the worker's handlers run in the test thread,
as the embedded worker thread does).

It serves the test database, so the test must commit: `@pytest.mark.django_db(transaction=True)`.

    @pytest.mark.django_db(transaction=True)
    def test_x(asgi_server, chromium, agent_anna):
        page = asgi_server.page_for(chromium, agent_anna)  # signed in, no login form
        page.goto(asgi_server.url + "/")
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connections

from support import free_port


class AsgiServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        import uvicorn

        self.host = host
        self.port = free_port()
        self.url = f"http://{host}:{self.port}"
        config = uvicorn.Config(
            "klient.asgi:application",
            host=host,
            port=self.port,
            lifespan="off",
            log_level="warning",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="asgi-server", daemon=True)

    def start(self, timeout: float = 20.0) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the ASGI server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def session_cookie(self, user: Any) -> dict[str, str]:
        """A signed-in session for `user`, as a Playwright cookie for this server."""
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(user)
        name = settings.SESSION_COOKIE_NAME
        return {"name": name, "value": client.cookies[name].value, "url": self.url}

    def page_for(self, browser: Any, user: Any, **context_options: Any) -> Any:
        """A new browser context signed in as `user`, and a page in it."""
        context = browser.new_context(
            **{"viewport": {"width": 1280, "height": 900}, **context_options}
        )
        context.add_cookies([self.session_cookie(user)])
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page


@pytest.fixture
def asgi_server(transactional_db) -> Iterator[AsgiServer]:
    """klient.asgi on a free port, for browser tests that need WebSockets."""
    # Connections opened by the server's threads are closed after each request, so none
    # outlives the test (PostgreSQL refuses to drop a test database still in use).
    saved = {alias: connections.settings[alias].get("CONN_MAX_AGE") for alias in connections}
    for alias in connections:
        connections.settings[alias]["CONN_MAX_AGE"] = 0
    server = AsgiServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
        for alias, value in saved.items():
            connections.settings[alias]["CONN_MAX_AGE"] = value


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def signed_in_page(browser: Any, url: str, email: str, password: str, **options: Any) -> Any:
    """A new page of `browser` signed in through the sign-in form, as a person does
    (`options` for the page: a phone's viewport, say; 1280×900 by default)."""
    page = browser.new_page(**{"viewport": {"width": 1280, "height": 900}, **options})
    page.set_default_timeout(15_000)
    page.goto(url + "/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("domcontentloaded")
    return page


@pytest.fixture
def chromium() -> Iterator[Any]:
    """Debian's Chromium through Playwright (never a downloaded browser); skips without it."""
    if not Path(CHROMIUM).exists():
        pytest.skip("needs Debian's chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread; its ORM calls are safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # Database work done while Playwright's loop ran (the test's own, in this
            # thread) opened connections that teardown would not otherwise close, and
            # PostgreSQL will not drop a test database that is still in use.
            connections.close_all()
