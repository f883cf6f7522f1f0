"""/chat/sessions: the widget opens a chat (public, no token; docs/chat.md).

A page of a site the team did not allow (its chat_allowed_origins, or the desk's own
KLIENT_BASE_URL origin) is refused with 403 when the browser says so in its Origin header;
a request without one (not from a browser page) is served."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from klient.chat import actions, queries
from klient.people.queries import team_by_ref

from .schemas import ErrorOut

router = Router(tags=["chat"])


class SessionIn(Schema):
    team: str = Field(..., description="The team's name or id.")
    name: str = Field("", max_length=200)
    email: str = Field(
        "", max_length=320, description="Unverified: never joins the customer's history."
    )
    language: str = Field("", max_length=16)


class SessionOut(Schema):
    session: str = Field(..., description="The chat's token, for ws/chat/?session=TOKEN.")
    conversation: str | None = Field(
        ..., description="The conversation's reference; null until the first message."
    )


@router.post(
    "/chat/sessions",
    response={201: SessionOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    auth=None,
    summary="Open a chat for a visitor of a team's site (public, no token)",
)
def create_session(request: HttpRequest, payload: SessionIn) -> Any:
    team = team_by_ref(payload.team)
    if team is None:
        raise Http404(_("No such team."))
    if not queries.origin_allowed(team.pk, request.headers.get("Origin")):
        raise PermissionDenied(_("This site may not open chats with this team."))
    _session, token = actions.start_session(
        team, name=payload.name, email=payload.email, language=payload.language
    )
    return Status(201, {"session": token, "conversation": None})
