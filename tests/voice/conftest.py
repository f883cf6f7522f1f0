"""Voice of the customer's fixtures: Support's team lead, a customer's messages spread
over past weeks, and API calls with a bearer token."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone


@pytest.fixture
def lead_marta(support_team):
    """Marta, Support's team lead: the manager who sees its topics."""
    from klient.people.actions import create_agent

    user, token = create_agent(
        "marta@shop.example", name="Marta Lead", teams=[support_team], languages=["pl"]
    )
    support_team.lead = user
    support_team.save(update_fields=["lead"])
    user.api_token = token
    return user


@pytest.fixture
def weeks_of_messages(receive, settings):
    """weeks_of_messages(team, [(weeks ago, text), ...], sender=...) -> messages, each
    received that many weeks ago (Wednesday noon of that week)."""
    settings.KLIENT_VOICE_REFRESH_SECONDS = 0

    def _send(team, rows, sender="klientka@bank.example"):
        now = timezone.localtime()
        wednesday = (now - timedelta(days=now.weekday() - 2)).replace(hour=12, minute=0)
        messages = []
        for n, (weeks_ago, text) in enumerate(rows):
            at = wednesday - timedelta(weeks=weeks_ago, minutes=n)
            if at > now:
                at = now - timedelta(minutes=n + 1)
            messages.append(
                receive(team, sender, "Zgłoszenie", text, received_at=at, language="pl")
            )
        return messages

    return _send


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
