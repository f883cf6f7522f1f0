"""Live tests: a fresh in-memory channel layer each, and the test database kept open."""

from __future__ import annotations

import pytest
from channels.layers import channel_layers


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """Each test gets a new in-memory layer: its queues belong to the test's event loop."""
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


@pytest.fixture(autouse=True)
def keep_test_connection(request, monkeypatch):
    """Consumers in a communicator test run their database work in the test's thread and
    call close_old_connections around it, as they must in a server; inside the test's
    transaction that would break the test's connection (channels' own communicator does
    the same). Not under a real server: its threads must close theirs."""
    if "asgi_server" not in request.fixturenames:
        monkeypatch.setattr("channels.db.close_old_connections", lambda: None)
