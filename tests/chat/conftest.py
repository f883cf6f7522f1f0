"""Chat tests: a real uvicorn server serving klient.asgi, a fresh in-memory channel layer
each, and Support allowing the shop's site."""

from __future__ import annotations

import pytest
from channels.layers import channel_layers

SHOP = "https://shop.example"


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """Each test gets a new in-memory layer: its queues belong to that test's server loop."""
    channel_layers.backends = {}
    yield
    channel_layers.backends = {}


@pytest.fixture
def chat_server(asgi_server, settings):
    """The server, with KLIENT_BASE_URL its own address (so the desk's origin is its own)."""
    settings.KLIENT_BASE_URL = asgi_server.url
    return asgi_server


@pytest.fixture
def shop_support(support_team):
    """Support, whose widget is on the shop's site."""
    from klient.chat.actions import set_allowed_origins

    set_allowed_origins(support_team, [SHOP], actor=None)
    return support_team
