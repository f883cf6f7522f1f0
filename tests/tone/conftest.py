"""Fixtures for the tone guard's tests: API calls with a bearer token, and Luc's
conversation in French and Marta's in German (the consultant of story 5)."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def api(client):
    """api(user, method, url, body=None) -> response, with the user's token."""

    def _call(user, method, url, body=None):
        headers = {"Authorization": f"Bearer {user.api_token}"}
        if body is None:
            return getattr(client, method)(url, headers=headers)
        return getattr(client, method)(
            url, data=json.dumps(body), content_type="application/json", headers=headers
        )

    return _call


@pytest.fixture
def luc(support_team, receive):
    return receive(
        support_team, "luc@client.fr", "Rendez-vous", "Je ne pourrai pas venir.", language="fr"
    ).conversation


@pytest.fixture
def client_of_three_years(support_team, receive):
    """Story 5: a long-standing client of the consultant, writing in German."""
    return receive(
        support_team,
        "frau.weber@kundin.de",
        "Termin am Donnerstag",
        "Guten Tag, wir sehen uns am Donnerstag. Viele Grüße, Weber",
        language="de",
    ).conversation
