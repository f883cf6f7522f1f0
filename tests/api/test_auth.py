"""Bearer tokens: 401 without a valid one, last use recorded at most once a minute."""

from datetime import timedelta

from django.utils import timezone

from klient.people.models import ApiToken

URL = "/api/v1/conversations"


def test_a_request_without_a_token_is_refused_with_a_clear_json_error(client, agent_anna):
    response = client.get(URL)

    assert response.status_code == 401
    assert "Bearer" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_wrong_token_is_refused(call, agent_anna):
    response = call(agent_anna, "get", URL, token="kl_not-a-real-token")

    assert response.status_code == 401
    assert "detail" in response.json()


def test_another_scheme_is_refused(client, agent_anna):
    response = client.get(URL, headers={"Authorization": f"Basic {agent_anna.api_token}"})

    assert response.status_code == 401


def test_a_valid_token_is_accepted(call, agent_anna):
    assert call(agent_anna, "get", URL).status_code == 200


def test_the_token_of_a_deactivated_agent_no_longer_works(call, agent_anna):
    agent_anna.is_active = False
    agent_anna.save(update_fields=["is_active"])

    assert call(agent_anna, "get", URL).status_code == 401


def test_last_use_is_recorded_at_most_once_a_minute(call, agent_anna):
    token = ApiToken.objects.get(user=agent_anna)
    assert token.last_used_at is None

    call(agent_anna, "get", URL)
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None

    call(agent_anna, "get", URL)
    token.refresh_from_db()
    assert token.last_used_at == first_use

    a_while_ago = timezone.now() - timedelta(minutes=2)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=a_while_ago)
    call(agent_anna, "get", URL)
    token.refresh_from_db()
    assert token.last_used_at > a_while_ago
