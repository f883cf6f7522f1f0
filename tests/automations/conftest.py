"""Fixtures for the automation rules: an administrator's rule, a customer's question in
Support, and the API caller."""

from __future__ import annotations

import json

import pytest


@pytest.fixture
def make_rule(admin_zofia):
    """make_rule(body) -> Rule, saved by Zofia as the API would."""
    from klient.automations.actions import save_rule

    def _make(body):
        return save_rule(body, actor=admin_zofia)

    return _make


@pytest.fixture
def question(support_team, receive):
    """A customer asks Support about a parcel."""
    message = receive(
        support_team,
        "ewa@poczta.pl",
        "Where is my parcel?",
        "Hello, my parcel 4411 has not arrived. Can you check?",
        from_name="Ewa Zielińska",
        language="en",
    )
    return message.conversation


@pytest.fixture
def call(client):
    """call(user, method, url, body=None) -> response, with the user's API token."""

    def _call(user, method, url, body=None):
        headers = {"Authorization": f"Bearer {user.api_token}"}
        if body is None:
            return getattr(client, method)(url, headers=headers)
        return getattr(client, method)(
            url, data=json.dumps(body), content_type="application/json", headers=headers
        )

    return _call
