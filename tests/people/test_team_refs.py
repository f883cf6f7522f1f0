"""A team is named by its id or by its name wherever Klient takes one
(klient.people.queries.team_by_ref): digits are an id first, then a name."""

from __future__ import annotations

from klient.people.actions import create_team
from klient.people.queries import team_by_ref, teams_by_ref


def test_a_team_is_found_by_id_or_by_name_whatever_its_case(support_team, billing_team):
    assert team_by_ref(support_team.pk) == support_team
    assert team_by_ref(str(billing_team.pk)) == billing_team
    assert team_by_ref(" BILLING ") == billing_team
    assert team_by_ref("Nobody") is None
    assert team_by_ref("") is None


def test_a_team_named_with_digits_is_found_by_name_when_no_team_has_that_id(db):
    team = create_team("2026", address="year@shop.example")

    assert team_by_ref("2026") == team


def test_several_references_keep_their_order_once_each_and_report_the_unknown(
    support_team, billing_team
):
    found, unknown = teams_by_ref(["billing", support_team.pk, "Billing", "Sales"])

    assert found == [billing_team, support_team]
    assert unknown == ["Sales"]
