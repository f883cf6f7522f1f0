"""Is this telephony webhook genuine? One check per provider, pure Python (no Django), so
each is tested on payloads written from the provider's documentation.

Every check answers with a Verdict: genuine or not, and why not (for the log, never for
the caller, who only learns 401). A signature is compared in constant time; a delivery
whose own timestamp is more than MAX_AGE away from now is refused even when correctly
signed, so a captured request cannot be replayed later (a replay inside the window is
caught by the receipts, klient.phone.models.WebhookReceipt)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

MAX_AGE = timedelta(minutes=5)


@dataclass(frozen=True)
class Verdict:
    genuine: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.genuine


GENUINE = Verdict(True)


def _refused(reason: str) -> Verdict:
    return Verdict(False, reason)


def _fresh(sent_at: datetime, now: datetime) -> bool:
    return abs(now - sent_at) <= MAX_AGE


def _epoch(value: object) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(str(value)), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


# -- generic: Standard Webhooks -------------------------------------------------------------


def standard_webhooks_key(secret: str) -> bytes:
    """The HMAC key a KLIENT_TELEPHONY_SECRET names: a `whsec_…` value is base64 (the
    Standard Webhooks form), any other value is used as its UTF-8 bytes."""
    if secret.startswith("whsec_"):
        try:
            return base64.b64decode(secret.removeprefix("whsec_"), validate=True)
        except binascii.Error:
            return secret.encode()
    return secret.encode()


def standard_webhooks_signature(key: bytes, webhook_id: str, timestamp: str, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`."""
    signed = webhook_id.encode() + b"." + timestamp.encode() + b"." + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def verify_generic(
    headers: Mapping[str, str], body: bytes, *, secret: str, now: datetime
) -> Verdict:
    """webhook-id, webhook-timestamp (Unix seconds) and webhook-signature, a
    space-separated list of `v1,<signature>` (several while a secret is rotated)."""
    if not secret:
        return _refused("KLIENT_TELEPHONY_SECRET is not set")
    webhook_id = headers.get("webhook-id", "")
    timestamp = headers.get("webhook-timestamp", "")
    signatures = headers.get("webhook-signature", "")
    if not (webhook_id and timestamp and signatures):
        return _refused("unsigned: a webhook-id, webhook-timestamp or webhook-signature is missing")
    sent_at = _epoch(timestamp)
    if sent_at is None:
        return _refused("webhook-timestamp is not Unix seconds")
    expected = standard_webhooks_signature(
        standard_webhooks_key(secret), webhook_id, timestamp, body
    )
    if not any(hmac.compare_digest(expected, given) for given in signatures.split()):
        return _refused("no webhook-signature matches")
    if not _fresh(sent_at, now):
        return _refused("webhook-timestamp is more than 5 minutes from now")
    return GENUINE


# -- Twilio ---------------------------------------------------------------------------------


def twilio_signature(url: str, params: Mapping[str, str], auth_token: str) -> str:
    """Base64 HMAC-SHA1 of the full URL followed by each POST parameter's name and value,
    sorted by name (Twilio's "Validating requests")."""
    signed = url + "".join(name + params[name] for name in sorted(params))
    digest = hmac.new(auth_token.encode(), signed.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def verify_twilio(
    url: str,
    params: Mapping[str, str],
    signature: str,
    *,
    auth_token: str,
    now: datetime,
) -> Verdict:
    """X-Twilio-Signature over the URL and the form parameters. A status callback carries
    its Timestamp (RFC 2822) among the signed parameters: an old one is refused."""
    if not auth_token:
        return _refused("KLIENT_TWILIO_AUTH_TOKEN is not set")
    if not signature:
        return _refused("unsigned: no X-Twilio-Signature")
    if not hmac.compare_digest(twilio_signature(url, params, auth_token), signature):
        return _refused("X-Twilio-Signature does not match")
    if stamp := params.get("Timestamp", ""):
        from email.utils import parsedate_to_datetime

        try:
            sent_at = parsedate_to_datetime(stamp)
        except (TypeError, ValueError):
            return _refused("Timestamp is not an RFC 2822 date")
        if sent_at.tzinfo is None or not _fresh(sent_at, now):
            return _refused("Timestamp is more than 5 minutes from now")
    return GENUINE


# -- Vonage: a JWT, HS256 -------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def vonage_token(claims: Mapping[str, object], secret: str) -> str:
    """A JWT signed HS256, as Vonage signs its callbacks (used by tests and the bench)."""
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = _b64url(json.dumps(dict(claims), separators=(",", ":")).encode())
    signing_input = f"{header}.{payload}".encode()
    signature = hmac.new(secret.encode(), signing_input, hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64url(signature)}"


def verify_vonage(authorization: str, body: bytes, *, secret: str, now: datetime) -> Verdict:
    """`Authorization: Bearer <JWT>`: HS256 with the signature secret (any other
    algorithm is refused: no "none", no key confusion), `iat` within 5 minutes, and a
    `payload_hash` claim, when present, equal to the SHA-256 of the body (Vonage puts it
    there so the body cannot be swapped under a valid token)."""
    if not secret:
        return _refused("KLIENT_VONAGE_SIGNATURE_SECRET is not set")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or token.count(".") != 2:
        return _refused("unsigned: no Bearer JWT")
    header_part, payload_part, signature_part = token.strip().split(".")
    try:
        header = json.loads(_unb64url(header_part))
        claims = json.loads(_unb64url(payload_part))
        signature = _unb64url(signature_part)
    except (ValueError, binascii.Error):
        return _refused("the JWT is not well formed")
    if not isinstance(header, dict) or header.get("alg") != "HS256":
        return _refused("the JWT is not signed HS256")
    expected = hmac.new(
        secret.encode(), f"{header_part}.{payload_part}".encode(), hashlib.sha256
    ).digest()
    if not hmac.compare_digest(expected, signature):
        return _refused("the JWT signature does not match")
    if not isinstance(claims, dict):
        return _refused("the JWT claims are not an object")
    issued = _epoch(claims.get("iat"))
    if issued is None or not _fresh(issued, now):
        return _refused("the JWT iat is missing or more than 5 minutes from now")
    expires = claims.get("exp")
    if expires is not None and ((at := _epoch(expires)) is None or at < now):
        return _refused("the JWT has expired")
    if "payload_hash" in claims:
        digest = hashlib.sha256(body).hexdigest()
        if not hmac.compare_digest(str(claims["payload_hash"]), digest):
            return _refused("payload_hash does not match the body")
    return GENUINE


def vonage_delivery_id(authorization: str) -> str:
    """The `jti` of a Bearer JWT already verified (verify_vonage): Vonage's id of this
    delivery, so the same token again is a replay."""
    token = authorization.partition(" ")[2].strip()
    try:
        claims = json.loads(_unb64url(token.split(".")[1]))
    except (IndexError, ValueError, binascii.Error):
        return ""
    return str(claims.get("jti", ""))[:200] if isinstance(claims, dict) else ""


# -- Aircall: a token in the body ------------------------------------------------------------


def verify_aircall(payload: Mapping[str, object], *, token: str, now: datetime) -> Verdict:
    """The body's `token` equal to the webhook's token (constant time), and its
    `timestamp` (Unix seconds) within 5 minutes."""
    if not token:
        return _refused("KLIENT_AIRCALL_TOKEN is not set")
    given = payload.get("token")
    if not isinstance(given, str) or not given:
        return _refused("unsigned: no token in the body")
    if not hmac.compare_digest(given.encode(), token.encode()):
        return _refused("the token does not match")
    sent_at = _epoch(payload.get("timestamp"))
    if sent_at is None or not _fresh(sent_at, now):
        return _refused("timestamp is missing or more than 5 minutes from now")
    return GENUINE
