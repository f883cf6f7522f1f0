"""The chat Event kinds, and one constructor per kind."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from klient.core.events import EventKind, append

if TYPE_CHECKING:
    from klient.core.models import Event
    from klient.people.models import Team

    from .models import ChatSession


class Kind(EventKind):
    SESSION_STARTED = "chat.session_started", _("Chat session started")
    ORIGINS_CHANGED = "chat.origins_changed", _("Chat origins changed")


def session_started(session: ChatSession) -> Event:
    return append(
        Kind.SESSION_STARTED,
        actor_label="chat visitor",
        at=session.created_at,
        data={"session": session.pk, "team": session.team_id, "language": session.language},
    )


def origins_changed(team: Team, before: list[str], after: list[str], *, actor: Any) -> Event:
    return append(
        Kind.ORIGINS_CHANGED,
        actor=actor,
        data={"team": team.pk, "from": before, "to": after},
    )
