"""Keeping robots out of public forms without an outside CAPTCHA: a honeypot field people
never see, and a signed timestamp that must be a few seconds old (and not stale)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core import signing

HONEYPOT = "website"
STARTED = "started"
MAX_AGE_SECONDS = 24 * 3600
_SALT = "klient.portal.form-started"


def min_fill_seconds() -> float:
    return float(getattr(settings, "KLIENT_FORM_MIN_FILL_SECONDS", 3))


def started_token(slug: str, at: float | None = None) -> str:
    return signing.dumps({"f": slug, "t": time.time() if at is None else at}, salt=_SALT)


def check(post: dict | object, slug: str) -> str:
    """ "" if the submission looks human, else why not: honeypot, too_fast or stale."""
    get = getattr(post, "get", None)
    if get is None:
        return "stale"
    if str(get(HONEYPOT, "")).strip():
        return "honeypot"
    try:
        data = signing.loads(str(get(STARTED, "")), salt=_SALT)
        started = float(data["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return "stale"
    if data.get("f") != slug:
        return "stale"
    age = time.time() - started
    if age < min_fill_seconds():
        return "too_fast"
    if age > MAX_AGE_SECONDS:
        return "stale"
    return ""
