"""Administrators manage SLA policies and business hours in the app: list in rule order,
create with escalation steps, edit, reorder, deactivate, delete; clear errors; every
change is an event and the open conversations follow it. Other agents get a 404."""

from __future__ import annotations

from datetime import timedelta

import pytest

from klient.calendars.models import WorkingHoursConfig
from klient.core import wiring
from klient.core.models import Event
from klient.sla.models import ConversationSla, SlaPolicy

SETTINGS = "/reports/settings/sla/"


def policy_form(**overrides):
    data = {
        "name": "Standard",
        "active": "on",
        "team": "",
        "channel": "",
        "priority": "",
        "organisation": "",
        "tag": "",
        "first_reply_minutes": "4",
        "first_reply_minutes_unit": "hours",
        "next_reply_minutes": "",
        "next_reply_minutes_unit": "hours",
        "periodic_update_minutes": "",
        "periodic_update_minutes_unit": "hours",
        "resolution_minutes": "90",
        "resolution_minutes_unit": "minutes",
        "warning_percent": "75",
        "steps-TOTAL_FORMS": "1",
        "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0",
        "steps-MAX_NUM_FORMS": "1000",
        "steps-0-trigger": "breach",
        "steps-0-target": "first_reply",
        "steps-0-delay_minutes": "10",
        "steps-0-action": "notify_team_lead",
        "steps-0-email": "on",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_an_admin_creates_a_policy_with_an_escalation_step(zofia_client, admin_zofia):
    response = zofia_client.post(f"{SETTINGS}new", policy_form())

    assert response.status_code == 302
    policy = SlaPolicy.objects.get()
    assert (policy.first_reply_minutes, policy.resolution_minutes) == (240, 90)
    assert policy.business_time is False  # the box was not ticked
    [step] = policy.escalation_steps.all()
    assert (step.trigger, step.target, step.delay_minutes, step.action) == (
        "breach",
        "first_reply",
        10,
        "notify_team_lead",
    )
    event = Event.objects.get(kind="sla.policy_saved")
    assert event.actor == admin_zofia
    page = zofia_client.get(SETTINGS).content.decode()
    assert "Standard" in page
    assert "first reply 240 min" in page


def test_the_edit_page_shows_the_policy_and_saves_changes(zofia_client):
    zofia_client.post(f"{SETTINGS}new", policy_form())
    policy = SlaPolicy.objects.get()

    page = zofia_client.get(f"{SETTINGS}{policy.pk}/").content.decode()
    assert 'value="Standard"' in page
    assert 'value="notify_team_lead" selected' in page

    response = zofia_client.post(
        f"{SETTINGS}{policy.pk}/",
        policy_form(first_reply_minutes="30", first_reply_minutes_unit="minutes"),
    )

    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.first_reply_minutes == 30
    assert Event.objects.filter(kind="sla.policy_saved").count() == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"first_reply_minutes": "", "resolution_minutes": ""},
            "A policy needs at least one target.",
        ),
        ({"name": ""}, "This field is required."),
        ({"steps-0-action": "reassign"}, "reassigning needs a fallback team or agent"),
        ({"warning_percent": "0"}, "greater than or equal to 1"),
    ],
)
def test_a_refused_policy_shows_why_and_saves_nothing(zofia_client, overrides, message):
    response = zofia_client.post(f"{SETTINGS}new", policy_form(**overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SlaPolicy.objects.exists()
    assert not Event.objects.filter(kind="sla.policy_saved").exists()


def test_a_duplicate_name_is_shown_on_the_name_field(zofia_client):
    zofia_client.post(f"{SETTINGS}new", policy_form())

    response = zofia_client.post(f"{SETTINGS}new", policy_form())

    assert "Another policy is already called" in response.content.decode()


def test_reorder_deactivate_and_delete(zofia_client):
    zofia_client.post(f"{SETTINGS}new", policy_form(name="Standard"))
    zofia_client.post(f"{SETTINGS}new", policy_form(name="VIP"))
    vip = SlaPolicy.objects.get(name="VIP")

    zofia_client.post(f"{SETTINGS}{vip.pk}/move", {"to": "up"})
    assert list(SlaPolicy.objects.values_list("name", flat=True)) == ["VIP", "Standard"]
    assert Event.objects.get(kind="sla.policies_reordered").data["order"][0] == vip.pk

    zofia_client.post(f"{SETTINGS}{vip.pk}/active", {"active": "0"})
    vip.refresh_from_db()
    assert vip.active is False
    assert "inactive" in zofia_client.get(SETTINGS).content.decode()

    zofia_client.post(f"{SETTINGS}{vip.pk}/delete")
    assert list(SlaPolicy.objects.values_list("name", flat=True)) == ["Standard"]
    assert Event.objects.filter(kind="sla.policy_deleted").count() == 1


def test_a_policy_change_recomputes_open_conversations_after_commit(
    zofia_client, support_team, receive
):
    conversation = receive(
        support_team, "ewa@example.pl", "Faktura", "Proszę o fakturę."
    ).conversation
    zofia_client.post(f"{SETTINGS}new", policy_form())
    wiring.dispatch_pending()  # the worker's dispatch task
    first = ConversationSla.objects.get(conversation=conversation)
    assert first.started_at is not None
    assert first.first_reply_due == first.started_at + timedelta(hours=4)

    zofia_client.post(
        f"{SETTINGS}{first.policy_id}/",
        policy_form(first_reply_minutes="1"),
    )
    wiring.dispatch_pending()

    first.refresh_from_db()
    assert first.first_reply_due == first.started_at + timedelta(hours=1)


HOURS = {
    "time_zone": "Europe/Warsaw",
    "day_0": "09:00-12:00, 13:00-17:00",
    "day_1": "09:00-17:00",
    "country": "PL",
    "subdivision": "",
    "closures": "2026-12-24\n2026-12-31",
    "extra_working_days": "2026-12-27 10:00-14:00",
}


def test_an_admin_sets_business_hours_and_an_event_is_appended(zofia_client, support_team):
    url = f"{SETTINGS}teams/{support_team.pk}/hours"

    response = zofia_client.post(url, HOURS)

    assert response.status_code == 302
    config = WorkingHoursConfig.objects.get(team=support_team)
    assert config.hours == {
        "0": [["09:00", "12:00"], ["13:00", "17:00"]],
        "1": [["09:00", "17:00"]],
    }
    assert config.closures == ["2026-12-24", "2026-12-31"]
    assert config.extra_working_days == {"2026-12-27": [["10:00", "14:00"]]}
    assert Event.objects.get(kind="calendars.working_hours_saved").data["team"] == support_team.pk
    page = zofia_client.get(url).content.decode()
    assert "09:00-12:00, 13:00-17:00" in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"time_zone": "Europe/Atlantis"}, "time_zone", "unknown time zone"),
        ({"day_0": "09:00-13:00, 12:00-17:00"}, None, "overlap"),
        ({"day_2": "nine to five"}, "day_2", "Write intervals as 09:00-17:00"),
        ({"closures": "24/12/2026"}, "closures", "Closures are dates"),
        ({"closures": "2026-12-27"}, None, "both closed and extra working days"),
    ],
)
def test_invalid_business_hours_show_a_clear_error(
    zofia_client, support_team, change, field, message
):
    response = zofia_client.post(f"{SETTINGS}teams/{support_team.pk}/hours", {**HOURS, **change})

    assert response.status_code == 200
    assert message in response.content.decode()
    if field:
        assert message in " ".join(response.context["form"].errors[field])
    assert not WorkingHoursConfig.objects.exists()


@pytest.mark.parametrize(
    "path", ["", "new", "1/", "teams/1/hours"], ids=["list", "new", "edit", "hours"]
)
def test_other_agents_get_a_404(anna_client, support_team, path):
    assert anna_client.get(f"{SETTINGS}{path}").status_code == 404
    assert anna_client.post(f"{SETTINGS}{path}", policy_form()).status_code in (404, 405)
    assert not SlaPolicy.objects.exists()


def test_the_nav_links_settings_only_for_admins(zofia_client, anna_client):
    """The SLA pages are a section of the settings (klient.administration)."""
    assert 'href="/settings/"' in zofia_client.get("/reports/").content.decode()
    assert 'href="/reports/settings/sla/"' in zofia_client.get("/settings/teams/").text
    page = anna_client.get("/reports/").content.decode()
    assert 'href="/reports/"' in page
    assert 'href="/settings/"' not in page
    assert 'href="/reports/settings/sla/"' not in page
