"""Personal owners: the advisor of a customer, the account manager of an organisation.

Routing sends their new conversations to the owner first (klient.routing); these actions
are the only writers of the owner fields."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from klient.core.events import append

from .events import Kind
from .models import Customer, Organisation


def _check_owner(owner: Any) -> None:
    if owner is not None and not owner.is_active:
        raise ValidationError(_("The owner must be an active agent."))


def _label(actor: Any) -> str:
    return "" if actor is not None else "system"


def set_customer_owner(customer: Customer, owner: Any, *, actor: Any) -> Customer:
    """Make `owner` (an active agent, or None) the customer's personal owner. One event
    when it changes; nothing when it is already so."""
    return _set_owner(
        customer, owner, actor=actor, kind=Kind.CUSTOMER_OWNER_CHANGED, key="customer"
    )


def set_organisation_owner(organisation: Organisation, owner: Any, *, actor: Any) -> Organisation:
    """Make `owner` (an active agent, or None) the organisation's account manager."""
    return _set_owner(
        organisation, owner, actor=actor, kind=Kind.ORGANISATION_OWNER_CHANGED, key="organisation"
    )


def _set_owner(holder: Any, owner: Any, *, actor: Any, kind: Kind, key: str) -> Any:
    _check_owner(owner)
    with transaction.atomic():
        current = type(holder).objects.select_for_update().get(pk=holder.pk)
        new = getattr(owner, "pk", None)
        if current.owner_id != new:
            append(
                kind,
                actor=actor,
                actor_label=_label(actor),
                data={key: current.pk, "from": current.owner_id, "to": new},
            )
            current.owner = owner
            current.save(update_fields=["owner"])
    return current


MAX_CAPACITY = 100.0


def set_routing_profile(
    agent: Any, *, actor: Any, skills: list[str] | None = None, capacity: float | None = None
) -> Any:
    """What routing knows of an agent: their skills (lower-case, each once) and their
    capacity (weighted open work at once: a chat 0.34, an email 0.1). Only what is given
    changes; one agent.updated event naming the fields."""
    from .models import AgentProfile

    changes: dict[str, Any] = {}
    if skills is not None:
        cleaned = list(dict.fromkeys(s.strip().lower()[:60] for s in skills if s.strip()))
        changes["skills"] = cleaned
    if capacity is not None:
        if not 0 <= capacity <= MAX_CAPACITY:
            raise ValidationError(_("Capacity is between 0 and 100."))
        changes["capacity"] = float(capacity)
    with transaction.atomic():
        profile = AgentProfile.objects.select_for_update().get(user=agent)
        changed = {k: v for k, v in changes.items() if getattr(profile, k) != v}
        if changed:
            for field, value in changed.items():
                setattr(profile, field, value)
            profile.save(update_fields=sorted(changed))
            append(
                Kind.AGENT_UPDATED,
                actor=actor,
                actor_label=_label(actor),
                data={
                    "agent": agent.pk,
                    "changed": sorted(changed),
                    "skills": profile.skills,
                    "capacity": profile.capacity,
                },
            )
    return profile
