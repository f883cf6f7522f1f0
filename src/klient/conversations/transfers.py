"""Moving a conversation to another agent or team, with a handover note (issue 14).

The note is what the customer would otherwise have to repeat: it is required, stored as an
internal note, and pinned above the history for the receiver (`pinned_transfer`). The
transfer itself is one `conversation.transferred` event (what reports count), besides the
assignee.changed / team.changed events of the fields it moves."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count

from klient.core.models import Event
from klient.core.wiring import publish_on_commit
from klient.people.models import Team

from . import actions, events
from .models import Conversation, Message

MAX_NOTE = 5000

# "No change asked for" for is_handover's assignee (None means "nobody").
UNCHANGED: Any = object()

HANDOVER_NEEDS_NOTE = (
    "Moving a conversation to a colleague or another team needs a handover note: what the "
    "customer asked, what was done, what is left."
)


def is_handover(
    conversation: Conversation, *, actor: Any, assignee: Any = UNCHANGED, team: Team | None = None
) -> bool:
    """Would this change take the conversation from whoever holds it and give it to someone
    else: another team, or another agent than the one who has it, when that agent is not
    the actor? Taking a conversation yourself, assigning one nobody has, or giving one back
    to the team queue is not a handover; neither is what Klient does by itself (actor None:
    routing, escalations)."""
    if actor is None:
        return False
    if team is not None and team.pk != conversation.team_id:
        return True
    if assignee is UNCHANGED or assignee is None:
        return False
    new = getattr(assignee, "pk", None)
    held_by = conversation.assignee_id
    return held_by is not None and new != held_by and new != getattr(actor, "pk", None)


def refuse_handover_without_note(note: str | None) -> str:
    if not (note or "").strip():
        raise ValidationError(HANDOVER_NEEDS_NOTE, code="note_empty")
    return check_note(note or "")


def check_note(note: str) -> str:
    """The handover note, trimmed; refused when empty (the receiver must not have to ask
    the customer again) or too long."""
    text = (note or "").strip()
    if not text:
        raise ValidationError(
            "A transfer needs a handover note: what the customer asked, what was done, what "
            "is left, so they are never asked to repeat it.",
            code="note_empty",
        )
    if len(text) > MAX_NOTE:
        raise ValidationError(
            f"The handover note is longer than {MAX_NOTE} characters.", code="note_too_long"
        )
    return text


def transfer(
    conversation: Conversation,
    *,
    actor: Any,
    note: str,
    agent: Any = None,
    team: Team | None = None,
) -> Message:
    """Give the conversation to `agent` (who must be an active member of its team, or of
    `team` when both are given) or to `team` (unassigned there). Returns the note.

    Precondition: the entry point found `conversation` and `team` through
    conversations.access, so the actor may see both."""
    text = check_note(note)
    if agent is None and team is None:
        raise ValidationError("Transfer to an agent or a team.", code="no_receiver")
    if agent is not None and (not isinstance(agent, get_user_model()) or not agent.is_active):
        raise ValidationError("The receiver must be an active agent.", code="inactive")
    to_team = team or conversation.team
    if agent is not None and not to_team.members.filter(pk=agent.pk).exists():
        raise ValidationError(
            f"{agent.get_full_name() or agent.username} is not in the team {to_team.name}.",
            code="not_member",
        )
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if (locked.team_id, locked.assignee_id) == (to_team.pk, getattr(agent, "pk", None)):
            raise ValidationError("The conversation is there already.", code="same")
        from_agent, from_team = locked.assignee_id, locked.team_id
        message = actions.add_note(locked, actor=actor, body=text)
        actions.update_conversation(locked, actor=actor, assignee=agent, team=to_team)
        publish_on_commit(
            events.transferred(
                locked,
                message,
                actor=actor,
                from_agent=from_agent,
                from_team=from_team,
                to_agent=getattr(agent, "pk", None),
                to_team=to_team.pk,
            )
        )
    return message


def pinned_transfer(conversation: Conversation) -> dict[str, Any] | None:
    """The latest transfer of this conversation and its note ({"event", "note"}), shown
    above the history; None when it was never transferred."""
    event = (
        Event.objects.filter(
            conversation=conversation, kind=events.Kind.CONVERSATION_TRANSFERRED.value
        )
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    if event is None:
        return None
    note = Message.objects.filter(pk=event.data.get("note"), conversation=conversation).first()
    if note is None:
        return None
    return {"event": event, "note": note}


def transfer_counts(conversation_ids: list[int]) -> dict[int, int]:
    """How many times each conversation was transferred, from its events."""
    rows = (
        Event.objects.filter(
            conversation_id__in=conversation_ids,
            kind=events.Kind.CONVERSATION_TRANSFERRED.value,
        )
        .values("conversation_id")
        .annotate(n=Count("id"))
    )
    return {row["conversation_id"]: row["n"] for row in rows}
