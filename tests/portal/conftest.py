"""Portal fixtures: customers with conversations, signing in through a real magic link."""

from __future__ import annotations

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate-limit counters live in the cache; each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def ola_conversation(support_team, receive):
    """Ola, a customer, asked Support for a VAT invoice by email."""
    return receive(
        support_team, "ola@example.com", "Faktura VAT", "Dzień dobry, proszę o fakturę VAT."
    ).conversation


@pytest.fixture
def tom_conversation(support_team, receive):
    """Tom, another customer, wrote to Support too."""
    return receive(support_team, "tom@example.com", "Lost phone", "I lost my phone.").conversation
