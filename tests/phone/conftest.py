"""Phone tests: the desk's secrets for each provider, Support's number, and requests
with an agent's token (as tests/api does)."""

from __future__ import annotations

import pytest
from webhook_requests import (
    AIRCALL_TOKEN,
    GENERIC_SECRET,
    SUPPORT_NUMBER,
    TWILIO_TOKEN,
    VONAGE_SECRET,
)

from api.conftest import luc_power_cut, ola_invoice  # noqa: F401  (Luc, Ola)


@pytest.fixture(autouse=True)
def telephony_secrets(settings):
    settings.KLIENT_TELEPHONY_SECRET = GENERIC_SECRET
    settings.KLIENT_TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.KLIENT_VONAGE_SIGNATURE_SECRET = VONAGE_SECRET
    settings.KLIENT_AIRCALL_TOKEN = AIRCALL_TOKEN
    settings.KLIENT_BASE_URL = "https://desk.shop.example"


@pytest.fixture
def support_number(support_team):
    from klient.people.actions import add_endpoint

    add_endpoint(support_team, kind="phone", value=SUPPORT_NUMBER)
    return SUPPORT_NUMBER
