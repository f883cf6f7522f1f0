"""Booking types in the API: an agent manages her own, administrators any; everything
refused says why (422), nothing outside one's sight is found (404)."""

from __future__ import annotations

from scheduling_helpers import api, booking_type_body

from klient.core.models import Event


def test_an_agent_creates_reads_changes_and_deletes_her_own_booking_type(agent_olha):
    body = booking_type_body(
        agent_olha,
        buffer_before_minutes=10,
        buffer_after_minutes=15,
        minimum_notice_minutes=120,
        max_per_day=4,
        questions=[{"label": "What is the interview about?", "required": True}],
        cancel_notice_minutes=60,
        max_reschedules=2,
        reminders=[
            {"before_minutes": 1440, "channel": "email"},
            {"before_minutes": 60, "channel": "sms"},
        ],
    )
    created = api(agent_olha, "post", "/api/v1/booking-types", body)
    assert created.status_code == 201, created.content
    item = created.json()
    assert {k: item[k] for k in body} == body
    assert item["team"] is None and item["editable"] is True

    listed = api(agent_olha, "get", "/api/v1/booking-types").json()
    assert [t["slug"] for t in listed] == ["interview"]

    changed = api(
        agent_olha, "patch", f"/api/v1/booking-types/{item['id']}", {"duration_minutes": 45}
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["duration_minutes"] == 45
    assert changed.json()["buffer_before_minutes"] == 10, "fields not given stay"
    assert (
        api(agent_olha, "get", f"/api/v1/booking-types/{item['id']}").json()["duration_minutes"]
        == 45
    )

    assert api(agent_olha, "delete", f"/api/v1/booking-types/{item['id']}").status_code == 204
    assert api(agent_olha, "get", f"/api/v1/booking-types/{item['id']}").status_code == 404
    again = api(agent_olha, "post", "/api/v1/booking-types", body)
    assert again.status_code == 201, "a deleted type's slug is free again"

    kinds = list(
        Event.objects.filter(kind__startswith="scheduling.").values_list("kind", flat=True)
    )
    assert kinds == [
        "scheduling.booking_type_created",
        "scheduling.booking_type_updated",
        "scheduling.booking_type_deleted",
        "scheduling.booking_type_created",
    ]


def test_refused_values_say_every_problem(agent_olha, support_team):
    body = booking_type_body(
        agent_olha,
        team=support_team.pk,
        slug="Not A Slug",
        location="meet.example",
        duration_minutes=0,
        questions=[{"label": ""}],
    )
    response = api(agent_olha, "post", "/api/v1/booking-types", body)
    # An agent may not create a team's type: refused before the values are looked at.
    assert response.status_code == 403
    from scheduling_helpers import make_agent

    admin = make_agent("root@shop.example", "Root")
    admin.is_staff = True
    admin.save()
    response = api(admin, "post", "/api/v1/booking-types", body)
    assert response.status_code == 422
    detail = response.json()["detail"]
    for words in (
        "slug:",
        "exactly one of agent and team",
        "location:",
        "duration_minutes:",
        "questions[0].label",
    ):
        assert words in detail, detail
    reminders = booking_type_body(
        agent_olha, reminders=[{"before_minutes": 60, "channel": "pigeon"}]
    )
    assert api(agent_olha, "post", "/api/v1/booking-types", reminders).status_code == 422
    in_person = booking_type_body(agent_olha, kind="in_person", location="  ")
    response = api(agent_olha, "post", "/api/v1/booking-types", in_person)
    assert response.status_code == 422 and "address" in response.json()["detail"]


def test_agents_see_their_teams_types_but_change_only_their_own(
    agent_olha, agent_anna, agent_bruno, admin_zofia, support_team
):
    team_type = api(
        admin_zofia,
        "post",
        "/api/v1/booking-types",
        {
            **booking_type_body(agent_olha, slug="support-call", kind="phone", location=""),
            "agent": None,
            "team": support_team.pk,
        },
    )
    assert team_type.status_code == 201, team_type.content
    team_id = team_type.json()["id"]
    olhas = api(agent_olha, "post", "/api/v1/booking-types", booking_type_body(agent_olha))
    olhas_id = olhas.json()["id"]

    # Anna (Support) sees the team's type and may not change it; Olha's is not hers.
    seen = api(agent_anna, "get", "/api/v1/booking-types").json()
    assert [(t["slug"], t["editable"]) for t in seen] == [("support-call", False)]
    assert (
        api(agent_anna, "patch", f"/api/v1/booking-types/{team_id}", {"name": "x"}).status_code
        == 403
    )
    assert api(agent_anna, "delete", f"/api/v1/booking-types/{olhas_id}").status_code == 404
    # Bruno (Billing) sees neither.
    assert api(agent_bruno, "get", f"/api/v1/booking-types/{team_id}").status_code == 404
    assert api(agent_bruno, "get", "/api/v1/booking-types").json() == []
    # An agent cannot give her type to someone else; an administrator can move it.
    moved = api(agent_olha, "patch", f"/api/v1/booking-types/{olhas_id}", {"agent": agent_anna.pk})
    assert moved.status_code == 403
    moved = api(
        admin_zofia, "patch", f"/api/v1/booking-types/{olhas_id}", {"team": support_team.pk}
    )
    assert moved.status_code == 200 and moved.json()["agent"] is None
    assert {t["slug"] for t in api(admin_zofia, "get", "/api/v1/booking-types").json()} == {
        "support-call",
        "interview",
    }


def test_managing_booking_types_needs_a_token(db):
    assert api(None, "get", "/api/v1/booking-types").status_code == 401
    assert api(None, "post", "/api/v1/booking-types", {"name": "x"}).status_code == 401
