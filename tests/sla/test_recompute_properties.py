"""The stored SLA state always equals a recomputation from the event log (hypothesis):
random conversations driven through the real actions, the handler run after each change
and the scheduler ticking in between, compared with a computation from scratch."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klient.conversations.actions import (
    acknowledge,
    add_note,
    reply,
    update_conversation,
)
from klient.core.models import Event
from klient.sla import scheduler
from klient.sla.actions import stored_fields
from klient.sla.models import ConversationSla
from klient.sla.queries import recomputed_fields

START = datetime(2026, 3, 26, 7, tzinfo=UTC)  # Thursday before the spring DST change
STEPS = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=20 * 60),  # minutes since the previous step
        st.sampled_from(
            ["customer", "auto", "reply", "ack", "note", "bounce", "status", "priority", "tick"]
        ),
        st.sampled_from(["open", "pending", "on_hold", "solved", "closed"]),
    ),
    min_size=1,
    max_size=12,
)


@pytest.mark.usefixtures("warsaw_hours", "standard_policy", "urgent_policy")
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_the_stored_state_equals_a_recomputation_from_the_events(
    steps, frozen, receive, support_team, agent_anna, deliver, settle
):
    now = START
    frozen.move_to(now)
    conversation = receive(support_team, "ewa@example.pl", "Pytanie", "?").conversation
    settle(conversation)
    sent = []
    for minutes, step, status in steps:
        now += timedelta(minutes=minutes)
        frozen.move_to(now)
        if step == "customer":
            receive(support_team, "ewa@example.pl", "Re", "!", conversation=conversation)
        elif step == "auto":
            receive(
                support_team,
                "ewa@example.pl",
                "Abwesend",
                "...",
                conversation=conversation,
                is_auto_reply=True,
            )
        elif step == "reply":
            message = reply(conversation, actor=agent_anna, body="Odpowiedź")
            deliver(message)
            sent.append(message)
        elif step == "ack":
            message = acknowledge(conversation, body="Otrzymaliśmy")
            if message is not None:
                deliver(message)
        elif step == "note":
            add_note(conversation, actor=agent_anna, body="notatka")
        elif step == "bounce" and sent:
            deliver(sent.pop(), outcome="bounced")
        elif step == "status":
            update_conversation(conversation, actor=agent_anna, status=status)
        elif step == "priority":
            conversation.refresh_from_db()
            new = "normal" if conversation.priority == "urgent" else "urgent"
            update_conversation(conversation, actor=agent_anna, priority=new)
        if step == "tick":
            scheduler.tick(now=now)
        else:
            settle(conversation)

    row = ConversationSla.objects.get(conversation=conversation)
    assert stored_fields(row) == recomputed_fields(conversation.pk, row.computed_at)
    keys = Counter(
        e.data["key"]
        for e in Event.objects.filter(
            conversation=conversation, kind__in=["sla.warning", "sla.breached"]
        )
    )
    assert all(count == 1 for count in keys.values())
    assert sorted(keys) == row.emitted
