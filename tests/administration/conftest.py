"""Signed-in browsers (Django's test client) for the settings and profile pages."""

from __future__ import annotations

import pytest
from django.test import Client


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def zofia_client(admin_zofia) -> Client:
    return signed_in(admin_zofia)


@pytest.fixture
def anna_client(agent_anna) -> Client:
    return signed_in(agent_anna)
