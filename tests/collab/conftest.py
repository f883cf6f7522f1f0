"""Fixtures for the collab tests: signed-in clients per persona, a French customer's
invoice question in Support, and the API caller."""

from __future__ import annotations

import pytest


@pytest.fixture
def agent_carla(billing_team):
    """Carla, Bruno's colleague in Billing."""
    from klient.people.actions import create_agent

    user, token = create_agent(
        "carla@shop.example", name="Carla Rossi", teams=[billing_team], password="pw-carla-123"
    )
    user.api_token = token
    return user


@pytest.fixture
def invoice_question(support_team, receive, agent_anna):
    """A French customer writes to Support about an invoice; Anna has it."""
    from klient.conversations.actions import update_conversation

    message = receive(
        support_team,
        "camille@exemple.fr",
        "Facture en double",
        "Bonjour, j'ai reçu deux factures pour la même commande n° 5512. Laquelle payer ?",
        from_name="Camille Dubois",
        language="fr",
    )
    return update_conversation(message.conversation, actor=agent_anna, assignee=agent_anna)
