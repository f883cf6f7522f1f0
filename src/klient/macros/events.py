"""One constructor per macro Event kind."""

from __future__ import annotations

from typing import Any

from klient.core.events import append
from klient.core.models import Event

from .models import Macro


def macro_saved(macro: Macro, *, created: bool, actor: Any) -> Event:
    return append(
        "macro.created" if created else "macro.updated",
        actor=actor,
        data={"macro": macro.pk, "name": macro.name, "shared": macro.shared},
    )


def macro_deleted(macro_id: int, name: str, *, actor: Any) -> Event:
    return append("macro.deleted", actor=actor, data={"macro": macro_id, "name": name})


def macro_used(macro: Macro, conversation: Any, *, language: str, actor: Any) -> Event:
    return append(
        "macro.used",
        conversation=conversation,
        actor=actor,
        data={"macro": macro.pk, "name": macro.name, "language": language},
    )
