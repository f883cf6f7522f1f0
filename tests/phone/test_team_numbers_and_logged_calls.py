"""A team's phone numbers are its phone endpoints (PATCH /api/v1/teams/{id}
{"phone_numbers": [...]}), and a call to one comes to that team; an agent logs a call by
hand in a conversation (POST /api/v1/conversations/{ref}/calls), and a missed inbound one
creates a callback."""

from __future__ import annotations

import webhook_requests as signed
from test_telephony_webhooks import missed_call, post

from klient.core.models import Event
from klient.people.models import Endpoint
from klient.phone.models import Call, Callback


def test_an_admin_gives_a_team_its_phone_numbers_and_calls_to_them_come_there(
    call, client, admin_zofia, support_team, billing_team
):
    response = call(
        admin_zofia,
        "patch",
        f"/api/v1/teams/{billing_team.pk}",
        {"phone_numbers": ["22 765 43 21", "+48227654321", "+48 22 111 22 33"]},
    )

    assert response.status_code == 200, response.content
    assert response.json()["phone_numbers"] == ["+48221112233", "+48227654321"]
    assert Event.objects.filter(kind="team.endpoint_added", data__kind="phone").count() == 2
    body, headers = signed.generic(missed_call(to="+48227654321"))
    post(client, "generic", body, headers)
    assert Call.objects.get().conversation.team == billing_team


def test_a_number_of_another_team_or_no_number_at_all_is_refused(
    call, admin_zofia, support_team, billing_team
):
    call(
        admin_zofia,
        "patch",
        f"/api/v1/teams/{support_team.pk}",
        {"phone_numbers": ["+48221234567"]},
    )

    taken = call(
        admin_zofia,
        "patch",
        f"/api/v1/teams/{billing_team.pk}",
        {"phone_numbers": ["+48221234567"]},
    )
    nonsense = call(
        admin_zofia, "patch", f"/api/v1/teams/{billing_team.pk}", {"phone_numbers": ["call me"]}
    )

    assert taken.status_code == 422 and "another team" in taken.json()["detail"]
    assert nonsense.status_code == 422
    assert list(Endpoint.objects.filter(kind="phone").values_list("team", flat=True)) == [
        support_team.pk
    ]


def test_removing_a_number_from_the_list_removes_the_endpoint(call, admin_zofia, support_team):
    url = f"/api/v1/teams/{support_team.pk}"
    call(admin_zofia, "patch", url, {"phone_numbers": ["+48221234567", "+48221234568"]})

    response = call(admin_zofia, "patch", url, {"phone_numbers": ["+48221234568"]})

    assert response.json()["phone_numbers"] == ["+48221234568"]
    assert Event.objects.filter(kind="team.endpoint_removed", data__kind="phone").count() == 1


def test_an_agent_logs_an_answered_outbound_call_in_the_conversation_timeline(
    call, agent_anna, luc_power_cut
):
    response = call(
        agent_anna,
        "post",
        f"/api/v1/conversations/{luc_power_cut.reference}/calls",
        {
            "direction": "outbound",
            "number": "+33 6 12 34 56 78",
            "outcome": "answered",
            "duration_seconds": 95,
            "notes": "Told Luc the engineer comes on Thursday morning.",
            "transcript": "Bonjour Luc…",
        },
    )

    assert response.status_code == 201, response.content
    out = response.json()
    assert (out["direction"], out["to"], out["outcome"], out["callback"]) == (
        "outbound",
        "+33612345678",
        "answered",
        None,
    )
    assert out["agent"]["email"] == "anna@shop.example"
    call_row = Call.objects.get()
    assert call_row.message.conversation == luc_power_cut
    assert call_row.message.shown_text() == (
        "Call to +33612345678 (1 min 35 s).\n\nTold Luc the engineer comes on Thursday morning."
    )
    assert Event.objects.filter(conversation=luc_power_cut, kind="call.logged").count() == 1


def test_a_missed_inbound_call_logged_by_hand_creates_a_callback(call, agent_anna, luc_power_cut):
    response = call(
        agent_anna,
        "post",
        f"/api/v1/conversations/{luc_power_cut.reference}/calls",
        {"direction": "inbound", "number": "+33612345678", "outcome": "missed"},
    )

    assert response.status_code == 201
    callback = Callback.objects.get()
    assert response.json()["callback"] == callback.pk
    assert (callback.conversation, callback.phone) == (luc_power_cut, "+33612345678")


def test_a_logged_call_with_an_unknown_outcome_or_number_is_refused(
    call, agent_anna, luc_power_cut
):
    url = f"/api/v1/conversations/{luc_power_cut.reference}/calls"
    bad_outcome = call(
        agent_anna,
        "post",
        url,
        {"direction": "inbound", "number": "+33612345678", "outcome": "great"},
    )
    bad_number = call(
        agent_anna, "post", url, {"direction": "inbound", "number": "hello", "outcome": "missed"}
    )

    assert bad_outcome.status_code == 422 and "outcome" in bad_outcome.json()["detail"]
    assert bad_number.status_code == 422
    assert Call.objects.count() == 0


def test_an_agent_outside_the_team_cannot_log_a_call_there(call, agent_bruno, luc_power_cut):
    response = call(
        agent_bruno,
        "post",
        f"/api/v1/conversations/{luc_power_cut.reference}/calls",
        {"direction": "inbound", "number": "+33612345678", "outcome": "missed"},
    )

    assert response.status_code == 404
    assert Call.objects.count() == 0


def test_a_recording_file_becomes_a_downloadable_attachment_of_the_call(
    call, client, agent_anna, luc_power_cut
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    audio = b"ID3\x03\x00\x00\x00\x00\x00\x00 not really an mp3 \x00\xff"
    uploaded = client.post(
        "/api/v1/uploads",
        {"file": SimpleUploadedFile("appel-luc.mp3", audio, content_type="audio/mpeg")},
        headers={"Authorization": f"Bearer {agent_anna.api_token}"},
    ).json()

    response = call(
        agent_anna,
        "post",
        f"/api/v1/conversations/{luc_power_cut.reference}/calls",
        {
            "direction": "inbound",
            "number": "+33612345678",
            "outcome": "answered",
            "duration_seconds": 60,
            "recording": uploaded["id"],
        },
    )

    assert response.status_code == 201, response.content
    attachment = response.json()["recording_attachment"]
    download = call(agent_anna, "get", f"/api/v1/attachments/{attachment}")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == audio
    assert "attachment" in download["Content-Disposition"]


def test_someone_elses_upload_cannot_be_a_recording(
    call, client, agent_anna, admin_zofia, luc_power_cut
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    theirs = client.post(
        "/api/v1/uploads",
        {"file": SimpleUploadedFile("x.mp3", b"ID3", content_type="audio/mpeg")},
        headers={"Authorization": f"Bearer {admin_zofia.api_token}"},
    ).json()

    response = call(
        agent_anna,
        "post",
        f"/api/v1/conversations/{luc_power_cut.reference}/calls",
        {
            "direction": "inbound",
            "number": "+33612345678",
            "outcome": "answered",
            "recording": theirs["id"],
        },
    )

    assert response.status_code == 404
    assert Call.objects.count() == 0


def test_an_agent_logs_a_call_from_the_conversation_page(client, agent_anna, luc_power_cut):
    client.force_login(agent_anna)
    page = client.get(f"/c/{luc_power_cut.reference}/").content.decode()
    assert 'id="log-call-title"' in page

    response = client.post(
        f"/callbacks/calls/{luc_power_cut.reference}/",
        {
            "direction": "outbound",
            "number": "+33612345678",
            "outcome": "voicemail",
            "minutes": "0.5",
            "notes": "Left a message about Thursday.",
        },
        follow=True,
    )

    assert "The call was logged." in response.content.decode()
    logged = Call.objects.get()
    assert (logged.outcome, logged.duration_seconds, logged.agent) == ("voicemail", 30, agent_anna)
    refused = client.post(
        f"/callbacks/calls/{luc_power_cut.reference}/",
        {"direction": "outbound", "number": "not a number", "outcome": "answered"},
        follow=True,
    )
    assert "Give the direction" in refused.content.decode()
    assert Call.objects.count() == 1
