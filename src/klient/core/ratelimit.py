"""Counting attempts in the cache (Redis in production, local memory embedded).

A fixed window per key: the first hit starts it, later hits count until it expires.
Keys are hashed so addresses and IPs never appear in the cache in clear."""

from __future__ import annotations

import hashlib

from django.core.cache import cache

PREFIX = "klient:rl"


def _key(scope: str, value: str) -> str:
    digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:32]
    return f"{PREFIX}:{scope}:{digest}"


def allow(scope: str, value: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt; False once more than `limit` were made within the window."""
    key = _key(scope, value)
    if cache.add(key, 1, timeout=window_seconds):
        return limit >= 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_seconds)
        count = 1
    return count <= limit


def client_ip(request: object) -> str:
    """The peer address. X-Forwarded-For is not trusted: a proxy in front must set
    REMOTE_ADDR (uvicorn --proxy-headers does)."""
    meta = getattr(request, "META", {})
    return str(meta.get("REMOTE_ADDR") or "unknown")
