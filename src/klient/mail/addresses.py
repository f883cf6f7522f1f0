"""Signed per-conversation reply addresses: support+K-1042.3f9a1c0b2e@example.com.

A From header proves nothing; the signature in the address we put in Reply-To does: only
someone who received our message knows it. The signature is an HMAC of the reference
under SECRET_KEY, truncated to 10 hex digits (40 bits: guessing is out of reach at
SMTP speeds)."""

from __future__ import annotations

import hmac
from hashlib import sha256

from django.conf import settings

SIGNATURE_LENGTH = 10


def _signature(reference: str) -> str:
    key = settings.SECRET_KEY.encode()
    digest = hmac.new(key, f"reply-address:{reference.upper()}".encode(), sha256).hexdigest()
    return digest[:SIGNATURE_LENGTH]


def reply_address(team_address: str, reference: str) -> str:
    local, _, domain = team_address.partition("@")
    return f"{local}+{reference.lower()}.{_signature(reference)}@{domain}"


def split_plus(address: str) -> tuple[str, str]:
    """("support@example.com", "k-1042.3f9a1c0b2e") for a plus-address; tag "" otherwise."""
    local, _, domain = address.strip().lower().partition("@")
    base, _, tag = local.partition("+")
    return f"{base}@{domain}", tag


def verified_reference(address: str) -> str | None:
    """The reference a correctly signed reply address names, or None."""
    _, tag = split_plus(address)
    reference, _, signature = tag.rpartition(".")
    if not reference or len(signature) != SIGNATURE_LENGTH:
        return None
    if hmac.compare_digest(signature, _signature(reference)):
        return reference.upper()
    return None
