"""Teams that existed before endpoints get an email endpoint for their address, and
customers' identities stay trusted."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("people", "0001_squashed_0002_team_lead")]
AFTER = [("people", "0004_email_endpoints_for_teams")]


@pytest.mark.django_db(transaction=True)
def test_existing_teams_get_their_email_endpoint_and_identities_stay_verified():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    team = old.get_model("people", "Team").objects.create(
        name="Support", inbound_address="Support@Shop.example"
    )
    customer = old.get_model("people", "Customer").objects.create(name="Ola")
    old.get_model("people", "Identity").objects.create(
        customer=customer, kind="email", value="ola@klientka.pl"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps

    endpoint = new.get_model("people", "Endpoint").objects.get()
    assert (endpoint.team_id, endpoint.kind, endpoint.value) == (
        team.pk,
        "email",
        "support@shop.example",
    )
    identity = new.get_model("people", "Identity").objects.get()
    assert identity.verified_at is not None
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
