"""The agents' appointments API: list (agent, from, to), read, cancel and reschedule;
an agent's own and their teams' appointments, administrators all, 404 outside."""

from __future__ import annotations

from appointment_steps import booked
from scheduling_helpers import api, make_agent, next_monday, slots

from klient.core.models import Event
from klient.scheduling.models import Appointment


def test_list_and_read_with_the_contract_fields(interview, agent_olha):
    monday = next_monday()
    free = slots("interview", monday)
    first_id, _ = booked(free[0][0])
    second_id, _ = booked(free[4][0], email="b@mail.example")
    later = slots("interview", next_monday(2))[0][0]
    third_id, _ = booked(later, email="c@mail.example")

    listed = api(agent_olha, "get", f"/api/v1/appointments?agent={agent_olha.pk}")
    assert listed.status_code == 200
    assert [a["id"] for a in listed.json()] == [first_id, second_id, third_id]
    week = api(agent_olha, "get", f"/api/v1/appointments?from={monday}&to={monday}").json()
    assert [a["id"] for a in week] == [first_id, second_id]
    one = api(agent_olha, "get", f"/api/v1/appointments/{first_id}").json()
    assert set(one) == {
        "id", "reference", "booking_type", "agent", "customer", "conversation", "state",
        "start", "end", "time_zone", "language", "version", "reschedules", "cancel_reason",
        "earlier_missed",
    }  # fmt: skip
    assert one["booking_type"] == "interview" and one["state"] == "booked"
    assert one["start"].endswith("Z") and one["version"] == 1
    assert api(agent_olha, "get", "/api/v1/appointments?from=tomorrow").status_code == 422
    assert api(None, "get", "/api/v1/appointments").status_code == 401


def test_scope_own_teams_and_administrators_and_404_outside(
    interview, agent_olha, agent_bruno, admin_zofia, support_team
):
    appointment_id, _ = booked(slots("interview", next_monday())[0][0])
    assert api(agent_bruno, "get", "/api/v1/appointments").json() == []
    for method, path, body in [
        ("get", "", None),
        ("post", "/cancel", {}),
        ("post", "/reschedule", {"start": slots("interview", next_monday(2))[0][0]}),
    ]:
        url = f"/api/v1/appointments/{appointment_id}{path}"
        response = api(agent_bruno, method, url, body)
        assert response.status_code == 404, (path, response.content)
        assert response.json()["detail"]
    assert Appointment.objects.get().version == 1, "nothing changed"
    assert [a["id"] for a in api(admin_zofia, "get", "/api/v1/appointments").json()] == [
        appointment_id
    ]
    # A teammate sees the appointments of Support's team booking types, not Olha's own.
    from klient.scheduling.actions import create_booking_type

    teammate = make_agent("ivan@shop.example", "Ivan", teams=[support_team])
    create_booking_type(
        actor=admin_zofia, name="Team call", slug="team-call", team=support_team.pk,
        kind="phone", location="+380441234567", duration_minutes=30,
    )  # fmt: skip
    assert api(teammate, "get", "/api/v1/appointments").json() == []
    team_slot = slots("team-call", next_monday())[0][0]
    response = api(
        None, "post", "/api/v1/bookings",
        {"booking_type": "team-call", "start": team_slot, "name": "D", "email": "d@mail.example",
         "time_zone": "Europe/Kyiv"},
    )  # fmt: skip
    assert response.status_code == 201
    seen = [a["id"] for a in api(teammate, "get", "/api/v1/appointments").json()]
    assert seen == [response.json()["id"]]


def test_refused_changes_are_clear_errors_and_change_nothing(interview, agent_olha):
    free = slots("interview", next_monday())
    appointment_id, _ = booked(free[0][0])
    booked(free[4][0], email="b@mail.example")
    url = f"/api/v1/appointments/{appointment_id}"
    taken = api(agent_olha, "post", f"{url}/reschedule", {"start": free[4][0]})
    assert taken.status_code == 409
    assert taken.json()["alternatives"] and taken.json()["detail"]
    naive = api(agent_olha, "post", f"{url}/reschedule", {"start": "2027-03-29T09:00:00"})
    assert naive.status_code == 422
    assert api(agent_olha, "post", f"{url}/cancel", {"reason": "x" * 2001}).status_code == 422
    assert Appointment.objects.get(pk=appointment_id).version == 1
    assert api(agent_olha, "post", f"{url}/cancel", {"reason": "ill"}).status_code == 200
    again = api(agent_olha, "post", f"{url}/cancel", {})
    assert again.status_code == 422 and "no longer booked" in again.json()["detail"]
    moved = api(agent_olha, "post", f"{url}/reschedule", {"start": free[8][0]})
    assert moved.status_code == 422
    kinds = list(
        Event.objects.filter(data__appointment=appointment_id)
        .order_by("pk")
        .values_list("kind", flat=True)
    )
    assert kinds == ["scheduling.appointment_booked", "scheduling.appointment_cancelled"]


def test_every_change_is_in_the_conversations_timeline(interview, agent_olha):
    free = slots("interview", next_monday())
    appointment_id, _ = booked(free[0][0])
    url = f"/api/v1/appointments/{appointment_id}"
    assert api(agent_olha, "post", f"{url}/reschedule", {"start": free[4][0]}).status_code == 200
    assert api(agent_olha, "post", f"{url}/cancel", {"reason": "ill"}).status_code == 200
    reference = api(agent_olha, "get", url).json()["conversation"]
    seen = api(agent_olha, "get", f"/api/v1/conversations/{reference}").json()
    kinds = [e["kind"] for e in seen["events"] if e["kind"].startswith("scheduling.")]
    assert kinds == [
        "scheduling.appointment_booked",
        "scheduling.appointment_rescheduled",
        "scheduling.appointment_cancelled",
    ]
