"""Which new work routing takes: a new conversation, and a customer's message on an open
conversation whose assignee is away now.

Routing assigns a conversation when its customer has a personal owner (theirs or their
organisation's), or once the desk has routing rules; a desk without either keeps its
teams' shared queues as they were, unassigned until an agent takes one."""

from __future__ import annotations

from django.utils import timezone

from klient.conversations.events import Kind as ConversationKind
from klient.conversations.models import Conversation
from klient.core.models import Event
from klient.people.models import Absence

from . import actions
from .models import RoutingRule


def route_for_events(event_ids: list[int]) -> None:
    now = timezone.now()
    conversation_ids: dict[int, str] = {}
    for event in Event.objects.filter(pk__in=event_ids, conversation__isnull=False).order_by("id"):
        if any(event.data.get(k) for k in ("auto_reply", "bounce", "bulk")):
            continue
        why = (
            "new conversation"
            if event.kind == ConversationKind.CONVERSATION_CREATED
            else "new message"
        )
        conversation_ids.setdefault(event.conversation_id, why)  # type: ignore[arg-type]
    if not conversation_ids:
        return
    rules_exist = RoutingRule.objects.filter(active=True).exists()
    conversations = Conversation.objects.filter(
        pk__in=list(conversation_ids), status__in=actions.ROUTABLE
    ).select_related("customer__organisation")
    away = set(
        Absence.objects.filter(starts_at__lte=now, ends_at__gt=now).values_list(
            "agent_id", flat=True
        )
    )
    for conversation in conversations:
        owned = conversation.customer.personal_owner_id() is not None
        if conversation.assignee_id is None:
            if owned or rules_exist:
                actions.route(conversation, why=conversation_ids[conversation.pk], now=now)
        elif conversation.assignee_id in away:
            # Whoever has it is away: it is theirs to cover, whoever the customer's owner is.
            actions.route(
                conversation, why="assignee away", now=now, owner=conversation.assignee_id
            )


def drain_for_events(event_ids: list[int]) -> None:
    online = Event.objects.filter(pk__in=event_ids, data__to="online").exists()
    if online:
        actions.drain_queue()
