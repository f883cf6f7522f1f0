"""Phone tests: the desk's secrets for each provider, Support's number, and requests
with an agent's token (as tests/api does)."""

from __future__ import annotations

import pytest

from api.conftest import call  # noqa: F401  (requests with an agent's token)

GENERIC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
TWILIO_TOKEN = "12345678901234567890123456789012"
VONAGE_SECRET = "vonage-signature-secret-for-tests"
AIRCALL_TOKEN = "45b5f2a31a9e4d6e8f0c1b2a3d4e5f60"
SUPPORT_NUMBER = "+48221234567"


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
