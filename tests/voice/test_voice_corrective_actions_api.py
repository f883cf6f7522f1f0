"""Corrective actions through the API: a manager turns a topic into an action with an
owner, a due date, a description and linked conversations; the owner is notified and
closes it with what was changed; the topic's volume before and after comes with it."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from klient.core.models import Event
from klient.notifications.models import Notification
from klient.voice.models import CorrectiveAction, Topic
from support import worker_runs

COMPLAINT = [
    "Nie mogę się dodzwonić do mojego doradcy, nikt nie oddzwania.",
    "Doradca znowu nie odbiera telefonu, obiecał oddzwonić i nie oddzwonił.",
    "Od tygodnia próbuję złapać doradcę, nikt nie oddzwania.",
    "Mój doradca nie oddzwonił, a sprawa jest pilna.",
]


@pytest.fixture
def topic(support_team, weeks_of_messages):
    messages = weeks_of_messages(support_team, [(6 - n, t) for n, t in enumerate(COMPLAINT)])
    worker_runs()
    found = Topic.objects.get(team=support_team)
    found.conversation_refs = [m.conversation.reference for m in messages]
    return found


def create(api, user, topic, owner, **extra):
    body = {
        "topic": topic.pk,
        "owner": owner.pk,
        "due_date": (date.today() + timedelta(days=14)).isoformat(),
        "description": "Każdy doradca ma zastępcę; klient dostaje jego nazwisko.",
        "conversations": topic.conversation_refs[:2],
        **extra,
    }
    return api(user, "post", "/api/v1/corrective-actions", body)


def test_the_lead_sees_the_topics_of_her_team_with_weekly_series(api, topic, lead_marta):
    response = api(lead_marta, "get", "/api/v1/topics?weeks=8")

    assert response.status_code == 200
    body = response.json()
    assert len(body["weeks"]) == 8
    [item] = body["items"]
    assert item["id"] == topic.pk and item["language"] == "pl"
    assert sum(item["series"]) == 4 and item["series"][-1] == 0
    assert item["team"]["name"] == "Support"


def test_an_agent_who_manages_no_team_sees_no_topics(api, topic, agent_anna):
    assert api(agent_anna, "get", "/api/v1/topics").json()["items"] == []


def test_the_lead_creates_an_action_the_owner_is_told_and_closes_it(
    api, topic, lead_marta, agent_anna
):
    response = create(api, lead_marta, topic, agent_anna)

    assert response.status_code == 201, response.json()
    action = response.json()
    assert action["state"] == "open"
    assert action["owner"]["id"] == agent_anna.pk
    assert action["conversations"] == sorted(topic.conversation_refs[:2])
    assert action["volume"]["before"] > 0 and action["volume"]["since"] == "created"
    [note] = Notification.objects.filter(recipient=agent_anna)
    assert note.kind == "voice.action_assigned"

    # The owner sees her action; the lead may not close it for her.
    url = f"/api/v1/corrective-actions/{action['id']}"
    assert api(agent_anna, "get", url).status_code == 200
    refused = api(lead_marta, "patch", url, {"state": "closed", "resolution": "Zrobione"})
    assert refused.status_code == 403
    closed = api(
        agent_anna, "patch", url, {"state": "closed", "resolution": "Zastępstwa w kalendarzu."}
    )
    assert closed.status_code == 200, closed.json()
    assert closed.json()["state"] == "closed"
    assert closed.json()["resolution"] == "Zastępstwa w kalendarzu."
    assert closed.json()["volume"]["since"] == "closed"
    kinds = list(
        Event.objects.filter(kind__startswith="corrective_action.").values_list("kind", flat=True)
    )
    assert kinds == ["corrective_action.created", "corrective_action.closed"]
    # Closed is closed.
    assert api(lead_marta, "patch", url, {"description": "Inaczej"}).status_code == 422


def test_the_list_filters_by_state(api, topic, lead_marta, agent_anna):
    create(api, lead_marta, topic, agent_anna)
    assert len(api(lead_marta, "get", "/api/v1/corrective-actions").json()["items"]) == 1
    assert api(lead_marta, "get", "/api/v1/corrective-actions?state=closed").json()["items"] == []
    assert len(api(agent_anna, "get", "/api/v1/corrective-actions?state=all").json()["items"]) == 1


def test_a_manager_changes_the_owner_and_the_due_date(
    api, topic, lead_marta, agent_anna, admin_zofia
):
    action = create(api, lead_marta, topic, agent_anna).json()
    url = f"/api/v1/corrective-actions/{action['id']}"
    response = api(lead_marta, "patch", url, {"owner": admin_zofia.pk, "due_date": "2031-01-31"})
    assert response.status_code == 200
    assert response.json()["owner"]["id"] == admin_zofia.pk
    assert response.json()["due_date"] == "2031-01-31"
    assert Notification.objects.filter(recipient=admin_zofia).count() == 1
    changed = Event.objects.get(kind="corrective_action.changed")
    assert set(changed.data["changed"]) == {"owner", "due_date"}


def test_refusals(api, topic, lead_marta, agent_anna, agent_bruno):
    # Bruno is not in Support: he cannot own its action; an agent is no manager.
    assert create(api, lead_marta, topic, agent_bruno).status_code == 422
    assert create(api, lead_marta, topic, agent_anna, description="  ").status_code == 422
    assert create(api, lead_marta, topic, agent_anna, conversations=["K-99999"]).status_code == 422
    assert create(api, agent_anna, topic, agent_anna).status_code == 404
    assert create(api, agent_bruno, topic, agent_anna).status_code == 404
    assert not CorrectiveAction.objects.exists()
