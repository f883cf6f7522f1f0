"""Who calls a customer back: routing's answer for callback work (the owner first, an away
owner's substitute, then the rules), among agents who are online, connected, in their hours
and have capacity; when nobody can take it now, the conversation's assignee (else its team).

The decision is only read here: the callback row gets the agent, the conversation itself is
not moved (routing moves conversations when their own messages arrive)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from klient.routing import decide, snapshot


def callback_assignee(conversation: Any) -> Any:
    """The agent a callback in `conversation` goes to, or None for the team."""
    work = snapshot.work_of(conversation, channel="callback")
    decision = decide.decide(work, snapshot.take(timezone.now()), snapshot.rules())
    if decision.agent is not None:
        return get_user_model().objects.get(pk=decision.agent)
    return conversation.assignee
