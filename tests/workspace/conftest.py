"""Fixtures for the workspace tests: signed-in browsers (Django test clients) per persona."""

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
