"""The people Event kinds, and one constructor per kind that is about an agent or a team
rather than a conversation (absences, the desk's administration)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from klient.core.events import EventKind, append

if TYPE_CHECKING:
    from klient.core.models import Event


class Kind(EventKind):
    CUSTOMER_CREATED = "customer.created", _("Customer created")
    TEAM_CREATED = "team.created", _("Team created")
    AGENT_CREATED = "agent.created", _("Agent created")
    AGENT_LANGUAGE_CHANGED = "agent.language_changed", _("Agent's language changed")
    IDENTITY_ADDED = "customer.identity_added", _("Customer identity added")
    IDENTITY_PROVEN = "customer.identity_proven", _("Customer identity proven")
    CUSTOMER_TIME_ZONE_SET = "customer.time_zone_set", _("Customer time zone set")
    ENDPOINT_ADDED = "team.endpoint_added", _("Team endpoint added")
    ABSENCE_CREATED = "absence.created", _("Absence recorded")
    ABSENCE_DELETED = "absence.deleted", _("Absence removed")
    # Administration (klient.people.admin_actions, klient.people.accounts).
    TEAM_UPDATED = "team.updated", _("Team settings changed")
    ENDPOINT_REMOVED = "team.endpoint_removed", _("Team endpoint removed")
    TEAM_MEMBERS_CHANGED = "team.members_changed", _("Team members changed")
    AGENT_INVITED = "agent.invited", _("Agent invited")
    AGENT_UPDATED = "agent.updated", _("Agent changed")
    AGENT_DEACTIVATED = "agent.deactivated", _("Agent deactivated")
    AGENT_REACTIVATED = "agent.reactivated", _("Agent reactivated")
    TOKEN_ISSUED = "agent.token_issued", _("API token issued")
    PASSWORD_RESET_REQUESTED = "agent.password_reset_requested", _("Password reset requested")
    PASSWORD_SET = "agent.password_set", _("Password set")
    # Owners and agent status (issue 14: klient.people.ownership, klient.people.presence).
    CUSTOMER_OWNER_CHANGED = "customer.owner_changed", _("Customer's owner changed")
    ORGANISATION_OWNER_CHANGED = "organisation.owner_changed", _("Organisation's owner changed")
    AGENT_STATUS_CHANGED = "agent.status_changed", _("Agent's status changed")


def absence_data(absence: Any) -> dict[str, Any]:
    """What an absence event records: enough to read the absence back after a delete."""
    return {
        "absence": absence.pk,
        "agent": absence.agent_id,
        "starts_at": absence.starts_at.isoformat(),
        "ends_at": absence.ends_at.isoformat(),
        "reason": absence.reason,
        "substitute_agent": absence.substitute_agent_id,
        "substitute_team": absence.substitute_team_id,
    }


def absence_created(absence: Any, *, actor: Any) -> Event:
    return _absence_event(Kind.ABSENCE_CREATED, absence, actor)


def absence_deleted(absence: Any, *, actor: Any) -> Event:
    return _absence_event(Kind.ABSENCE_DELETED, absence, actor)


def _absence_event(kind: Kind, absence: Any, actor: Any) -> Event:
    return append(
        kind, actor=actor, actor_label="" if actor else "system", data=absence_data(absence)
    )
