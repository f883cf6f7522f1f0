"""The bank of story 4: Anna Kowalska, a personal advisor, and Piotr Nowak, her
substitute; Ewa Wiśniewska, their colleague. Mrs Zielińska is Anna's customer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone


@pytest.fixture
def bank_team(db):
    from klient.people.actions import create_team

    return create_team("Private banking", address="advisors@bank.example")


def _agent(email, name, team, **fields):
    from klient.people.actions import create_agent

    user, token = create_agent(email, name=name, teams=[team], **fields)
    user.api_token = token
    return user


@pytest.fixture
def anna(bank_team):
    return _agent("anna.kowalska@bank.example", "Anna Kowalska", bank_team, languages=["pl"])


@pytest.fixture
def piotr(bank_team):
    return _agent("piotr.nowak@bank.example", "Piotr Nowak", bank_team, languages=["pl", "en"])


@pytest.fixture
def ewa(bank_team):
    return _agent("ewa.wisniewska@bank.example", "Ewa Wiśniewska", bank_team)


@pytest.fixture
def mrs_zielinska(anna):
    """Anna's long-standing customer, who writes in Polish from Warsaw."""
    from klient.people.actions import find_or_create_customer_by_email
    from klient.people.ownership import set_customer_owner

    customer = find_or_create_customer_by_email("h.zielinska@poczta.example", "Halina Zielińska")
    customer.language, customer.time_zone = "pl", "Europe/Warsaw"
    customer.save(update_fields=["language", "time_zone"])
    return set_customer_owner(customer, anna, actor=None)


@pytest.fixture
def anna_away(anna, piotr):
    """Anna is on holiday since this morning for a week; Piotr covers for her."""
    from klient.people.actions import create_absence

    now = timezone.now()
    return create_absence(
        anna,
        actor=None,
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(days=7),
        reason="Urlop w Tatrach",
        substitute_agent=piotr,
    )


@pytest.fixture
def write(bank_team, receive):
    """write(subject, body) -> the conversation, once its events are handled."""
    from klient.core.wiring import dispatch_pending

    def _write(subject, body, **fields):
        message = receive(
            bank_team,
            "h.zielinska@poczta.example",
            subject,
            body,
            from_name="Halina Zielińska",
            language="pl",
            **fields,
        )
        dispatch_pending()
        message.conversation.refresh_from_db()
        return message.conversation

    return _write
