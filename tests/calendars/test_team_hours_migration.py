"""The migrations that moved team business hours out of the SLA keep every team's hours
and make old events readable under the new kinds."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

LATEST = object()  # a target's name for the app's leaf migration (None means none applied)

BEFORE = [
    ("calendars", None),
    ("sla", "0001_squashed_0005_outcomes"),
    ("core", "0001_squashed_0002_pendingevent"),
    ("people", "0001_squashed_0002_team_lead"),
    ("conversations", LATEST),
]

NOW = timezone.now()


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    plan_targets = []
    for app, name in targets:
        if name is LATEST:
            name = executor.loader.graph.leaf_nodes(app)[0][1]
        plan_targets.append((app, name))
    executor.migrate(plan_targets)
    executor.loader.build_graph()
    applied = [(app, name) for app, name in plan_targets if name is not None]
    return executor.loader.project_state(applied).apps


@pytest.fixture
def before_the_move(transactional_db):
    """The schema as it was before the move; back to the latest afterwards."""
    apps = migrate(BEFORE)
    try:
        yield apps
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_every_teams_hours_and_the_events_survive_the_move(before_the_move):
    apps = before_the_move
    team_model = apps.get_model("people", "Team")
    old_hours = apps.get_model("sla", "BusinessHoursConfig")
    event_model = apps.get_model("core", "Event")
    warsaw = team_model.objects.create(name="Support", inbound_address="support@shop.example")
    berlin = team_model.objects.create(name="Billing", inbound_address="billing@shop.example")
    team_model.objects.create(name="Sales", inbound_address="sales@shop.example")
    old_hours.objects.create(
        team=warsaw,
        time_zone="Europe/Warsaw",
        hours={"0": [["09:00", "17:00"]]},
        country="PL",
        closures=["2026-12-24"],
        extra_working_days={"2026-12-27": [["10:00", "14:00"]]},
    )
    old_hours.objects.create(
        team=berlin, time_zone="Europe/Berlin", hours={"4": [["08:00", "12:00"]]}, subdivision=""
    )
    conversation = _conversation(apps, warsaw)
    event_model.objects.create(at=NOW, kind="sla.business_hours_saved", data={"team": warsaw.pk})
    event_model.objects.create(at=NOW, kind="sla.business_hours_changed", data={"team": berlin.pk})
    moved = event_model.objects.create(
        at=NOW, kind="sla.policy_changed", conversation=conversation, data={"from": 1, "to": 2}
    )
    edited = event_model.objects.create(
        at=NOW, kind="sla.policy_changed", data={"policy": 1, "name": "A"}
    )
    created = event_model.objects.create(
        at=NOW, kind="sla.policy_created", data={"policy": 2, "name": "B"}
    )

    apps = migrate([("calendars", LATEST), ("sla", LATEST)])

    hours = {
        row.team_id: row for row in apps.get_model("calendars", "WorkingHoursConfig").objects.all()
    }
    assert set(hours) == {warsaw.pk, berlin.pk}
    assert hours[warsaw.pk].agent_id is None
    assert hours[warsaw.pk].time_zone == "Europe/Warsaw"
    assert hours[warsaw.pk].hours == {"0": [["09:00", "17:00"]]}
    assert hours[warsaw.pk].country == "PL"
    assert hours[warsaw.pk].closures == ["2026-12-24"]
    assert hours[warsaw.pk].extra_working_days == {"2026-12-27": [["10:00", "14:00"]]}
    assert hours[berlin.pk].hours == {"4": [["08:00", "12:00"]]}
    events = apps.get_model("core", "Event").objects
    assert events.filter(kind="calendars.working_hours_saved").count() == 2
    assert events.get(pk=moved.pk).kind == "sla.conversation_policy_changed"
    assert events.get(pk=edited.pk).kind == "sla.policy_saved"
    assert events.get(pk=edited.pk).data == {
        "policy": 1,
        "name": "A",
        "created": False,
        "changed": [],
    }
    assert events.get(pk=created.pk).data["created"] is True
    assert not events.filter(kind__in=["sla.policy_changed", "sla.policy_created"]).exists()


def _conversation(apps, team):
    customer = apps.get_model("people", "Customer").objects.create(name="Luc")
    return apps.get_model("conversations", "Conversation").objects.create(
        team=team, customer=customer, subject="Power cut", created_at=NOW, updated_at=NOW
    )
