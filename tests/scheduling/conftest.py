"""Scheduling's personas: Olha, an agent of Support in Kyiv, and her interview."""

from __future__ import annotations

import pytest
from scheduling_helpers import booking_type_body, make_agent


@pytest.fixture
def agent_olha(support_team):
    """Olha, an agent of Support in Kyiv, 09:00-17:00 Monday to Friday."""
    return make_agent("olha@shop.example", "Olha Koval", teams=[support_team])


@pytest.fixture
def interview(agent_olha):
    """Olha's one-hour video interview, bookable up to three years ahead."""
    from klient.scheduling.actions import create_booking_type

    body = booking_type_body(agent_olha)
    return create_booking_type(actor=agent_olha, **body)
