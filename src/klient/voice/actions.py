"""The only writers of corrective actions: created by a manager from a topic, changed by
a manager, closed by their owner with what was changed. Each appends its event; the
owner is notified when given an action (klient.notifications)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from klient.conversations.models import Conversation
from klient.notifications.actions import notify
from klient.people.access import is_admin

from . import events, texts
from .access import manages
from .models import CorrectiveAction, Topic

MAX_TEXT = 5000


def _check_text(value: str, field: str) -> str:
    value = value.strip()
    if not value:
        raise ValidationError({field: _("This field cannot be empty.")})
    if len(value) > MAX_TEXT:
        raise ValidationError({field: _("At most %(n)d characters.") % {"n": MAX_TEXT}})
    return value


def _check_owner(owner: Any, topic: Topic) -> None:
    """An owner is an active agent of the topic's team, or an administrator."""
    if owner is None or not owner.is_active:
        raise ValidationError({"owner": _("The owner must be an active agent.")})
    if not (is_admin(owner) or owner.teams.filter(pk=topic.team_id).exists()):
        raise ValidationError({"owner": _("The owner must belong to the topic's team.")})


def _check_conversations(conversations: Iterable[Conversation], topic: Topic) -> list[Conversation]:
    found = list(conversations)
    if any(c.team_id != topic.team_id for c in found):
        raise ValidationError({"conversations": _("Conversations must be of the topic's team.")})
    return found


def _tell_owner(action: CorrectiveAction, *, actor: Any) -> None:
    notify(
        [action.owner],
        kind=texts.ACTION_ASSIGNED,
        params={
            "actor": str(getattr(actor, "get_full_name", lambda: "")() or actor),
            "topic": action.topic.title,
            "due": action.due_date.isoformat(),
            "description": action.description[:200],
        },
        actor=actor,
        url=f"/voice/#action-{action.pk}",
    )


def create_action(
    topic: Topic,
    *,
    actor: Any,
    owner: Any,
    due_date: date,
    description: str,
    conversations: Iterable[Conversation] = (),
) -> CorrectiveAction:
    """A corrective action on `topic` (which `actor` must manage), given to `owner`."""
    if not manages(actor, topic.team_id):
        raise PermissionDenied(_("Only the team's lead or an administrator can do this."))
    description = _check_text(description, "description")
    _check_owner(owner, topic)
    linked = _check_conversations(conversations, topic)
    now = timezone.now()
    with transaction.atomic():
        action = CorrectiveAction.objects.create(
            topic=topic,
            owner=owner,
            created_by=actor,
            description=description,
            due_date=due_date,
            created_at=now,
            updated_at=now,
        )
        action.conversations.set(linked)
        events.action_created(action, actor=actor)
        _tell_owner(action, actor=actor)
    return action


def change_action(
    action: CorrectiveAction,
    *,
    actor: Any,
    state: str | None = None,
    resolution: str | None = None,
    **changes: Any,
) -> CorrectiveAction:
    """Change an open action: its description, due date, owner or conversations (a
    manager of its topic's team), or close it (`state="closed"` with a `resolution`,
    what was changed: its owner only). A closed action changes no more."""
    with transaction.atomic():
        action = (
            CorrectiveAction.objects.select_for_update().select_related("topic").get(pk=action.pk)
        )
        if action.state == CorrectiveAction.State.CLOSED:
            raise ValidationError({"state": _("This corrective action is closed.")})
        changed: dict[str, Any] = {}
        if changes:
            if not manages(actor, action.topic.team_id):
                raise PermissionDenied(_("Only the team's lead or an administrator can do this."))
            changed = _apply(action, changes)
        if state not in (None, CorrectiveAction.State.OPEN, CorrectiveAction.State.CLOSED):
            raise ValidationError({"state": _("Unknown state.")})
        closing = state == CorrectiveAction.State.CLOSED
        if resolution is not None and not closing:
            raise ValidationError({"resolution": _("A resolution closes the action.")})
        if closing:
            if actor is None or actor.pk != action.owner_id:
                raise PermissionDenied(_("Only the owner of a corrective action can close it."))
            action.resolution = _check_text(resolution or "", "resolution")
            action.state = CorrectiveAction.State.CLOSED
            action.closed_at = timezone.now()
        action.updated_at = timezone.now()
        action.save()
        if changed:
            events.action_changed(action, actor=actor, changed=changed)
            if "owner" in changed:
                _tell_owner(action, actor=actor)
        if closing:
            events.action_closed(action, actor=actor)
    return action


def _apply(action: CorrectiveAction, changes: dict[str, Any]) -> dict[str, Any]:
    changed: dict[str, Any] = {}
    if "description" in changes:
        value = _check_text(changes.pop("description"), "description")
        if value != action.description:
            changed["description"] = {"from": action.description, "to": value}
            action.description = value
    if "due_date" in changes:
        value = changes.pop("due_date")
        if value != action.due_date:
            changed["due_date"] = {"from": action.due_date.isoformat(), "to": value.isoformat()}
            action.due_date = value
    if "owner" in changes:
        owner = changes.pop("owner")
        _check_owner(owner, action.topic)
        if owner.pk != action.owner_id:
            changed["owner"] = {"from": action.owner_id, "to": owner.pk}
            action.owner = owner
    if "conversations" in changes:
        linked = _check_conversations(changes.pop("conversations"), action.topic)
        before = sorted(c.reference for c in action.conversations.all())
        after = sorted(c.reference for c in linked)
        if before != after:
            action.conversations.set(linked)
            changed["conversations"] = {"from": before, "to": after}
    if changes:
        raise ValidationError({name: _("This field cannot be changed.") for name in changes})
    return changed
