"""Fixtures for the automation rules: an administrator's rule, a customer's question in
Support, and the API caller."""

from __future__ import annotations

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
