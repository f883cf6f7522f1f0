"""Routing's Event kinds, one constructor per kind."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from klient.core.events import EventKind, append

if TYPE_CHECKING:
    from klient.core.models import Event

    from .decide import Decision


class Kind(EventKind):
    ASSIGNED = "routing.assigned", _("Assigned by routing")
    QUEUED = "routing.queued", _("Waiting for an agent")
    COVERAGE_ENDED = "routing.coverage_ended", _("Cover for an absence ended")
    CUSTOMER_TOLD = "routing.customer_told", _("Customer told who covers")
    HAND_BACK = "routing.hand_back", _("Hand-back summary sent")
    RULE_SAVED = "routing.rule_saved", _("Routing rule saved")
    RULE_DELETED = "routing.rule_deleted", _("Routing rule deleted")
    WEIGHT_SET = "routing.weight_set", _("Channel weight set")


def _decision_data(decision: Decision, why: str) -> dict[str, Any]:
    return {
        "agent": decision.agent,
        "reason": decision.reason,
        "why": why,
        "rule": decision.rule,
        "covering": decision.covering,
        "chain": list(decision.chain),
        "candidates": list(decision.candidates[:10]),
    }


def assigned(conversation: Any, decision: Decision, *, why: str) -> Event:
    return append(
        Kind.ASSIGNED,
        conversation=conversation,
        actor_label="system",
        data=_decision_data(decision, why),
    )


def queued(conversation: Any, decision: Decision, *, why: str) -> Event:
    return append(
        Kind.QUEUED,
        conversation=conversation,
        actor_label="system",
        data=_decision_data(decision, why),
    )


def coverage_ended(coverage: Any, outcome: str) -> Event:
    return append(
        Kind.COVERAGE_ENDED,
        conversation=coverage.conversation,
        actor_label="system",
        data={
            "coverage": coverage.pk,
            "owner": coverage.owner_id,
            "substitute": coverage.substitute_id,
            "outcome": outcome,
        },
    )


def customer_told(coverage: Any, message: Any) -> Event:
    return append(
        Kind.CUSTOMER_TOLD,
        conversation=coverage.conversation,
        actor_label="system",
        data={"coverage": coverage.pk, "message": getattr(message, "pk", None)},
    )


def hand_back(owner: Any, absence_id: int | None, conversations: list[int]) -> Event:
    return append(
        Kind.HAND_BACK,
        actor_label="system",
        data={"owner": owner.pk, "absence": absence_id, "conversations": conversations},
    )
