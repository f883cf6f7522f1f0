"""The privacy Event kinds, and one constructor per kind. An erasure's event names who,
when and how many rows of each kind; never an erased value."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from klient.core.events import EventKind, append

if TYPE_CHECKING:
    from klient.core.models import Event


class Kind(EventKind):
    CUSTOMER_EXPORTED = "customer.exported", _("Customer's data exported")
    CUSTOMER_ERASED = "customer.erased", _("Customer's data erased")
    CONVERSATION_ERASED = "conversation.erased", _("Conversation's personal content erased")
    RETENTION_CHANGED = "retention.changed", _("Retention rule changed")


def customer_exported(customer_id: int, *, actor: Any, counts: dict[str, int]) -> Event:
    return append(
        Kind.CUSTOMER_EXPORTED, actor=actor, data={"customer": customer_id, "counts": counts}
    )


def customer_erased(customer_id: int, *, actor: Any, counts: dict[str, int]) -> Event:
    return append(
        Kind.CUSTOMER_ERASED,
        actor=actor,
        actor_label="" if actor else "system",
        data={"customer": customer_id, "counts": counts},
    )


def conversation_erased(
    conversation: Any, *, rule: dict[str, Any], counts: dict[str, int]
) -> Event:
    return append(
        Kind.CONVERSATION_ERASED,
        conversation=conversation,
        actor_label="retention",
        data={"reason": "retention", **rule, "counts": counts},
    )


def retention_changed(team_id: int, *, actor: Any, months: int | None) -> Event:
    return append(
        Kind.RETENTION_CHANGED,
        actor=actor,
        data={"team": team_id, "erase_closed_after_months": months},
    )
