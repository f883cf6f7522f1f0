"""Compliance over every target cycle (docs/reports.md): next replies and periodic updates
count like first replies and resolutions, each cycle once, in the week it ended, for the
agent, team and policy the conversation had then; cancelled cycles are never due.

The story, Monday 1 June 2026 (UTC), calendar-time policy "Hourly": first reply 1 h, next
reply 1 h, news every 2 h, resolution 8 h.
  Ewa (Support): writes 08:00, Anna answers 08:30; writes 09:00, Anna answers 09:40;
  writes 10:00, Anna answers 10:50; writes 11:00, it goes to Bruno, who answers 12:30
  (late: breached at 12:00). Next replies 2 of 3 met: Anna 2/2, Bruno 0/1.
  Olek (Support): writes 08:00, merged into Ewa's conversation at 08:20: his cycles are
  cancelled, not breached."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from django.test import Client
from freezegun import freeze_time

from klient.reports.queries import ReportError, Window, sla_compliance, sla_totals

JUNE = Window.parse("2026-06-01", "2026-06-14")


def utc(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 6, 1, hour, minute, tzinfo=UTC)


@pytest.fixture
def cycles(db, support_team, agent_anna, agent_bruno, admin_zofia, receive):
    from klient.conversations.actions import record_delivery_outcome, reply, update_conversation
    from klient.conversations.merge import merge_conversations
    from klient.sla import scheduler
    from klient.sla.actions import recompute
    from klient.sla.admin_actions import save_policy

    with freeze_time(utc(7)) as clock:
        save_policy(
            actor=None,
            name="Hourly",
            first_reply_minutes=60,
            next_reply_minutes=60,
            periodic_update_minutes=120,
            resolution_minutes=480,
            business_time=False,
        )
        ewa = None

        def customer(hour, minute=0, address="ewa@example.pl", conversation=None):
            clock.move_to(utc(hour, minute))
            message = receive(support_team, address, "Invoice", "?", conversation=conversation)
            recompute(message.conversation.pk)
            return message.conversation

        def answer(agent, hour, minute=0):
            clock.move_to(utc(hour, minute))
            message = reply(ewa, actor=agent, body="Here you are.")
            message.delivery.refresh_from_db()
            record_delivery_outcome(message.delivery, outcome="sent")
            recompute(ewa.pk)

        ewa = customer(8)
        olek = customer(8, address="olek@example.pl")
        update_conversation(ewa, actor=admin_zofia, assignee=agent_anna)
        clock.move_to(utc(8, 20))
        merge_conversations(olek, ewa, actor=admin_zofia, allow_other_customer=True)
        recompute(olek.pk)
        recompute(ewa.pk)
        answer(agent_anna, 8, 30)
        customer(9, conversation=ewa)
        answer(agent_anna, 9, 40)
        customer(10, conversation=ewa)
        answer(agent_anna, 10, 50)
        customer(11, conversation=ewa)
        clock.move_to(utc(11, 10))
        update_conversation(ewa, actor=admin_zofia, assignee=agent_bruno)
        scheduler.tick(now=utc(12, 5))  # Bruno's next reply breached at 12:00
        answer(agent_bruno, 12, 30)
        clock.move_to(utc(12, 40))
        update_conversation(ewa, actor=admin_zofia, assignee=agent_anna)  # back to Anna
    return {"ewa": ewa, "olek": olek}


def by_label(rows):
    return {row.label: (row.met, row.breached, row.cancelled) for row in rows}


def test_next_reply_compliance_is_two_of_three(cycles, admin_zofia):
    [next_reply] = sla_compliance(admin_zofia, group="target", window=JUNE, target="next_reply")

    assert (next_reply.met, next_reply.due, next_reply.compliance) == (2, 3, 66.7)


def test_every_target_counts_each_cycle_once(cycles, admin_zofia):
    rows = sla_compliance(admin_zofia, group="target", window=JUNE)

    # Periodic updates: 08:00 met at 08:30, 08:30 met at 09:40, 09:40 met at 10:50, 10:50
    # met by Bruno at 12:30. Olek's first reply, update and resolution were cancelled.
    assert by_label(rows) == {
        "first reply": (1, 0, 1),
        "next reply": (2, 1, 0),
        "periodic update": (4, 0, 1),
        "resolution": (0, 0, 1),
    }
    total = sla_totals(admin_zofia, window=JUNE)
    assert (total.met, total.breached, total.due, total.cancelled) == (7, 1, 8, 3)


def test_the_agent_who_had_the_conversation_when_the_cycle_ended_gets_it(cycles, admin_zofia):
    """Ewa's conversation belongs to Anna now, but Bruno had it when the late reply was due."""
    rows = sla_compliance(admin_zofia, group="agent", window=JUNE, target="next_reply")

    assert {row.label: (row.met, row.due) for row in rows} == {
        "Anna Nowak": (2, 2),
        "Bruno Martin": (0, 1),
    }
    updates = sla_compliance(admin_zofia, group="agent", window=JUNE, target="periodic_update")
    # Olek's cancelled update was nobody's; the 08:00 update was met after Anna got it.
    assert {row.label: (row.met, row.due) for row in updates} == {
        "(unassigned)": (0, 0),
        "Anna Nowak": (3, 3),
        "Bruno Martin": (1, 1),
    }


def test_durations_keep_their_meaning(cycles, admin_zofia):
    """First reply time is first_reply_at - started_at (30 min for Ewa; Olek was never
    answered), whatever the target filter."""
    for target in (None, "next_reply"):
        total = sla_totals(admin_zofia, window=JUNE, target=target)
        assert total.first_reply_median == total.first_reply_p90 == 30 * 60
        assert total.resolution_median is None  # nothing resolved


def test_outcomes_count_in_the_week_they_ended(cycles, admin_zofia):
    next_week = Window.parse("2026-06-08", "2026-06-14")
    assert sla_compliance(admin_zofia, group="week", window=next_week) == []
    [week] = sla_compliance(admin_zofia, group="week", window=JUNE)
    assert (week.label, week.conversations, week.due) == ("2026-W23", 2, 8)


def test_the_report_stays_one_query(cycles, admin_zofia, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        sla_compliance(admin_zofia, group="agent", window=JUNE, target="next_reply")


def test_an_unknown_target_is_refused(admin_zofia, db):
    with pytest.raises(ReportError, match="target is one of"):
        sla_compliance(admin_zofia, group="team", window=JUNE, target="lunch")


@pytest.fixture
def zofia(admin_zofia):
    client = Client()
    client.force_login(admin_zofia)
    return client


def test_the_csv_follows_the_target_filter(cycles, zofia):
    response = zofia.get("/reports/sla.csv?group=agent&target=next_reply&from=2026-06-01")

    assert response["Content-Disposition"] == (
        'attachment; filename="klient-sla-agent-next_reply-2026-06-01-'
        + f'{datetime.now(UTC).date()}.csv"'
    )
    rows = {r["label"]: r for r in csv.DictReader(io.StringIO(response.content.decode()))}
    assert (rows["Bruno Martin"]["due"], rows["Bruno Martin"]["compliance_percent"]) == (
        "1",
        "0.0",
    )
    assert zofia.get("/reports/sla.csv?target=lunch").status_code == 400


def test_the_dashboard_shows_each_target_and_filters(cycles, zofia):
    page = zofia.get("/reports/?group=agent&from=2026-06-01&to=2026-06-14").content.decode()
    assert 'data-target="next_reply"' in page and 'data-target="periodic_update"' in page
    assert "66.7 %" in page  # next replies

    filtered = zofia.get(
        "/reports/?group=agent&target=next_reply&from=2026-06-01&to=2026-06-14"
    ).content.decode()
    assert '<option value="next_reply" selected>' in filtered
    assert "target=next_reply" in filtered  # the CSV link keeps the filter


def test_the_api_takes_a_target(cycles, agent_anna, client):
    headers = {"Authorization": f"Bearer {agent_anna.api_token}"}
    url = "/api/v1/reports/sla?group=agent&target=next_reply&from=2026-06-01&to=2026-06-14"
    body = client.get(url, headers=headers).json()

    assert body["target"] == "next_reply"
    assert {row["label"]: (row["met"], row["due"]) for row in body["rows"]} == {
        "Anna Nowak": (2, 2),
        "Bruno Martin": (0, 1),
    }
    totals = client.get(url.replace("next_reply", "first_reply"), headers=headers).json()
    assert totals["total"]["cancelled"] == 1
    bad = client.get(url.replace("next_reply", "lunch"), headers=headers)
    assert bad.status_code == 422
