"""The writers of the desk's set-up: teams (name, email addresses, members, lead,
acknowledgement, signature) and agents (invitation, profile, languages, time zone, teams,
administrator, deactivation, API tokens). The settings pages, the API and the CLI call
these; who may call them is klient.people.access's, what a value may be
klient.people.validation's.

Every change appends a typed event (klient.people.events.Kind) in the change's
transaction. A refused change raises ValidationError keyed by field and changes nothing.

A team's email addresses are its email endpoints; Team.inbound_address is always the
first of them (the primary one, its answers' From). Only update_team changes either, so
they never disagree."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from klient.core import wiring
from klient.core.events import append

from . import accounts, validation
from .actions import (
    DEFAULT_TIME_ZONE,
    add_agent,
    hash_token,
    issue_api_token,
    normalise_endpoint,
)
from .events import Kind
from .models import AgentProfile, ApiToken, Endpoint, Team

TEAM_FIELDS = frozenset(
    {"name", "addresses", "members", "lead", "acknowledge", "signature", "phone_numbers"}
)
AGENT_FIELDS = frozenset(
    {
        "email",
        "name",
        "language",
        "languages",
        "time_zone",
        "signature",
        "teams",
        "is_admin",
        "active",
    }
)
_DB_SESSIONS = "django.contrib.sessions.backends.db"


def _label(actor: Any) -> str:
    return "" if actor else "cli"


# -- teams -----------------------------------------------------------------------------------


def setup_team(
    name: str,
    *,
    addresses: Sequence[str],
    actor: Any,
    acknowledge: bool = False,
    members: Sequence[Any] = (),
    lead: Any = None,
    signature: str = "",
) -> Team:
    """A new team with its addresses (the first is the primary one), members and lead, as
    one change."""
    from .actions import create_team

    values = validation.collect(
        {
            "name": lambda: validation.check_team_name(name),
            "addresses": lambda: validation.check_addresses(addresses),
            "signature": lambda: validation.check_signature(signature),
        }
    )
    with transaction.atomic():
        team = create_team(
            values["name"], address=values["addresses"][0], acknowledge=acknowledge, actor=actor
        )
        changes: dict[str, Any] = {"addresses": values["addresses"], "members": members}
        if lead is not None:
            changes["lead"] = lead
        if values["signature"]:
            changes["signature"] = values["signature"]
        return update_team(team, actor=actor, **changes)


def update_team(team: Team, *, actor: Any, **changes: Any) -> Team:
    """Change the given fields of a team (TEAM_FIELDS): `addresses` is the whole list of
    its email addresses, the primary one first; `members` the whole list of its agents;
    `lead` an agent or None."""
    unknown = set(changes) - TEAM_FIELDS
    if unknown:
        raise TypeError(f"update_team() got unknown fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        team = Team.objects.select_for_update().get(pk=team.pk)
        checks = {
            "name": lambda: validation.check_team_name(changes["name"], team=team),
            "addresses": lambda: validation.check_addresses(changes["addresses"], team=team),
            "members": lambda: _check_members(team, changes["members"]),
            "lead": lambda: changes["lead"] and validation.check_active_agent(changes["lead"]),
            "acknowledge": lambda: bool(changes["acknowledge"]),
            "signature": lambda: validation.check_signature(changes["signature"]),
            "phone_numbers": lambda: _check_phone_numbers(team, changes["phone_numbers"]),
        }
        values = validation.collect({f: check for f, check in checks.items() if f in changes})
        changed: list[str] = []
        if "addresses" in values and _set_addresses(team, values["addresses"], actor=actor):
            changed.append("addresses")
        if "phone_numbers" in values and _set_endpoints(
            team, Endpoint.Kind.PHONE, values["phone_numbers"], actor=actor
        ):
            changed.append("phone_numbers")
        if "members" in values:
            wanted = {user.pk for user in values["members"]}
            current = set(team.members.values_list("pk", flat=True))
            _change_members(team, add=wanted - current, remove=current - wanted, actor=actor)
        for field in ("name", "acknowledge", "signature"):
            if field in values and getattr(team, field) != values[field]:
                setattr(team, field, values[field])
                changed.append(field)
        if "lead" in values and team.lead_id != (values["lead"].pk if values["lead"] else None):
            team.lead = values["lead"] or None
            changed.append("lead")
        if changed:
            kept = {"addresses", "phone_numbers"}  # endpoints, saved already
            team.save(update_fields=[f for f in changed if f not in kept] + ["inbound_address"])
            append(
                Kind.TEAM_UPDATED,
                actor=actor,
                actor_label=_label(actor),
                data={
                    "team": team.pk,
                    "changed": changed,
                    "name": team.name,
                    "address": team.inbound_address,
                    "acknowledge": team.acknowledge,
                    "lead": team.lead_id,
                },
            )
    return team


def _check_members(team: Team, members: Sequence[Any]) -> list[Any]:
    """The agents given; one joining must be active (one already there may stay)."""
    current = set(team.members.values_list("pk", flat=True))
    for user in members:
        if user.pk not in current:
            validation.check_active_agent(user)
    return list(members)


def _set_addresses(team: Team, addresses: list[str], *, actor: Any) -> bool:
    """Make the team's email endpoints exactly `addresses` and the first its primary one;
    True if anything changed."""
    changed = _set_endpoints(team, Endpoint.Kind.EMAIL, addresses, actor=actor)
    if team.inbound_address != addresses[0]:
        team.inbound_address = addresses[0]
        changed = True
    return changed


def _set_endpoints(team: Team, kind: str, values: list[str], *, actor: Any) -> bool:
    """Make the team's endpoints of this kind exactly `values` (stored forms); True if
    anything changed. One event per endpoint added or removed."""
    current = {e.value: e for e in team.endpoints.filter(kind=kind)}
    changed = False
    for value, endpoint in current.items():
        if value not in values:
            append(
                Kind.ENDPOINT_REMOVED,
                actor=actor,
                actor_label=_label(actor),
                data={"team": team.pk, "endpoint": endpoint.pk, "kind": kind, "value": value},
            )
            endpoint.delete()
            changed = True
    for value in values:
        if value not in current:
            endpoint = Endpoint.objects.create(team=team, kind=kind, value=value)
            append(
                Kind.ENDPOINT_ADDED,
                actor=actor,
                actor_label=_label(actor),
                data={"team": team.pk, "endpoint": endpoint.pk, "kind": kind, "value": value},
            )
            changed = True
    return changed


def _check_phone_numbers(team: Team, numbers: Sequence[str]) -> list[str]:
    """A team's phone numbers in E.164, each once, none another team's (issue 14)."""
    stored: list[str] = []
    for number in numbers:
        value = normalise_endpoint(Endpoint.Kind.PHONE, str(number))
        if value not in stored:
            stored.append(value)
    taken = (
        Endpoint.objects.filter(kind=Endpoint.Kind.PHONE, value__in=stored)
        .exclude(team=team)
        .values_list("value", flat=True)
    )
    if taken:
        raise ValidationError(
            _("The phone number %(numbers)s already belongs to another team.")
            % {"numbers": ", ".join(sorted(taken))}
        )
    return stored


def _change_members(team: Team, *, add: set[int], remove: set[int], actor: Any) -> None:
    if not add and not remove:
        return
    if remove:
        team.members.remove(*remove)
    if add:
        team.members.add(*add)
    append(
        Kind.TEAM_MEMBERS_CHANGED,
        actor=actor,
        actor_label=_label(actor),
        data={"team": team.pk, "added": sorted(add), "removed": sorted(remove)},
    )


def email_addresses(team: Team) -> list[str]:
    """The team's email addresses, the primary one first."""
    others = sorted(
        value
        for value in team.endpoints.filter(kind=Endpoint.Kind.EMAIL).values_list("value", flat=True)
        if value != team.inbound_address.lower()
    )
    return [team.inbound_address.lower(), *others]


# -- agents ----------------------------------------------------------------------------------


def invite_agent(
    email: str,
    *,
    actor: Any,
    name: str = "",
    language: str = "",
    languages: Sequence[str] = (),
    time_zone: str = DEFAULT_TIME_ZONE,
    teams: Sequence[Team] = (),
    is_admin: bool = False,
) -> Any:
    """A new agent without a password, and an email inviting them to choose one (in their
    language). They cannot sign in until they do."""
    with transaction.atomic():
        user = add_agent(
            email,
            name=name,
            teams=list(teams),
            admin=is_admin,
            language=language,
            languages=languages,
            time_zone=time_zone,
            actor=actor,
        )
        accounts.queue_invitation(user, actor=actor)
    return user


def update_agent(agent: Any, *, actor: Any, **changes: Any) -> Any:
    """Change the given fields of an agent (AGENT_FIELDS): `teams` is the whole list of
    their teams; `active` False deactivates them (their history stays; they can no longer
    sign in or use their tokens), True reactivates them. Nobody can deactivate themself or
    take away their own administrator rights: the desk always keeps the administrator who
    made the change."""
    unknown = set(changes) - AGENT_FIELDS
    if unknown:
        raise TypeError(f"update_agent() got unknown fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        agent = get_user_model().objects.select_for_update().get(pk=agent.pk)
        profile = AgentProfile.objects.select_for_update().get(user=agent)
        checks = {
            "email": lambda: validation.check_agent_email(changes["email"], agent=agent),
            "name": lambda: validation.check_agent_name(changes["name"]),
            "language": lambda: validation.check_language(changes["language"]),
            "languages": lambda: validation.check_spoken_languages(changes["languages"]),
            "time_zone": lambda: validation.check_time_zone(changes["time_zone"]),
            "signature": lambda: validation.check_signature(changes["signature"]),
            "teams": lambda: _check_teams(agent, changes["teams"]),
            "is_admin": lambda: _check_own_rights(agent, actor, bool(changes["is_admin"])),
            "active": lambda: _check_own_activity(agent, actor, bool(changes["active"])),
        }
        values = validation.collect({f: check for f, check in checks.items() if f in changes})
        changed = _apply_agent_values(agent, profile, values)
        if "teams" in values:
            _set_teams(agent, values["teams"], actor=actor)
        if changed:
            append(
                Kind.AGENT_UPDATED,
                actor=actor,
                actor_label=_label(actor),
                data={
                    "agent": agent.pk,
                    "changed": changed,
                    "email": agent.email,
                    "language": profile.language,
                    "languages": profile.languages,
                    "time_zone": profile.time_zone,
                    "admin": agent.is_staff,
                },
            )
        if values.get("active") is False and agent.is_active:
            deactivate_agent(agent, actor=actor)
        elif values.get("active") is True and not agent.is_active:
            _reactivate(agent, actor=actor)
    return agent


def _check_own_rights(agent: Any, actor: Any, is_admin: bool) -> bool:
    if actor is not None and actor.pk == agent.pk and not is_admin and agent.is_staff:
        raise ValidationError(_("You cannot take away your own administrator rights."))
    return is_admin


def _check_own_activity(agent: Any, actor: Any, active: bool) -> bool:
    if actor is not None and actor.pk == agent.pk and not active:
        raise ValidationError(_("You cannot deactivate yourself."))
    return active


def _apply_agent_values(agent: Any, profile: AgentProfile, values: dict[str, Any]) -> list[str]:
    """Write the changed values on the user and the profile; the names of those changed."""
    changed: list[str] = []
    user_fields: list[str] = []
    if "email" in values and values["email"] != agent.email:
        agent.email = agent.username = values["email"]
        user_fields += ["email", "username"]
        changed.append("email")
    if "name" in values and values["name"] != agent.get_full_name():
        first, _space, last = values["name"].partition(" ")
        agent.first_name, agent.last_name = first[:150], last[:150]
        user_fields += ["first_name", "last_name"]
        changed.append("name")
    if "is_admin" in values and values["is_admin"] != agent.is_staff:
        agent.is_staff = agent.is_superuser = values["is_admin"]
        user_fields += ["is_staff", "is_superuser"]
        changed.append("is_admin")
    if user_fields:
        agent.save(update_fields=user_fields)
    profile_fields = [f for f in ("language", "languages", "time_zone", "signature") if f in values]
    profile_fields = [f for f in profile_fields if getattr(profile, f) != values[f]]
    for field in profile_fields:
        setattr(profile, field, values[field])
    if profile_fields:
        profile.save(update_fields=profile_fields)
    return changed + profile_fields


def _check_teams(agent: Any, teams: Sequence[Team]) -> list[Team]:
    """The teams given; a deactivated agent joins none (they may stay where they are)."""
    current = set(Team.objects.filter(members=agent).values_list("pk", flat=True))
    if any(team.pk not in current for team in teams):
        validation.check_active_agent(agent)
    return list(teams)


def _set_teams(agent: Any, teams: list[Team], *, actor: Any) -> None:
    wanted = {team.pk for team in teams}
    current = set(Team.objects.filter(members=agent).values_list("pk", flat=True))
    for team in Team.objects.filter(pk__in=wanted ^ current).order_by("pk"):
        joins = team.pk in wanted
        _change_members(
            team,
            add={agent.pk} if joins else set(),
            remove=set() if joins else {agent.pk},
            actor=actor,
        )


def deactivate_agent(agent: Any, *, actor: Any) -> None:
    """The agent can no longer sign in or use the API: inactive, their API tokens revoked,
    their sessions ended; they no longer lead a team. Everything they did stays, under
    their name (users are never deleted: the foreign keys to them protect it)."""
    with transaction.atomic():
        get_user_model().objects.filter(pk=agent.pk).update(is_active=False)
        agent.is_active = False
        tokens, _kinds = ApiToken.objects.filter(user=agent).delete()
        led = list(Team.objects.filter(lead=agent).order_by("pk").values_list("pk", flat=True))
        Team.objects.filter(pk__in=led).update(lead=None)
        deactivated = append(
            Kind.AGENT_DEACTIVATED,
            actor=actor,
            actor_label=_label(actor),
            data={
                "agent": agent.pk,
                "tokens_revoked": tokens,
                "sessions_ended": _end_sessions(agent),
                "no_longer_leads": led,
            },
        )
        # Their open conversations go back to their teams (klient.conversations.departures).
        wiring.publish_on_commit(deactivated)


def _end_sessions(agent: Any) -> int:
    """Delete the agent's sessions (database sessions; with another session engine the
    authentication backend refuses an inactive user's session anyway)."""
    if settings.SESSION_ENGINE != _DB_SESSIONS:
        return 0
    from django.contrib.sessions.models import Session

    theirs = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get(SESSION_KEY) == str(agent.pk)
    ]
    Session.objects.filter(pk__in=theirs).delete()
    return len(theirs)


def _reactivate(agent: Any, *, actor: Any) -> None:
    get_user_model().objects.filter(pk=agent.pk).update(is_active=True)
    agent.is_active = True
    append(Kind.AGENT_REACTIVATED, actor=actor, actor_label=_label(actor), data={"agent": agent.pk})


def issue_token(agent: Any, *, actor: Any, label: str = "") -> str:
    """A new API token for an active agent; only its hash is kept, the token is returned
    once."""
    if not agent.is_active:
        raise ValidationError(
            {
                "agent": _("%(agent)s is deactivated; reactivate them first.")
                % {"agent": validation.display_name(agent)}
            }
        )
    with transaction.atomic():
        token = issue_api_token(agent, label=label.strip())
        row = ApiToken.objects.get(key_hash=hash_token(token))
        append(
            Kind.TOKEN_ISSUED,
            actor=actor,
            actor_label=_label(actor),
            data={"agent": agent.pk, "token": row.pk, "label": row.label},
        )
    return token
