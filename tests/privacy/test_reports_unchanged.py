"""Erasing customers keeps the figures: SLA compliance by team, agent, week and policy,
the totals, and the volume of conversations and messages are the same after the erasure,
also once the SLA clock is recomputed from the erased history."""

from __future__ import annotations

from klient.conversations.models import Conversation, Message
from klient.privacy.actions import erase_customer
from klient.reports.queries import Window, sla_compliance, sla_totals
from klient.sla.actions import recompute
from reports.conftest import sla_history  # noqa: F401  (four conversations, known figures)

JUNE = Window.parse("2026-06-01", "2026-06-14")


def report(user):
    groups = {
        group: [row.as_dict() for row in sla_compliance(user, group=group, window=JUNE)]
        for group in ("team", "agent", "week", "policy", "target")
    }
    volume = {
        "conversations": sorted(
            Conversation.objects.values_list("team__name", "status", "channel", "created_at")
        ),
        "messages": sorted(
            Message.objects.values_list("conversation_id", "kind", "sender", "created_at")
        ),
    }
    return groups, sla_totals(user, window=JUNE).as_dict(), volume


def test_the_sla_report_and_volumes_are_the_same_after_erasing_customers(
    sla_history,  # noqa: F811
    admin_zofia,
):
    for conversation in sla_history.values():
        recompute(conversation.pk)  # C4's resolution is due by now: the clock says so first
    before = report(admin_zofia)

    for name in ("c1", "c3", "c4"):
        counts = erase_customer(sla_history[name].customer, actor=admin_zofia)
        assert counts["messages"] >= 1 and counts["identities"] == 1
    for conversation in sla_history.values():
        recompute(conversation.pk)

    assert report(admin_zofia) == before
    assert before[1]["due"] == 8  # the history has figures to lose (C4 breached by now)
    erased = Conversation.objects.filter(customer__name="", subject="").count()
    assert erased == 3
