"""Mail that waited before being processed (a worker outage, a quarantine retry) starts the
clock when it reached Klient: the customer has been waiting since then."""

from datetime import UTC, datetime, timedelta

import pytest

from klient.sla.models import ConversationSla

pytestmark = pytest.mark.usefixtures("frozen", "warsaw_hours", "standard_policy")

MONDAY_9_WARSAW = datetime(2026, 6, 1, 7, tzinfo=UTC)


def test_the_clock_starts_when_the_mail_arrived_not_when_it_was_processed(
    frozen, receive, support_team, settle
):
    frozen.move_to(MONDAY_9_WARSAW + timedelta(hours=3))  # the worker catches up at noon

    message = receive(
        support_team,
        "ewa@example.pl",
        "Faktura",
        "Proszę o fakturę.",
        received_at=MONDAY_9_WARSAW,
    )
    settle(message.conversation)

    sla = ConversationSla.objects.get(conversation=message.conversation)
    assert sla.started_at == MONDAY_9_WARSAW
    assert sla.first_reply_due == MONDAY_9_WARSAW + timedelta(hours=4)
    kinds_and_times = list(message.conversation.events.values_list("kind", "at")[:2])
    assert kinds_and_times == [
        ("conversation.created", MONDAY_9_WARSAW),
        ("message.received", MONDAY_9_WARSAW),
    ]
