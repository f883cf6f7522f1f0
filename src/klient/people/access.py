"""Who may administer the desk, and which of their own fields an agent may change.

Administrators (is_staff or is_superuser, and active) manage teams and agents; every agent
manages their own profile: SELF_SERVICE_FIELDS. The API and the pages ask these functions;
the actions check only what a value may be."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

# What an agent may change about themself without being an administrator.
SELF_SERVICE_FIELDS = frozenset({"name", "language", "time_zone", "signature"})


def is_admin(user: Any) -> bool:
    return bool(user is not None and user.is_active and (user.is_staff or user.is_superuser))


def is_member(user: Any, team_id: int | None) -> bool:
    """Whether `user` belongs to the team (False for no team)."""
    return team_id is not None and user.teams.filter(pk=team_id).exists()


def check_administrator(user: Any, *, sees: bool, refusal: str, missing: str) -> None:
    """For what only administrators may touch: nothing for an administrator; for anyone
    else PermissionDenied (403) when the object is theirs to see (their own team, mail to
    it), and Http404 otherwise, as for an object that does not exist."""
    if is_admin(user):
        return
    if sees:
        raise PermissionDenied(refusal)
    raise Http404(missing)


def check_may_change_agent(actor: Any, agent: Any, fields: Iterable[str]) -> None:
    """PermissionDenied unless `actor` may change these fields of `agent`: an
    administrator any, the agent themself their SELF_SERVICE_FIELDS."""
    if is_admin(actor):
        return
    others = sorted(set(fields) - SELF_SERVICE_FIELDS)
    if actor is None or actor.pk != agent.pk or others:
        raise PermissionDenied(
            _("Only administrators can change %(fields)s.") % {"fields": ", ".join(others)}
            if others
            else _("Only administrators can change another agent.")
        )
