"""The macro (saved reply) Event kinds, and one constructor per kind."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from klient.core.events import EventKind, append

if TYPE_CHECKING:
    from klient.core.models import Event

    from .models import Macro


class Kind(EventKind):
    CREATED = "macro.created", _("Saved reply created")
    UPDATED = "macro.updated", _("Saved reply changed")
    DELETED = "macro.deleted", _("Saved reply deleted")
    USED = "macro.used", _("Saved reply used")


def macro_saved(macro: Macro, *, created: bool, actor: Any) -> Event:
    return append(
        Kind.CREATED if created else Kind.UPDATED,
        actor=actor,
        data={"macro": macro.pk, "name": macro.name, "shared": macro.shared},
    )


def macro_deleted(macro_id: int, name: str, *, actor: Any) -> Event:
    return append(Kind.DELETED, actor=actor, data={"macro": macro_id, "name": name})


def macro_used(macro: Macro, conversation: Any, *, language: str, actor: Any) -> Event:
    return append(
        Kind.USED,
        conversation=conversation,
        actor=actor,
        data={"macro": macro.pk, "name": macro.name, "language": language},
    )
