"""The agent's status in the header of every page: she sees it and changes it there."""

from django.urls import reverse

from klient.people.models import AgentProfile


def test_the_header_shows_her_status_and_she_steps_away_from_it(anna_client, agent_anna):
    inbox = reverse("workspace:inbox")
    html = anna_client.get(inbox).content.decode()
    assert 'class="agent-status" method="post"' in html
    assert '<option value="online" selected>' in html

    response = anna_client.post(reverse("routing:status"), {"status": "away", "next": inbox})

    assert response.status_code == 302 and response["Location"] == inbox
    assert AgentProfile.objects.get(user=agent_anna).status == "away"
    assert '<option value="away" selected>' in anna_client.get(inbox).content.decode()


def test_an_unknown_status_changes_nothing(anna_client, agent_anna):
    response = anna_client.post(reverse("routing:status"), {"status": "busy"})

    assert response.status_code == 400
    assert AgentProfile.objects.get(user=agent_anna).status == "online"
