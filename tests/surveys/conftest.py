"""Fixtures for the survey tests: the API caller, Support with surveys on and Anna as its
lead, and a French customer's question that Anna has."""

from __future__ import annotations

import pytest


@pytest.fixture
def lead_anna(support_team, agent_anna, admin_zofia):
    """Anna leads Support."""
    from klient.people.admin_actions import update_team

    update_team(support_team, actor=admin_zofia, lead=agent_anna)
    return agent_anna


@pytest.fixture
def surveys_on(support_team, admin_zofia):
    """surveys_on(**settings): Support's surveys switched on (by default at once, good/bad,
    no comment) through the actions the API and the settings page use."""
    from klient.surveys.actions import update_settings

    def _on(**values):
        values = {"enabled": True, "delay_minutes": 0, "scale": "good_bad", **values}
        return update_settings(support_team, actor=admin_zofia, **values)

    return _on


@pytest.fixture
def french_question(support_team, receive, agent_anna):
    """Camille writes to Support in French about a double invoice; Anna has it."""
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
