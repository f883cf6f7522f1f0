"""Standard Webhooks signatures (pure): secrets, the signed content and the header value.

A secret is `whsec_` followed by the base64 of 32 random bytes; the key is those bytes. A
message's signature is `v1,` + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}")); during
a secret rotation the header carries one such entry per valid secret, separated by spaces,
and a receiver accepts the message if any of them matches."""

from __future__ import annotations

import base64
import secrets
from collections.abc import Iterable

from klient.phone.signatures import standard_webhooks_signature

PREFIX = "whsec_"
KEY_BYTES = 32


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")


def key_of(secret: str) -> bytes:
    """The HMAC key: the base64-decoded part after `whsec_`."""
    if not secret.startswith(PREFIX):
        raise ValueError("a webhook secret starts with whsec_")
    return base64.b64decode(secret[len(PREFIX) :], validate=True)


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """One `v1,<base64>` signature of this message under this secret (the same function
    that checks the telephony providers' Standard Webhooks deliveries)."""
    return standard_webhooks_signature(key_of(secret), msg_id, str(timestamp), body)


def signature_header(secrets_: Iterable[str], msg_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value: one signature per secret, newest first."""
    return " ".join(sign(secret, msg_id, timestamp, body) for secret in secrets_)


def headers(secrets_: Iterable[str], msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """Every header a delivery carries."""
    return {
        "Content-Type": "application/json",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature_header(secrets_, msg_id, timestamp, body),
    }
