"""The dashboard (/voice/): a team lead sees her team's topics with weekly charts and
trends, turns one into a corrective action with htmx, and downloads the weekly volumes;
an agent who manages nothing does not see it."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from klient.voice.models import CorrectiveAction, Topic
from support import signed_in, worker_runs

COMPLAINT = [
    "Nie mogę się dodzwonić do mojego doradcy, nikt nie oddzwania.",
    "Doradca znowu nie odbiera telefonu, obiecał oddzwonić i nie oddzwonił.",
    "Od tygodnia próbuję złapać doradcę, nikt nie oddzwania.",
    "Mój doradca nie oddzwonił, a sprawa jest pilna.",
]


@pytest.fixture
def topic(support_team, weeks_of_messages):
    weeks_of_messages(support_team, [(3 - n, t) for n, t in enumerate(COMPLAINT)])
    worker_runs()
    return Topic.objects.get(team=support_team)


def test_the_lead_sees_the_topic_with_its_chart_and_the_nav_link(topic, lead_marta):
    page = signed_in(lead_marta).get("/voice/?weeks=8")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="/voice/"' in html  # the workspace's navigation
    assert f'id="topic-{topic.pk}"' in html
    assert html.count('class="bar"') == 8
    assert 'data-volume="1"' in html
    assert "Turn into a corrective action" in html


def test_an_agent_who_manages_nothing_gets_403_and_no_link(topic, agent_anna):
    client = signed_in(agent_anna)
    assert client.get("/voice/").status_code == 403
    assert 'href="/voice/"' not in client.get("/").content.decode()


def test_the_htmx_form_turns_the_topic_into_an_action(topic, lead_marta, agent_anna):
    client = signed_in(lead_marta)
    ref = topic.messages.first().conversation.reference
    response = client.post(
        f"/voice/topics/{topic.pk}/actions",
        {
            "owner": agent_anna.pk,
            "due_date": (date.today() + timedelta(days=30)).isoformat(),
            "description": "Zastępca dla każdego doradcy.",
            "conversations": [ref],
        },
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    action = CorrectiveAction.objects.get()
    assert action.owner == agent_anna
    assert [c.reference for c in action.conversations.all()] == [ref]
    html = response.content.decode()
    assert f'id="action-{action.pk}"' in html and 'data-marker="created"' in html


def test_a_refused_form_shows_its_errors_and_writes_nothing(topic, lead_marta):
    response = signed_in(lead_marta).post(
        f"/voice/topics/{topic.pk}/actions",
        {"owner": lead_marta.pk, "due_date": "", "description": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not CorrectiveAction.objects.exists()


def test_the_owner_closes_her_action_from_the_page(topic, lead_marta, agent_anna):
    from klient.core.transactions import entry_point
    from klient.voice.actions import create_action

    with entry_point():
        action = create_action(
            topic,
            actor=lead_marta,
            owner=agent_anna,
            due_date=date(2031, 1, 1),
            description="Zastępca.",
        )
    client = signed_in(agent_anna)
    page = client.get("/voice/")
    assert page.status_code == 200 and "Your open corrective actions" in page.content.decode()

    client.post(f"/voice/actions/{action.pk}/close", {"resolution": "Grafik zastępstw."})

    action.refresh_from_db()
    assert action.state == "closed" and action.resolution == "Grafik zastępstw."


def test_the_csv_has_one_row_per_topic_and_week(topic, lead_marta):
    response = signed_in(lead_marta).get("/voice/topics.csv?weeks=6")

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 6
    assert {r["topic"] for r in rows} == {str(topic.pk)}
    assert sum(int(r["week_volume"]) for r in rows) == 4
