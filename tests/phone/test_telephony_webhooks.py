"""Telephony webhooks through POST /api/v1/telephony/{provider}: a genuine delivery
records the call as a message of the caller's conversation (the caller found by their
number, or created); a replay answers 200 and changes nothing; a forged, unsigned or
stale one gets 401 and changes nothing; a late "ended" updates the same call; a missed
inbound call creates a callback."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
import webhook_requests as signed

from klient.conversations.models import Conversation, Message
from klient.core.models import Event
from klient.people.models import Customer, Identity
from klient.phone.models import Call, Callback, WebhookReceipt

URL = "/api/v1/telephony/"


def post(client, provider, body, headers, content_type="application/json"):
    return client.post(URL + provider, data=body, content_type=content_type, headers=headers)


def _iso(seconds_ago=0):
    return datetime.fromtimestamp(time.time() - seconds_ago, tz=UTC).isoformat()


def missed_call(**changes):
    payload = {
        "call_id": "c-7781",
        "event": "missed",
        "direction": "inbound",
        "from": "+48 601 234 567",
        "to": "+48221234567",
        "started_at": _iso(30),
        "ended_at": _iso(5),
    }
    payload.update(changes)
    return payload


def counts():
    return (
        Call.objects.count(),
        Message.objects.count(),
        Event.objects.count(),
        Callback.objects.count(),
        WebhookReceipt.objects.count(),
    )


def test_a_missed_call_from_a_new_number_opens_a_conversation_a_customer_and_a_callback(
    client, support_number, billing_team
):
    body, headers = signed.generic(missed_call())

    response = post(client, "generic", body, headers)

    assert response.status_code == 200, response.content
    call = Call.objects.get()
    assert response.json() == {"call": call.pk, "changed": True}
    assert (call.direction, call.state, call.outcome) == ("inbound", "missed", "missed")
    assert call.from_number == "+48601234567"
    conversation = call.conversation
    assert conversation.team.name == "Support"
    assert conversation.channel == "phone"
    assert Identity.objects.get(customer=conversation.customer).value == "+48601234567"
    message = call.message
    assert message.kind == "inbound" and message.conversation == conversation
    assert message.shown_text() == "Missed call from +48601234567."
    callback = Callback.objects.get()
    assert (callback.call, callback.phone, callback.state) == (call, "+48601234567", "due")
    kinds = set(Event.objects.filter(conversation=conversation).values_list("kind", flat=True))
    assert {"conversation.created", "call.logged", "callback.requested"} <= kinds


def test_a_second_call_from_the_same_number_joins_the_callers_open_conversation(
    client, support_number
):
    first, headers = signed.generic(missed_call(call_id="c-1"))
    post(client, "generic", first, headers)
    again, headers = signed.generic(missed_call(call_id="c-2", event="ended", answered_at=_iso(20)))

    response = post(client, "generic", again, headers)

    assert response.status_code == 200
    assert Customer.objects.count() == 1
    assert Conversation.objects.count() == 1
    assert Conversation.objects.get().messages.count() == 2


def test_a_call_to_a_number_no_team_has_goes_to_the_first_team(client, billing_team, support_team):
    body, headers = signed.generic(missed_call(to="+48229999999"))

    post(client, "generic", body, headers)

    assert Call.objects.get().conversation.team == min(
        [billing_team, support_team], key=lambda t: t.pk
    )


def test_the_same_delivery_again_answers_200_and_changes_nothing(client, support_number):
    body, headers = signed.generic(missed_call(), webhook_id="msg_once")
    post(client, "generic", body, headers)
    before = counts()

    replay = post(client, "generic", body, headers)

    assert replay.status_code == 200
    assert replay.json()["changed"] is False
    assert counts() == before


def test_the_same_call_event_under_a_new_webhook_id_changes_nothing(client, support_number):
    body, headers = signed.generic(missed_call(), webhook_id="msg_first")
    post(client, "generic", body, headers)
    before = counts()

    body, headers = signed.generic(missed_call(), webhook_id="msg_second")
    response = post(client, "generic", body, headers)

    assert response.json()["changed"] is False
    assert counts() == before


@pytest.mark.parametrize(
    "tamper",
    ["forged_body", "other_secret", "unsigned", "stale"],
)
def test_a_forged_unsigned_or_stale_generic_delivery_gets_401_and_changes_nothing(
    client, support_number, tamper
):
    payload = missed_call()
    if tamper == "other_secret":
        body, headers = signed.generic(payload, secret="whsec_b3RoZXIgc2VjcmV0")
    elif tamper == "stale":
        body, headers = signed.generic(payload, at=int(time.time()) - 301)
    else:
        body, headers = signed.generic(payload)
    if tamper == "forged_body":
        body = body.replace(b"missed", b"ended")
    if tamper == "unsigned":
        headers = {}
    before = counts()

    response = post(client, "generic", body, headers)

    assert response.status_code == 401
    assert counts() == before


def test_a_replay_of_a_receipted_delivery_after_five_minutes_gets_401(client, support_number):
    at = int(time.time()) - 400
    body, headers = signed.generic(missed_call(), webhook_id="msg_old", at=at)
    before = counts()

    assert post(client, "generic", body, headers).status_code == 401
    assert counts() == before


def test_without_a_configured_secret_every_delivery_is_refused(client, support_number, settings):
    body, headers = signed.generic(missed_call())
    settings.KLIENT_TELEPHONY_SECRET = ""

    assert post(client, "generic", body, headers).status_code == 401
    assert Call.objects.count() == 0


def test_a_genuine_delivery_without_a_readable_call_is_422(client, support_number):
    body, headers = signed.generic({"call_id": "x", "event": "exploded"})

    response = post(client, "generic", body, headers)

    assert response.status_code == 422
    assert "missing" in response.json()["detail"]


def test_an_unknown_provider_is_404(client, db):
    assert post(client, "skype", b"{}", {}).status_code == 404


# -- Twilio: a call answered, then completed -------------------------------------------


def _twilio(status, **changes):
    params = {
        "AccountSid": "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        "ApiVersion": "2010-04-01",
        "CallSid": "CA5b2f0d3cc4a5e1f9f6a7b8c9d0e1f2a3",
        "CallStatus": status,
        "Direction": "inbound",
        "From": "+48601234567",
        "To": "+48221234567",
        "Timestamp": time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime()),
        "CallbackSource": "call-progress-events",
    }
    params.update(changes)
    return params


def test_twilio_status_callbacks_update_one_call_from_ringing_to_completed(client, support_number):
    form = "application/x-www-form-urlencoded"
    for status, extra in [
        ("ringing", {}),
        ("in-progress", {}),
        ("completed", {"CallDuration": "187"}),
    ]:
        body, headers = signed.twilio(_twilio(status, **extra))
        assert post(client, "twilio", body, headers, form).status_code == 200

    call = Call.objects.get()
    assert (call.provider, call.state, call.outcome, call.duration_seconds) == (
        "twilio",
        "ended",
        "answered",
        187,
    )
    assert call.message.shown_text() == "Call from +48601234567 (3 min 7 s)."
    assert Message.objects.count() == 1
    assert Callback.objects.count() == 0


def test_a_forged_or_unsigned_twilio_callback_gets_401(client, support_number):
    form = "application/x-www-form-urlencoded"
    body, headers = signed.twilio(_twilio("no-answer"))
    forged = body.replace(b"no-answer", b"completed")

    assert post(client, "twilio", forged, headers, form).status_code == 401
    assert post(client, "twilio", body, {}, form).status_code == 401
    assert Call.objects.count() == 0


# -- Vonage --------------------------------------------------------------------------------


def _vonage(status, **changes):
    payload = {
        "from": "48601234567",
        "to": "48221234567",
        "uuid": "63f61863-4a51-4f6b-86e1-46edebcf9356",
        "conversation_uuid": "CON-f972836a-550f-45fa-956c-12a2ab5b7d22",
        "status": status,
        "direction": "inbound",
        "timestamp": _iso(),
    }
    payload.update(changes)
    return payload


def test_a_vonage_unanswered_call_is_missed_and_creates_a_callback(client, support_number):
    body, headers = signed.vonage(_vonage("unanswered"))

    response = post(client, "vonage", body, headers)

    assert response.status_code == 200, response.content
    call = Call.objects.get()
    assert (call.provider, call.state, call.from_number) == ("vonage", "missed", "+48601234567")
    assert Callback.objects.get().call == call


def test_a_stale_or_forged_vonage_event_gets_401(client, support_number):
    body, headers = signed.vonage(_vonage("completed"), iat=int(time.time()) - 600)
    assert post(client, "vonage", body, headers).status_code == 401
    body, headers = signed.vonage(_vonage("completed"), secret="not the secret")
    assert post(client, "vonage", body, headers).status_code == 401
    assert Call.objects.count() == 0


# -- Aircall: hung up, then ended 30 s later ----------------------------------------------


def _aircall_call(**changes):
    now = int(time.time())
    data = {
        "id": 812345678,
        "direct_link": "https://api.aircall.io/v1/calls/812345678",
        "direction": "inbound",
        "status": "done",
        "started_at": now - 200,
        "answered_at": now - 190,
        "ended_at": now - 5,
        "duration": None,
        "raw_digits": "+48 601 234 567",
        "number": {"id": 1234, "digits": "+48 22 123 45 67", "name": "Support"},
        "user": {"id": 4567, "name": "Anna Nowak", "email": "anna@shop.example"},
        "recording": None,
        "missed_call_reason": None,
    }
    data.update(changes)
    return data


def test_a_late_aircall_call_ended_after_call_hungup_updates_the_same_call(
    client, support_number, agent_anna
):
    body, headers = signed.aircall("call.hungup", _aircall_call())
    assert post(client, "aircall", body, headers).status_code == 200
    recording = "https://recordings.aircall.io/812345678.mp3"
    body, headers = signed.aircall("call.ended", _aircall_call(duration=185, recording=recording))

    response = post(client, "aircall", body, headers)

    assert response.json()["changed"] is True
    call = Call.objects.get()
    assert (call.state, call.duration_seconds, call.recording_url) == ("ended", 185, recording)
    assert call.agent == agent_anna
    assert Message.objects.count() == 1
    assert "3 min 5 s" in call.message.shown_text()
    assert Event.objects.filter(kind="call.updated").count() == 1


def test_an_aircall_event_with_a_wrong_token_or_an_old_timestamp_gets_401(client, support_number):
    body, headers = signed.aircall("call.ended", _aircall_call(), token="wrong")
    assert post(client, "aircall", body, headers).status_code == 401
    body, headers = signed.aircall("call.ended", _aircall_call(), at=int(time.time()) - 301)
    assert post(client, "aircall", body, headers).status_code == 401
    assert post(client, "aircall", b"not json", {}).status_code == 401
    assert Call.objects.count() == 0


def test_the_same_vonage_token_again_is_a_replay_even_for_another_event(client, support_number):
    body, headers = signed.vonage(_vonage("started"))
    post(client, "vonage", body, headers)
    before = counts()
    # A second body under the first delivery's JWT fails its payload_hash: refused.
    other = signed.vonage(_vonage("answered"))[0]

    assert post(client, "vonage", other, headers).status_code == 401
    assert post(client, "vonage", body, headers).json()["changed"] is False
    assert counts() == before
    assert WebhookReceipt.objects.filter(provider="vonage", key__startswith="id:").count() == 1


def test_a_call_id_or_recording_url_too_long_to_keep_is_422_not_cut(client, support_number):
    body, headers = signed.generic(missed_call(call_id="c" * 201))
    assert post(client, "generic", body, headers).status_code == 422
    long_url = "https://rec.example/" + "a" * 2000
    body, headers = signed.generic(missed_call(recording_url=long_url))
    assert post(client, "generic", body, headers).status_code == 422
    assert Call.objects.count() == 0
