"""A telephony webhook: check it is genuine, read it, record it.

The entry point (klient.api.phone) hands over the raw request parts; this module picks the
provider's check (klient.phone.signatures) and reader (klient.phone.providers) with the
secret from settings, and refuses before anything is read or written."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from django.conf import settings
from django.utils import timezone

from . import actions, providers, signatures
from .models import Call

logger = logging.getLogger(__name__)


class NotGenuine(Exception):
    """Forged, unsigned or stale: 401, and nothing changes."""


class UnknownProvider(LookupError):
    pass


@dataclass(frozen=True)
class Delivery:
    """One webhook request as it came: the URL it was sent to (Twilio signs it), the
    headers (lower-case names), the raw body."""

    url: str
    headers: Mapping[str, str]
    body: bytes
    content_type: str = ""


def _json(body: bytes) -> dict[str, Any]:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise providers.UnreadablePayload("the body is not JSON") from None
    if not isinstance(payload, dict):
        raise providers.UnreadablePayload("the body is not a JSON object")
    return payload


def _refuse(provider: str, verdict: signatures.Verdict) -> None:
    if not verdict:
        logger.warning("telephony webhook refused (%s): %s", provider, verdict.reason)
        raise NotGenuine(verdict.reason)


def receive(provider: str, delivery: Delivery) -> tuple[Call | None, bool]:
    """Check, read and record one delivery; returns (call, changed). NotGenuine when it
    is forged, unsigned or older than 5 minutes; UnreadablePayload when genuine but
    meaningless."""
    now = timezone.now()
    headers = delivery.headers
    webhook_id = ""
    if provider == "generic":
        _refuse(
            provider,
            signatures.verify_generic(
                headers, delivery.body, secret=settings.KLIENT_TELEPHONY_SECRET, now=now
            ),
        )
        webhook_id = headers.get("webhook-id", "")
        report = providers.read_generic(_json(delivery.body))
    elif provider == "twilio":
        try:
            params = dict(
                parse_qsl(delivery.body.decode(), keep_blank_values=True, strict_parsing=False)
            )
        except UnicodeDecodeError:
            raise NotGenuine("the body is not form data") from None
        _refuse(
            provider,
            signatures.verify_twilio(
                delivery.url,
                params,
                headers.get("x-twilio-signature", ""),
                auth_token=settings.KLIENT_TWILIO_AUTH_TOKEN,
                now=now,
            ),
        )
        webhook_id = headers.get("i-twilio-idempotency-token", "")
        report = providers.read_twilio(params)
    elif provider == "vonage":
        _refuse(
            provider,
            signatures.verify_vonage(
                headers.get("authorization", ""),
                delivery.body,
                secret=settings.KLIENT_VONAGE_SIGNATURE_SECRET,
                now=now,
            ),
        )
        webhook_id = signatures.vonage_delivery_id(headers.get("authorization", ""))
        report = providers.read_vonage(_json(delivery.body))
    elif provider == "aircall":
        try:
            payload = _json(delivery.body)
        except providers.UnreadablePayload:
            raise NotGenuine("unsigned: the body is not JSON") from None
        _refuse(
            provider,
            signatures.verify_aircall(payload, token=settings.KLIENT_AIRCALL_TOKEN, now=now),
        )
        report = providers.read_aircall(payload)
    else:
        raise UnknownProvider(provider)
    return actions.record_report(report, webhook_id=webhook_id)
