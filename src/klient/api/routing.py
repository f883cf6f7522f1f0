"""Routing: the agent's own status (PUT /agents/me/status) and "who would get this?"
(POST /routing/preview, administrators)."""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from klient.people import presence
from klient.people.access import is_admin

from .auth import caller
from .schemas import ErrorOut

router = Router(tags=["routing"])


class StatusIn(Schema):
    status: Literal["online", "away", "offline"]


class StatusOut(Schema):
    status: str
    connected: bool = Field(
        ..., description="A live workspace connection within KLIENT_PRESENCE_TIMEOUT_SECONDS."
    )


@router.put(
    "/agents/me/status",
    response={200: StatusOut, 401: ErrorOut, 422: ErrorOut},
    summary="Set my status: online, away or offline",
)
def set_my_status(request: HttpRequest, payload: StatusIn) -> Any:
    user = caller(request)
    profile = presence.set_status(user, payload.status, actor=user)
    return {"status": profile.status, "connected": presence.is_connected(profile, timezone.now())}


def _admin(request: HttpRequest) -> Any:
    user = caller(request)
    if not is_admin(user):
        raise PermissionDenied(_("Only administrators can manage routing."))
    return user
