"""Webhook tests: a real receiver on loopback (allowed by KLIENT_WEBHOOK_ALLOWED_HOSTS, as
an operator would allow an internal host), and API calls as Zofia, the administrator."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from receiver import Receiver, start_receiver


@pytest.fixture(autouse=True)
def loopback_allowed(settings):
    settings.KLIENT_WEBHOOK_ALLOWED_HOSTS = "127.0.0.1,localhost"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    started = start_receiver()
    try:
        yield started
    finally:
        started.server.shutdown()
        started.server.server_close()


@pytest.fixture
def api(call):
    """api(user, method, url, body=None) -> response, with the user's API token."""
    return call


@pytest.fixture
def subscribe(api, admin_zofia):
    """subscribe(url, events) -> (id, secret): Zofia adds a webhook through the API."""

    def _subscribe(url, events=("conversation.created",), description=""):
        response = api(
            admin_zofia,
            "post",
            "/api/v1/webhooks",
            {"url": url, "events": list(events), "description": description},
        )
        assert response.status_code == 201, response.content
        return response.json()["id"], response.json()["secret"]

    return _subscribe
