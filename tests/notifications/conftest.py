"""Notifications for Anna and Bruno about Support's and Billing's conversations."""

from __future__ import annotations

import pytest


@pytest.fixture
def tell():
    """tell(user, text, conversation=None, email=False) -> Notification, as a domain would."""
    from klient.notifications.actions import notify

    def _tell(user, text, conversation=None, *, email=False):
        url = f"/c/{conversation.reference}/" if conversation else ""
        [notification] = notify(
            [user], kind="test", text=text, conversation=conversation, url=url, email=email
        )
        return notification

    return _tell


@pytest.fixture
def luc(support_team, receive):
    return receive(support_team, "luc@client.fr", "Coupure", "Le courant a sauté.").conversation


@pytest.fixture
def api(call):
    """api(user, method, url, body=None) -> response, with the user's bearer token."""
    return call
