"""Bearer-token authentication: `Authorization: Bearer <token>`.

Tokens are stored hashed (people.ApiToken.key_hash, people.actions.hash_token); a token
is valid while its row exists and its agent is active. last_used_at is written at most
once a minute, so a busy client does not turn every read into a write."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from klient.people.actions import hash_token
from klient.people.models import ApiToken

TOUCH_INTERVAL = timedelta(minutes=1)
MAX_TOKEN_LENGTH = 200


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        token = token.strip()
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        row = ApiToken.objects.select_related("user").filter(key_hash=hash_token(token)).first()
        if row is None or not row.user.is_active:
            return None
        now = timezone.now()
        if row.last_used_at is None or now - row.last_used_at >= TOUCH_INTERVAL:
            # Conditional, so concurrent requests write it once.
            ApiToken.objects.filter(
                Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - TOUCH_INTERVAL),
                pk=row.pk,
            ).update(last_used_at=now)
        return row.user


def caller(request: HttpRequest) -> Any:
    """The agent the request's token belongs to (ninja keeps it in request.auth)."""
    return request.auth  # type: ignore[attr-defined]
