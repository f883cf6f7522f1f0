"""A team has any number of ways in; mail to any of its email endpoints finds it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from klient import cli
from klient.mail.pipeline import team_addresses
from klient.mail.smtp import team_for_address
from klient.people.actions import add_endpoint, create_team
from klient.people.models import Endpoint, Team


@pytest.mark.django_db
def test_klient_team_add_creates_the_team_and_its_email_endpoint(capsys):
    code = cli.main(["team", "add", "Support", "--address", "Support@Shop.example"])

    assert code == 0
    assert "receives mail at support@shop.example" in capsys.readouterr().out
    team = Team.objects.get(name="Support")
    assert team.inbound_address == "support@shop.example"
    assert list(team.endpoints.values_list("kind", "value")) == [("email", "support@shop.example")]


def test_mail_to_a_second_address_of_a_team_finds_that_team(support_team, billing_team):
    add_endpoint(support_team, kind="email", value="Help@Shop.example")

    assert team_addresses()["help@shop.example"] == support_team.pk
    assert team_for_address("help+k-1042.abc@shop.example") == support_team.pk
    assert team_for_address("billing@shop.example") == billing_team.pk
    assert team_for_address("nobody@shop.example") is None


def test_an_endpoint_belongs_to_one_team_only(support_team, billing_team):
    with pytest.raises(ValidationError, match="already belongs to a team"):
        add_endpoint(billing_team, kind="email", value="SUPPORT@shop.example")
    with pytest.raises(ValidationError, match="already belongs to a team"):
        create_team("Other", address="support@shop.example")
    add_endpoint(support_team, kind="phone", value="22 123 45 67")
    with pytest.raises(ValidationError, match="already belongs to a team"):
        add_endpoint(billing_team, kind="phone", value="+48 22 123 45 67")

    assert Endpoint.objects.get(kind="phone").value == "+48221234567"


def test_endpoints_of_each_kind_are_stored_in_their_normal_form(support_team):
    assert add_endpoint(support_team, kind="web_form", value=" Contact ").value == "contact"
    assert add_endpoint(support_team, kind="chat", value="Widget-1").value == "widget-1"
    with pytest.raises(ValidationError, match="Unknown endpoint kind"):
        add_endpoint(support_team, kind="fax", value="123")
    with pytest.raises(ValidationError):
        add_endpoint(support_team, kind="phone", value="not a number")
