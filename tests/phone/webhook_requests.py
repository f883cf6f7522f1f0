"""Deliveries as each provider sends them, signed with the test secrets (conftest)."""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from urllib.parse import urlencode

from klient.phone import signatures as sig

BASE = "https://desk.shop.example"
GENERIC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
TWILIO_TOKEN = "12345678901234567890123456789012"
VONAGE_SECRET = "vonage-signature-secret-for-tests"
AIRCALL_TOKEN = "45b5f2a31a9e4d6e8f0c1b2a3d4e5f60"
SUPPORT_NUMBER = "+48221234567"


def generic(payload: dict, *, webhook_id: str = "", at: int | None = None, secret=GENERIC_SECRET):
    """(body, headers) of a Standard Webhooks delivery."""
    body = json.dumps(payload).encode()
    webhook_id = webhook_id or f"msg_{uuid.uuid4().hex}"
    stamp = str(at if at is not None else int(time.time()))
    signature = sig.standard_webhooks_signature(
        sig.standard_webhooks_key(secret), webhook_id, stamp, body
    )
    return body, {
        "webhook-id": webhook_id,
        "webhook-timestamp": stamp,
        "webhook-signature": signature,
    }


def twilio(params: dict, *, path="/api/v1/telephony/twilio", token=TWILIO_TOKEN):
    body = urlencode(params).encode()
    return body, {"X-Twilio-Signature": sig.twilio_signature(BASE + path, params, token)}


def vonage(payload: dict, *, iat: int | None = None, secret=VONAGE_SECRET):
    body = json.dumps(payload).encode()
    claims = {
        "iat": iat if iat is not None else int(time.time()),
        "jti": str(uuid.uuid4()),
        "iss": "Vonage",
        "payload_hash": hashlib.sha256(body).hexdigest(),
        "application_id": "aaaaaaaa-bbbb-cccc-dddd-0123456789ab",
    }
    return body, {"Authorization": "Bearer " + sig.vonage_token(claims, secret)}


def aircall(event: str, data: dict, *, token=AIRCALL_TOKEN, at: int | None = None):
    payload = {
        "resource": "call",
        "event": event,
        "timestamp": at if at is not None else int(time.time()),
        "token": token,
        "data": data,
    }
    return json.dumps(payload).encode(), {}
