"""Secrets Klient must keep but must be able to read back (IMAP passwords): sealed with
Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) under a key derived from
SECRET_KEY, so a copy of the database alone does not give them away. Values sealed under
a key listed in SECRET_KEY_FALLBACKS still open, which allows rotating the secret key."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

_CONTEXT = b"klient.core.sealing.v1:"


class UnsealError(ValueError):
    """The value was sealed under a key Klient no longer has, or was tampered with."""


def _fernet(secret: str) -> Fernet:
    digest = hashlib.sha256(_CONTEXT + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _keys() -> MultiFernet:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([_fernet(secret) for secret in secrets])


def seal(plaintext: str) -> str:
    return _keys().encrypt(plaintext.encode()).decode("ascii")


def unseal(sealed: str) -> str:
    try:
        return _keys().decrypt(sealed.encode("ascii")).decode()
    except (InvalidToken, UnicodeError) as exc:
        raise UnsealError(
            "cannot open a sealed secret: it was sealed under another SECRET_KEY "
            "(add the old key to KLIENT_SECRET_KEY_FALLBACKS) or was altered"
        ) from exc
