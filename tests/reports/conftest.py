"""A small, known SLA history for the report tests, built through the real actions with
time frozen: calendar-time targets (first reply 1 h, resolution 4 h), no business hours.

Week 2026-W23 (Support):
  C1  Mon 08:00 received, 08:30 answered (met), 09:00 solved (met, 1 h), Anna
  C2  Mon 10:00 received, 11:30 answered (late), 12:00 solved (met, 2 h), Anna
  C3  Tue 08:00 received, never answered: first reply breached 09:00, resolution 12:00
Week 2026-W24 (Billing):
  C4  Mon 8 June 08:00 received, 08:10 answered (met), still open, Bruno"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from freezegun import freeze_time


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def sla_history(db, support_team, billing_team, agent_anna, agent_bruno, receive):
    from klient.conversations.actions import record_delivery_outcome, reply, update_conversation
    from klient.sla.actions import recompute
    from klient.sla.admin_actions import save_policy

    with freeze_time(utc(2026, 6, 1, 7)) as clock:
        save_policy(
            actor=None,
            name="Standard",
            first_reply_minutes=60,
            resolution_minutes=240,
            business_time=False,
        )

        def at(*moment):
            clock.move_to(utc(*moment))

        def customer(team, address, *moment):
            at(*moment)
            conversation = receive(team, address, "Question", "Hello?").conversation
            recompute(conversation.pk)
            return conversation

        def answer(conversation, agent, *moment):
            at(*moment)
            message = reply(conversation, actor=agent, body="Here is the answer.")
            message.delivery.refresh_from_db()
            record_delivery_outcome(message.delivery, outcome="sent")
            recompute(conversation.pk)

        def solve(conversation, agent, *moment):
            at(*moment)
            update_conversation(conversation, actor=agent, status="solved")
            recompute(conversation.pk)

        c1 = customer(support_team, "c1@example.com", 2026, 6, 1, 8)
        update_conversation(c1, actor=agent_anna, assignee=agent_anna)
        answer(c1, agent_anna, 2026, 6, 1, 8, 30)
        solve(c1, agent_anna, 2026, 6, 1, 9)

        c2 = customer(support_team, "c2@example.com", 2026, 6, 1, 10)
        update_conversation(c2, actor=agent_anna, assignee=agent_anna)
        answer(c2, agent_anna, 2026, 6, 1, 11, 30)
        solve(c2, agent_anna, 2026, 6, 1, 12)

        c3 = customer(support_team, "c3@example.com", 2026, 6, 2, 8)
        at(2026, 6, 2, 9, 30)
        recompute(c3.pk)
        at(2026, 6, 2, 12, 30)
        recompute(c3.pk)

        c4 = customer(billing_team, "c4@example.com", 2026, 6, 8, 8)
        update_conversation(c4, actor=agent_bruno, assignee=agent_bruno)
        answer(c4, agent_bruno, 2026, 6, 8, 8, 10)
    return {"c1": c1, "c2": c2, "c3": c3, "c4": c4}
