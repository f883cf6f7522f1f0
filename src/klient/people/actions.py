"""The only writers of people: customers, identities, teams, agents, tokens and absences."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from klient.core import bulk
from klient.core.events import append, collecting

from . import events as people_events
from .models import Absence, AgentProfile, ApiToken, Customer, Identity, Team


def normalise_email(address: str) -> str:
    return address.strip().lower()


def find_or_create_customer_by_email(address: str, name: str = "") -> Customer:
    """The customer owning this address, created on first contact.

    Safe under concurrency: two first messages from one address create one customer."""
    value = normalise_email(address)
    ident = Identity.objects.select_related("customer").filter(kind="email", value=value).first()
    if ident is not None:
        customer = ident.customer
        if name and not customer.name:
            Customer.objects.filter(pk=customer.pk, name="").update(name=name[:200])
            customer.name = name[:200]
        return customer
    try:
        with transaction.atomic():
            customer = Customer.objects.create(name=name[:200])
            Identity.objects.create(customer=customer, kind="email", value=value)
            append("customer.created", actor_label="system", data={"customer": customer.pk})
            return customer
    except IntegrityError:
        return Identity.objects.select_related("customer").get(kind="email", value=value).customer


def find_or_create_customers_by_email(names: dict[str, str]) -> dict[str, Customer]:
    """The customers owning these addresses (address -> display name), creating those seen
    for the first time; keyed by normalised address. Two queries for any number of
    addresses in the common case; falls back to one at a time if a concurrent writer
    created one of them meanwhile."""
    wanted = {normalise_email(a): n for a, n in names.items()}
    found = {
        ident.value: ident.customer
        for ident in Identity.objects.select_related("customer").filter(
            kind="email", value__in=list(wanted)
        )
    }
    missing = [a for a in wanted if a not in found]
    if not missing:
        return found
    try:
        with transaction.atomic(), collecting():
            customers = [Customer(name=wanted[a][:200]) for a in missing]
            bulk.insert(Customer, customers)
            bulk.insert(
                Identity,
                [
                    Identity(customer=c, kind="email", value=a)
                    for a, c in zip(missing, customers, strict=True)
                ],
            )
            for customer in customers:
                append("customer.created", actor_label="system", data={"customer": customer.pk})
        found.update(zip(missing, customers, strict=True))
    except IntegrityError:
        for address in missing:
            found[address] = find_or_create_customer_by_email(address, wanted[address])
    return found


def create_team(name: str, *, address: str, acknowledge: bool = False, actor: Any = None) -> Team:
    name = name.strip()
    if not name:
        raise ValidationError("A team needs a name.")
    address = normalise_email(address)
    validate_email(address)
    if Team.objects.filter(name__iexact=name).exists():
        raise ValidationError(f"A team named {name!r} already exists.")
    if Team.objects.filter(inbound_address__iexact=address).exists():
        raise ValidationError(f"The address {address} already belongs to a team.")
    with transaction.atomic():
        team = Team.objects.create(name=name, inbound_address=address, acknowledge=acknowledge)
        append(
            "team.created",
            actor=actor,
            actor_label="" if actor else "cli",
            data={"team": team.pk, "name": name, "address": address},
        )
    return team


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_api_token(user: Any, label: str = "") -> str:
    """Create a bearer token and return it; only its hash is kept."""
    token = "kl_" + secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, key_hash=hash_token(token), label=label)
    return token


def create_agent(
    email: str,
    *,
    name: str = "",
    teams: list[Team] | None = None,
    admin: bool = False,
    password: str | None = None,
    languages: list[str] | None = None,
    time_zone: str = "Europe/Warsaw",
    actor: Any = None,
) -> tuple[Any, str]:
    """Create an agent (a Django user with a profile) and return it with a new API token."""
    email = normalise_email(email)
    validate_email(email)
    user_model = get_user_model()
    if user_model.objects.filter(username=email).exists():
        raise ValidationError(f"An agent with the address {email} already exists.")
    first, _, last = name.strip().partition(" ")
    with transaction.atomic():
        user = user_model.objects.create_user(
            username=email,
            email=email,
            password=password,
            first_name=first[:150],
            last_name=last[:150],
            is_staff=admin,
            is_superuser=admin,
        )
        AgentProfile.objects.create(user=user, languages=languages or [], time_zone=time_zone)
        for team in teams or []:
            team.members.add(user)
        token = issue_api_token(user, label="created with the agent")
        append(
            "agent.created",
            actor=actor,
            actor_label="" if actor else "cli",
            data={
                "agent": user.pk,
                "email": email,
                "admin": admin,
                "teams": [t.pk for t in teams or []],
            },
        )
    return user, token


# -- absences ---------------------------------------------------------------------------------


def check_absence(
    agent: Any,
    *,
    starts_at: datetime,
    ends_at: datetime,
    substitute_agent: Any = None,
    substitute_team: Team | None = None,
) -> None:
    """Raise ValidationError unless the absence can be recorded: aware times, an end after
    the start, at most one substitute, an active substitute agent other than `agent`."""
    if any(moment.tzinfo is None or moment.utcoffset() is None for moment in (starts_at, ends_at)):
        raise ValidationError(_("Give the absence's start and end with their time zone."))
    if ends_at <= starts_at:
        raise ValidationError(_("An absence ends after it starts."))
    if substitute_agent is not None and substitute_team is not None:
        raise ValidationError(_("Name one substitute: an agent or a team."))
    if substitute_agent is not None:
        if substitute_agent.pk == agent.pk:
            raise ValidationError(_("An agent cannot be their own substitute."))
        if not substitute_agent.is_active:
            raise ValidationError(_("The substitute agent is not active."))


def create_absence(
    agent: Any,
    *,
    actor: Any,
    starts_at: datetime,
    ends_at: datetime,
    reason: str = "",
    substitute_agent: Any = None,
    substitute_team: Team | None = None,
) -> Absence:
    """Record that `agent` is away in [starts_at, ends_at). Appends absence.created."""
    check_absence(
        agent,
        starts_at=starts_at,
        ends_at=ends_at,
        substitute_agent=substitute_agent,
        substitute_team=substitute_team,
    )
    with transaction.atomic():
        absence = Absence.objects.create(
            agent=agent,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason.strip()[:200],
            substitute_agent=substitute_agent,
            substitute_team=substitute_team,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        people_events.absence_created(absence, actor=actor)
    return absence


def delete_absence(absence: Absence, *, actor: Any) -> None:
    """Remove an absence (entered by mistake, or cancelled); absence.deleted keeps what it
    was."""
    with transaction.atomic():
        locked = Absence.objects.select_for_update().get(pk=absence.pk)
        people_events.absence_deleted(locked, actor=actor)
        locked.delete()
