"""Who calls a customer back. Today: the conversation's assignee; routing takes this over
(one hook, so the callers need not change)."""

from __future__ import annotations

from typing import Any


def callback_assignee(conversation: Any) -> Any:
    """The agent a callback in `conversation` goes to, or None for the team."""
    return conversation.assignee
