"""@mentions in internal notes: who a note names, and which of them may see it.

Syntax (case-insensitive, Unicode letters welcome):
  @anna                 the part of an agent's email before "@", their username, or their
                        first name when only one active agent has it (@Łukasz, @Олена)
  @anna@shop.example    an agent's full email address
  @"Anna Nowak"         an agent's full name, spaces and all
An address inside a word (tom@example.com) is not a mention. Conversations sit below
notifications, so notes record who they mention in a `note.mentioned` event and a handler
above notifications (klient.macros.mentions.notify_mentions_for_events) notifies them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model

from klient.core.events import append
from klient.core.models import Event

from .access import conversations_in_scope
from .events import Kind
from .models import Conversation, Message

MAX_MENTIONS = 20
MAX_AGENTS = 10_000

_MENTION = re.compile(
    r"""(?<![\w@.+-])@(?:
        "(?P<name>[^"\n]{1,150})"                       # @"Anna Nowak"
      | (?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)          # @anna@shop.example
      | (?P<handle>\w(?:[\w.+-]*\w)?)                    # @anna, @Łukasz, @jan.kowalski
    )""",
    re.VERBOSE | re.UNICODE,
)


def parse_mentions(text: str) -> list[tuple[str, str]]:
    """The mentions written in `text` as (kind, value) pairs, kind being "name", "email"
    or "handle", values case-folded, in order, without repeats."""
    found: dict[tuple[str, str], None] = {}
    for match in _MENTION.finditer(text):
        kind = match.lastgroup or "handle"
        value = " ".join(match.group(kind).split()).casefold()
        if value:
            found.setdefault((kind, value), None)
    return list(found)[:MAX_MENTIONS]


def mentioned_agents(text: str) -> list[Any]:
    """The active agents `text` mentions, in the order they are first mentioned."""
    mentions = parse_mentions(text)
    if not mentions:
        return []
    # Agents are few (users are agents; customers are not users), and SQLite compares
    # non-ASCII letters case-sensitively, so match in Python: @Łukasz finds "Łukasz".
    candidates = list(
        get_user_model()
        .objects.filter(is_active=True)
        .only("pk", "email", "username", "first_name", "last_name")
        .order_by("pk")[:MAX_AGENTS]
    )
    chosen: list[Any] = []
    for kind, value in mentions:
        user = _resolve(kind, value, candidates)
        if user is not None and user not in chosen:
            chosen.append(user)
    return chosen


def _resolve(kind: str, value: str, candidates: Iterable[Any]) -> Any:
    candidates = list(candidates)
    if kind == "email":
        return next((u for u in candidates if u.email.casefold() == value), None)
    if kind == "name":
        return _only([u for u in candidates if u.get_full_name().casefold() == value])
    exact = [
        u
        for u in candidates
        if u.email.casefold().split("@")[0] == value or u.username.casefold() == value
    ]
    return _only(exact) or _only([u for u in candidates if u.first_name.casefold() == value])


def _only(users: list[Any]) -> Any:
    """The one user, or None when there is none or the mention is ambiguous."""
    return users[0] if len(users) == 1 else None


def split_by_scope(conversation: Conversation, users: Iterable[Any]) -> tuple[list[Any], list[Any]]:
    """(those who may see the conversation, those who may not)."""
    inside: list[Any] = []
    outside: list[Any] = []
    for user in users:
        can_see = conversations_in_scope(user).filter(pk=conversation.pk).exists()
        (inside if can_see else outside).append(user)
    return inside, outside


def note_mentioned(conversation: Conversation, message: Message, *, actor: Any) -> Event | None:
    """Append a `note.mentioned` event for a note that mentions agents (None if it names
    nobody): ids of those who may see the conversation, and of those who may not."""
    users = [u for u in mentioned_agents(message.body_text) if u.pk != getattr(actor, "pk", None)]
    if not users:
        return None
    inside, outside = split_by_scope(conversation, users)
    return append(
        Kind.NOTE_MENTIONED,
        conversation=conversation,
        actor=actor,
        data={
            "message": message.pk,
            "mentioned": [u.pk for u in inside],
            "out_of_scope": [u.pk for u in outside],
        },
    )
