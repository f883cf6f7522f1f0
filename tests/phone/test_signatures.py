"""Each provider's signature check on payloads written after the provider's own webhook
reference: a genuine delivery passes; a forged, unsigned or stale one does not, and why
is said (for the log). Pure: no database."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

from klient.phone import signatures as sig

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
EPOCH = int(NOW.timestamp())

# -- generic (Standard Webhooks) ---------------------------------------------------------

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
BODY = json.dumps(
    {
        "call_id": "c-7781",
        "event": "missed",
        "direction": "inbound",
        "from": "+48601234567",
        "to": "+48221234567",
        "started_at": "2026-12-07T12:59:40+01:00",
    }
).encode()


def _generic(body=BODY, *, secret=SECRET, at=EPOCH, webhook_id="msg_2KWPBgLlAfxdpx2AI54pPJ85f4W"):
    key = sig.standard_webhooks_key(secret)
    return {
        "webhook-id": webhook_id,
        "webhook-timestamp": str(at),
        "webhook-signature": sig.standard_webhooks_signature(key, webhook_id, str(at), body),
    }


def test_a_standard_webhooks_delivery_signed_with_the_whsec_key_is_genuine():
    assert sig.verify_generic(_generic(), BODY, secret=SECRET, now=NOW)


def test_the_whsec_secret_is_base64_decoded_and_any_other_is_used_as_utf8():
    assert sig.standard_webhooks_key("whsec_aGVsbG8=") == b"hello"
    assert sig.standard_webhooks_key("plain secret") == b"plain secret"
    plain = "not-a-whsec-secret"
    assert sig.verify_generic(_generic(secret=plain), BODY, secret=plain, now=NOW)


def test_the_standard_webhooks_example_signature_matches():
    """The worked example of the Standard Webhooks specification."""
    key = sig.standard_webhooks_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    body = b'{"test": 2432232314}'
    assert (
        sig.standard_webhooks_signature(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", "1614265330", body)
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )


def test_one_of_several_signatures_matching_is_enough_while_a_secret_is_rotated():
    headers = _generic()
    headers["webhook-signature"] = "v1,Zm9yZ2Vk " + headers["webhook-signature"]
    assert sig.verify_generic(headers, BODY, secret=SECRET, now=NOW)


def test_a_forged_body_under_a_genuine_signature_is_refused():
    forged = BODY.replace(b"missed", b"ended")
    verdict = sig.verify_generic(_generic(), forged, secret=SECRET, now=NOW)
    assert not verdict and "signature" in verdict.reason


def test_a_delivery_signed_with_another_secret_is_refused():
    assert not sig.verify_generic(_generic(secret="whsec_b3RoZXI="), BODY, secret=SECRET, now=NOW)


def test_an_unsigned_delivery_is_refused():
    headers = _generic()
    del headers["webhook-signature"]
    assert sig.verify_generic(headers, BODY, secret=SECRET, now=NOW).reason.startswith("unsigned")


def test_a_genuine_delivery_over_five_minutes_old_is_refused():
    stale = EPOCH - 301
    verdict = sig.verify_generic(_generic(at=stale), BODY, secret=SECRET, now=NOW)
    assert not verdict and "5 minutes" in verdict.reason
    assert sig.verify_generic(_generic(at=EPOCH - 300), BODY, secret=SECRET, now=NOW)


def test_without_a_configured_secret_nothing_is_genuine():
    assert not sig.verify_generic(_generic(), BODY, secret="", now=NOW)


# -- Twilio ------------------------------------------------------------------------------

TWILIO_TOKEN = "12345678901234567890123456789012"
TWILIO_URL = "https://desk.shop.example/api/v1/telephony/twilio"


def _status_callback(**changes):
    """A Voice status callback as Twilio posts it (form parameters)."""
    params = {
        "AccountSid": "ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX",
        "ApiVersion": "2010-04-01",
        "CallSid": "CA5b2f0d3cc4a5e1f9f6a7b8c9d0e1f2a3",
        "CallStatus": "completed",
        "CallDuration": "187",
        "Direction": "inbound",
        "From": "+48601234567",
        "To": "+48221234567",
        "Timestamp": "Mon, 07 Dec 2026 11:59:30 +0000",
        "CallbackSource": "call-progress-events",
        "SequenceNumber": "3",
    }
    params.update(changes)
    return params


def test_twilio_signs_the_url_and_the_sorted_parameters_with_hmac_sha1():
    """Twilio's documented example: the URL, then each parameter name and value sorted."""
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    assert (
        sig.twilio_signature("https://mycompany.com/myapp.php?foo=1&bar=2", params, "12345")
        == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    )


def test_a_twilio_status_callback_with_its_signature_is_genuine():
    params = _status_callback()
    signature = sig.twilio_signature(TWILIO_URL, params, TWILIO_TOKEN)
    assert sig.verify_twilio(TWILIO_URL, params, signature, auth_token=TWILIO_TOKEN, now=NOW)


def test_a_twilio_callback_with_a_changed_parameter_or_url_is_refused():
    params = _status_callback()
    signature = sig.twilio_signature(TWILIO_URL, params, TWILIO_TOKEN)
    forged = _status_callback(CallStatus="no-answer")
    assert not sig.verify_twilio(TWILIO_URL, forged, signature, auth_token=TWILIO_TOKEN, now=NOW)
    other_url = "https://attacker.example/api/v1/telephony/twilio"
    assert not sig.verify_twilio(other_url, params, signature, auth_token=TWILIO_TOKEN, now=NOW)


def test_an_unsigned_or_stale_twilio_callback_is_refused():
    params = _status_callback()
    assert not sig.verify_twilio(TWILIO_URL, params, "", auth_token=TWILIO_TOKEN, now=NOW)
    stale = _status_callback(Timestamp="Mon, 07 Dec 2026 11:54:00 +0000")
    signature = sig.twilio_signature(TWILIO_URL, stale, TWILIO_TOKEN)
    verdict = sig.verify_twilio(TWILIO_URL, stale, signature, auth_token=TWILIO_TOKEN, now=NOW)
    assert not verdict and "5 minutes" in verdict.reason


# -- Vonage ------------------------------------------------------------------------------

VONAGE_SECRET = "vonage-signature-secret-for-tests"
VONAGE_BODY = json.dumps(
    {
        "start_time": "2026-12-07T11:55:02.000Z",
        "rate": "0.01270000",
        "from": "48601234567",
        "to": "48221234567",
        "uuid": "63f61863-4a51-4f6b-86e1-46edebcf9356",
        "conversation_uuid": "CON-f972836a-550f-45fa-956c-12a2ab5b7d22",
        "status": "completed",
        "direction": "inbound",
        "duration": "245",
        "end_time": "2026-12-07T11:59:07.000Z",
        "timestamp": "2026-12-07T11:59:07.612Z",
    }
).encode()


def _vonage_claims(body=VONAGE_BODY, **changes):
    """The claims Vonage puts in a signed callback's JWT."""
    claims = {
        "iat": EPOCH - 10,
        "jti": "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        "iss": "Vonage",
        "payload_hash": hashlib.sha256(body).hexdigest(),
        "api_key": "a1b2c3d4",
        "application_id": "aaaaaaaa-bbbb-cccc-dddd-0123456789ab",
    }
    claims.update(changes)
    return claims


def _bearer(claims, secret=VONAGE_SECRET):
    return "Bearer " + sig.vonage_token(claims, secret)


def test_a_vonage_event_with_its_hs256_jwt_is_genuine():
    assert sig.verify_vonage(_bearer(_vonage_claims()), VONAGE_BODY, secret=VONAGE_SECRET, now=NOW)


def test_a_vonage_jwt_signed_with_another_secret_is_refused():
    bearer = _bearer(_vonage_claims(), secret="another secret")
    assert not sig.verify_vonage(bearer, VONAGE_BODY, secret=VONAGE_SECRET, now=NOW)


def test_a_swapped_body_under_a_genuine_vonage_jwt_is_refused_by_its_payload_hash():
    swapped = VONAGE_BODY.replace(b'"completed"', b'"unanswered"')
    verdict = sig.verify_vonage(_bearer(_vonage_claims()), swapped, secret=VONAGE_SECRET, now=NOW)
    assert not verdict and "payload_hash" in verdict.reason


def test_an_unsigned_a_none_algorithm_or_a_stale_vonage_jwt_is_refused():
    assert not sig.verify_vonage("", VONAGE_BODY, secret=VONAGE_SECRET, now=NOW)
    token = sig.vonage_token(_vonage_claims(), VONAGE_SECRET)
    _, payload, _ = token.split(".")
    none_header = sig._b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    unsigned = f"Bearer {none_header}.{payload}."
    assert not sig.verify_vonage(unsigned, VONAGE_BODY, secret=VONAGE_SECRET, now=NOW)
    stale = _bearer(_vonage_claims(iat=EPOCH - 301))
    verdict = sig.verify_vonage(stale, VONAGE_BODY, secret=VONAGE_SECRET, now=NOW)
    assert not verdict and "iat" in verdict.reason


# -- Aircall -----------------------------------------------------------------------------

AIRCALL_TOKEN = "45b5f2a31a9e4d6e8f0c1b2a3d4e5f60"


def _aircall(**changes):
    payload = {
        "resource": "call",
        "event": "call.ended",
        "timestamp": EPOCH,
        "token": AIRCALL_TOKEN,
    }
    payload.update(changes)
    return payload


def test_an_aircall_event_with_the_webhook_token_is_genuine():
    assert sig.verify_aircall(_aircall(), token=AIRCALL_TOKEN, now=NOW)


def test_an_aircall_event_with_another_or_no_token_is_refused():
    assert not sig.verify_aircall(_aircall(token="0" * 32), token=AIRCALL_TOKEN, now=NOW)
    payload = _aircall()
    del payload["token"]
    assert sig.verify_aircall(payload, token=AIRCALL_TOKEN, now=NOW).reason.startswith("unsigned")


def test_an_aircall_event_over_five_minutes_old_is_refused():
    stale = _aircall(timestamp=int((NOW - timedelta(minutes=6)).timestamp()))
    assert not sig.verify_aircall(stale, token=AIRCALL_TOKEN, now=NOW)
