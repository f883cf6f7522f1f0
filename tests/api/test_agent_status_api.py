"""PUT /api/v1/agents/me/status: the agent's chosen status, and whether their workspace
is connected (a heartbeat within KLIENT_PRESENCE_TIMEOUT_SECONDS)."""

from datetime import timedelta

from django.utils import timezone

from klient.core.models import Event
from klient.people.models import AgentProfile
from klient.people.presence import heartbeat


def test_an_agent_sets_her_status_and_sees_whether_she_is_connected(call, agent_anna):
    response = call(agent_anna, "put", "/api/v1/agents/me/status", {"status": "away"})

    assert response.status_code == 200
    assert response.json() == {"status": "away", "connected": False}
    assert AgentProfile.objects.get(user=agent_anna).status == "away"
    assert Event.objects.get(kind="agent.status_changed").data == {
        "agent": agent_anna.pk,
        "from": "online",
        "to": "away",
    }


def test_a_heartbeat_makes_her_connected_until_the_timeout(call, agent_anna, settings):
    settings.KLIENT_PRESENCE_TIMEOUT_SECONDS = 90
    heartbeat(agent_anna, now=timezone.now() - timedelta(seconds=30))

    response = call(agent_anna, "put", "/api/v1/agents/me/status", {"status": "online"})
    assert response.json() == {"status": "online", "connected": True}

    heartbeat(agent_anna, now=timezone.now() - timedelta(seconds=200))
    assert (
        call(agent_anna, "put", "/api/v1/agents/me/status", {"status": "online"}).json()[
            "connected"
        ]
        is False
    )


def test_an_unknown_status_is_refused(call, agent_anna):
    response = call(agent_anna, "put", "/api/v1/agents/me/status", {"status": "busy"})

    assert response.status_code == 422
    assert AgentProfile.objects.get(user=agent_anna).status == "online"
