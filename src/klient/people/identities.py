"""How a customer is recognised on each channel: one normal form per identity kind.

Pure (no Django), so the rules are property-tested fast. Values are stored in this form,
and every lookup is an exact match on the (kind, value) index:
- email: trimmed and lower-cased (as Klient always stored them);
- phone: E.164 ("+48123456789"); a national number is read in a default region;
- chat: the visitor id the widget issued, trimmed."""

from __future__ import annotations

import phonenumbers

EMAIL = "email"
PHONE = "phone"
CHAT = "chat"
KINDS = (EMAIL, PHONE, CHAT)

MAX_VALUE_LENGTH = 320


class InvalidIdentity(ValueError):
    """The value can never name anyone of that kind (not a retryable error)."""


def normalise_email(address: str) -> str:
    return address.strip().lower()


def normalise_phone(number: str, region: str = "") -> str:
    """The number in E.164. A number written without its country code is read as one of
    `region` (an ISO 3166 code such as "PL"); InvalidIdentity when it is not a possible
    number there."""
    try:
        parsed = phonenumbers.parse(number, region.upper() or None)
    except phonenumbers.NumberParseException as exc:
        raise InvalidIdentity(f"not a phone number: {number!r}") from exc
    if not phonenumbers.is_possible_number(parsed):
        raise InvalidIdentity(f"not a possible phone number: {number!r}")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalise_chat(visitor_id: str) -> str:
    value = visitor_id.strip()
    if not value or any(c.isspace() or not c.isprintable() for c in value):
        raise InvalidIdentity(f"not a chat visitor id: {visitor_id!r}")
    return value


def normalise(kind: str, value: str, *, region: str = "") -> str:
    """The stored form of an identity of `kind`; InvalidIdentity for an unknown kind, an
    empty value or one longer than can be stored."""
    if kind == EMAIL:
        normal = normalise_email(value)
    elif kind == PHONE:
        normal = normalise_phone(value, region)
    elif kind == CHAT:
        normal = normalise_chat(value)
    else:
        raise InvalidIdentity(f"unknown identity kind {kind!r}; use one of {', '.join(KINDS)}")
    if not normal or len(normal) > MAX_VALUE_LENGTH:
        raise InvalidIdentity(f"not a usable {kind} identity: {value!r}")
    return normal
