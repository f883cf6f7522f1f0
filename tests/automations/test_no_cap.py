"""No per-run cap: 2,500 conversations due at once all fire in one call of the sweep, batch
after batch, none left for a later run."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from klient.automations.engine import BATCH_SIZE, schedule_existing, sweep_due_timers
from klient.automations.models import Firing, Timer
from klient.conversations.models import Conversation
from klient.people.models import Customer

DUE = 2500


def test_every_due_conversation_fires_in_one_sweep(make_rule, support_team):
    long_ago = timezone.now() - timedelta(days=30)
    customer = Customer.objects.create(name="Many Questions")
    Conversation.objects.bulk_create(
        Conversation(
            subject=f"Question {number}",
            status="pending",
            team=support_team,
            customer=customer,
            created_at=long_ago,
            updated_at=long_ago,
        )
        for number in range(DUE)
    )
    Conversation.objects.create(  # not in the state: no timer
        subject="Open",
        status="open",
        team=support_team,
        customer=customer,
        created_at=long_ago,
        updated_at=long_ago,
    )
    rule = make_rule(
        {
            "name": "Pending too long",
            "when": {"after": {"minutes": 60, "since": "status:pending"}},
            "then": [{"action": "set_priority", "value": "high"}],
        }
    )
    assert schedule_existing(rule) == DUE
    assert DUE > 4 * BATCH_SIZE

    assert sweep_due_timers() == DUE
    assert not Timer.objects.filter(state=Timer.State.SCHEDULED).exists()
    assert Firing.objects.filter(outcome=Firing.Outcome.FIRED).count() == DUE
    assert Conversation.objects.filter(priority="high").count() == DUE
    assert sweep_due_timers() == 0
