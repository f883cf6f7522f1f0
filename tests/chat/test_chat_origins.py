"""Which sites a team's widget may be used on: set with PATCH /api/v1/teams/{id}, each one
scheme://host[:port] only, the desk's own origin always allowed."""

from __future__ import annotations

import pytest

from klient.chat import origins
from klient.core.models import Event


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("https://shop.example", "https://shop.example"),
        ("HTTPS://Shop.Example:443", "https://shop.example"),
        ("http://shop.example:8080", "http://shop.example:8080"),
    ],
)
def test_an_origin_is_kept_in_the_form_browsers_send(given, stored):
    assert origins.normalise(given) == stored


@pytest.mark.parametrize(
    "given",
    [
        "shop.example",
        "ftp://shop.example",
        "https://shop.example/",
        "https://shop.example/chat",
        "https://shop.example?x=1",
        "https://user@shop.example",
        "https://shop.example:99999",
        "*",
    ],
)
def test_anything_but_scheme_host_and_port_is_refused(given):
    with pytest.raises(origins.InvalidOrigin):
        origins.normalise(given)


def test_the_desks_own_origin_and_a_missing_header_are_always_allowed():
    base = "https://desk.example/klient/"
    assert origins.allowed("https://desk.example", [], base)
    assert origins.allowed(None, [], base)  # not a browser page: nothing to check
    assert not origins.allowed("https://evil.example", ["https://shop.example"], base)
    assert origins.allowed("https://shop.example", ["https://shop.example"], base)
    assert not origins.allowed("null", ["https://shop.example"], base)


def test_an_administrator_sets_a_teams_chat_origins(call, admin_zofia, support_team, agent_anna):
    url = f"/api/v1/teams/{support_team.pk}"
    answer = call(admin_zofia, "patch", url, {"chat_allowed_origins": ["https://Shop.example"]})
    assert answer.status_code == 200, answer.content
    assert answer.json()["chat_allowed_origins"] == ["https://shop.example"]
    assert Event.objects.filter(kind="chat.origins_changed").count() == 1
    assert call(admin_zofia, "get", url).json()["chat_allowed_origins"] == ["https://shop.example"]

    refused = call(admin_zofia, "patch", url, {"chat_allowed_origins": ["https://a.example/x"]})
    assert refused.status_code == 422 and "chat_allowed_origins" in refused.json()["detail"]
    assert call(agent_anna, "patch", url, {"chat_allowed_origins": []}).status_code == 403
    assert call(admin_zofia, "get", url).json()["chat_allowed_origins"] == ["https://shop.example"]
