"""Voice of the customer's Event kinds, one constructor each. A recomputation of a team's
topics and the corrective actions are in the audit log (no conversation of their own); a
corrective action's linked conversations are named in its data, by reference."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from klient.core.events import EventKind, append

if TYPE_CHECKING:
    from klient.core.models import Event

    from .models import CorrectiveAction


class Kind(EventKind):
    TOPICS_REFRESHED = "voice.topics_refreshed", _("Recurring topics recomputed")
    ACTION_CREATED = "corrective_action.created", _("Corrective action created")
    ACTION_CHANGED = "corrective_action.changed", _("Corrective action changed")
    ACTION_CLOSED = "corrective_action.closed", _("Corrective action closed")


def topics_refreshed(*, team_id: int, messages: int, topics: int, new: int, gone: int) -> Event:
    return append(
        Kind.TOPICS_REFRESHED,
        actor_label="system",
        data={"team": team_id, "messages": messages, "topics": topics, "new": new, "gone": gone},
    )


def _action(action: CorrectiveAction) -> dict[str, Any]:
    return {
        "corrective_action": action.pk,
        "topic": action.topic_id,
        "team": action.topic.team_id,
        "owner": action.owner_id,
        "due_date": action.due_date.isoformat(),
        "conversations": sorted(c.reference for c in action.conversations.all()),
    }


def action_created(action: CorrectiveAction, *, actor: Any) -> Event:
    return append(Kind.ACTION_CREATED, actor=actor, data=_action(action))


def action_changed(action: CorrectiveAction, *, actor: Any, changed: dict[str, Any]) -> Event:
    """`changed`: each changed field's {"from", "to"}."""
    return append(Kind.ACTION_CHANGED, actor=actor, data={**_action(action), "changed": changed})


def action_closed(action: CorrectiveAction, *, actor: Any) -> Event:
    return append(
        Kind.ACTION_CLOSED, actor=actor, data={**_action(action), "resolution": action.resolution}
    )
