"""What other domains add to an owner's hand-back summary (callbacks from klient.phone;
open promises once they exist), without routing importing them: routing sits below them
in the layers, so they register here from their AppConfig.ready, the way reply checks
register with klient.conversations.checks.

An extra is a key, a `collect(conversation_ids, since, until) -> {conversation id: value}`
run when the summary is made (its values are stored in the notification, so they must be
JSON), and a `word(value) -> lines` run when the owner reads it, in their language.

They also say whether the substitute answered the customer in ways routing cannot see (a
call-back that reached her): `register_answered(fn)`, `fn(conversation_id, agent_id,
since) -> bool`; then the conversation stays the substitute's at the absence's end."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

logger = logging.getLogger(__name__)

Collect = Callable[[list[int], datetime, datetime], Mapping[int, Any]]
Word = Callable[[Any], Iterable[str]]
Answered = Callable[[int, int, datetime], bool]


@dataclass(frozen=True)
class Extra:
    key: str
    collect: Collect
    word: Word


_EXTRAS: dict[str, Extra] = {}
RESERVED = frozenset({"id", "ref", "status", "who"})  # the summary's own keys


def register_extra(key: str, collect: Collect, word: Word) -> None:
    """Add `key` to every hand-back item that `collect` answers for. Registering the same
    key again replaces it (an app registry may be set up twice in tests)."""
    if key in RESERVED:
        raise ValueError(f"{key!r} is one of the hand-back summary's own keys")
    _EXTRAS[key] = Extra(key, collect, word)


def unregister_extra(key: str) -> None:
    _EXTRAS.pop(key, None)


def registered_extras() -> tuple[str, ...]:
    return tuple(_EXTRAS)


def add_extras(items: list[dict[str, Any]], since: datetime, until: datetime) -> None:
    """Fill each item (a dict with the conversation's "id") with what the extras say."""
    ids = [item["id"] for item in items]
    if not ids:
        return
    for extra in list(_EXTRAS.values()):
        try:
            found = extra.collect(ids, since, until)
        except Exception:  # a broken extra must not cost the owner the summary
            logger.exception("hand-back extra %s failed", extra.key)
            continue
        for item in items:
            if item["id"] in found:
                item[extra.key] = found[item["id"]]


def word_extras(item: Mapping[str, Any]) -> list[str]:
    """The lines the extras add under one item of the summary, in the active language."""
    lines: list[str] = []
    for extra in list(_EXTRAS.values()):
        if extra.key not in item:
            continue
        try:
            lines.extend(extra.word(item[extra.key]))
        except Exception:
            logger.exception("hand-back extra %s could not word %r", extra.key, item["ref"])
    return lines


_ANSWERED: dict[str, Answered] = {}


def register_answered(key: str, answered: Answered) -> None:
    _ANSWERED[key] = answered


def answered_elsewhere(conversation_id: int, agent_id: int, since: datetime) -> bool:
    """Did `agent_id` answer the customer of the conversation after `since` in a way
    another domain records (a call)? A failing check counts as no."""
    for key, answered in list(_ANSWERED.items()):
        try:
            if answered(conversation_id, agent_id, since):
                return True
        except Exception:
            logger.exception("hand-back answered check %s failed", key)
    return False
