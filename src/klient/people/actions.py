"""The only writers of people: customers, identities, teams, agents, tokens and absences."""

from __future__ import annotations

import functools
import hashlib
import secrets
import zoneinfo
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from klient.core import bulk
from klient.core.events import append, collecting

from . import events as people_events
from . import identities, validation
from .events import Kind
from .identities import normalise_email
from .models import Absence, AgentProfile, ApiToken, Customer, Endpoint, Identity, Team

IdentityKey = tuple[str, str]  # (kind, normalised value)
DEFAULT_TIME_ZONE = "Europe/Warsaw"  # an agent's, until they choose theirs


def phone_region() -> str:
    """The region national phone numbers are read in (KLIENT_PHONE_REGION, e.g. "PL")."""
    return str(settings.KLIENT_PHONE_REGION)


def identity_key(kind: str, value: str) -> IdentityKey:
    """(kind, value) in its stored form. Email addresses are only trimmed and lower-cased,
    exactly as before identities had other kinds; other kinds raise InvalidIdentity for a
    value that names no one."""
    if kind == identities.EMAIL:
        return kind, normalise_email(value)
    return kind, identities.normalise(kind, value, region=phone_region())


def find_or_create_customer_by_email(address: str, name: str = "") -> Customer:
    """The customer owning this address, created on first contact.

    Safe under concurrency: two first messages from one address create one customer."""
    return find_or_create_customer(identities.EMAIL, address, name)


def find_or_create_customer(kind: str, value: str, name: str = "") -> Customer:
    """The customer a verified identity of this kind names, created on first contact.

    Safe under concurrency: two first messages from one identity create one customer."""
    key = identity_key(kind, value)
    ident = _verified(key).select_related("customer").first()
    if ident is not None:
        customer = ident.customer
        if name and not customer.name:
            Customer.objects.filter(pk=customer.pk, name="").update(name=name[:200])
            customer.name = name[:200]
        return customer
    try:
        with transaction.atomic():
            customer = Customer.objects.create(name=name[:200])
            Identity.objects.create(
                customer=customer, kind=key[0], value=key[1], verified_at=timezone.now()
            )
            append(Kind.CUSTOMER_CREATED, actor_label="system", data={"customer": customer.pk})
            return customer
    except IntegrityError:
        return _verified(key).select_related("customer").get().customer


def _verified(key: IdentityKey) -> Any:
    return Identity.objects.filter(kind=key[0], value=key[1], verified_at__isnull=False)


def find_or_create_customers_by_email(names: dict[str, str]) -> dict[str, Customer]:
    """The customers owning these addresses (address -> display name), creating those seen
    for the first time; keyed by normalised address."""
    found = find_or_create_customers({(identities.EMAIL, a): n for a, n in names.items()})
    return {value: customer for (_, value), customer in found.items()}


def find_or_create_customers(names: dict[IdentityKey, str]) -> dict[IdentityKey, Customer]:
    """The customers these identities name ((kind, value) -> display name), creating those
    seen for the first time; keyed by (kind, normalised value). Two queries for any number
    of identities in the common case (one lookup per kind present); falls back to one at a
    time if a concurrent writer created one of them meanwhile."""
    wanted = {identity_key(kind, value): n for (kind, value), n in names.items()}
    by_kind: dict[str, list[str]] = {}
    for kind, value in wanted:
        by_kind.setdefault(kind, []).append(value)
    lookup = Q()
    for kind, values in by_kind.items():
        lookup |= Q(kind=kind, value__in=values)
    found = {
        (ident.kind, ident.value): ident.customer
        for ident in Identity.objects.select_related("customer").filter(
            lookup, verified_at__isnull=False
        )
    }
    missing = [key for key in wanted if key not in found]
    if not missing:
        return found
    now = timezone.now()
    try:
        with transaction.atomic(), collecting():
            customers = [Customer(name=wanted[key][:200]) for key in missing]
            bulk.insert(Customer, customers)
            bulk.insert(
                Identity,
                [
                    Identity(customer=c, kind=kind, value=value, verified_at=now)
                    for (kind, value), c in zip(missing, customers, strict=True)
                ],
            )
            for customer in customers:
                append(Kind.CUSTOMER_CREATED, actor_label="system", data={"customer": customer.pk})
        found.update(zip(missing, customers, strict=True))
    except IntegrityError:
        for key in missing:
            found[key] = find_or_create_customer(key[0], key[1], wanted[key])
    return found


@functools.cache
def _known_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def valid_time_zone(name: str) -> str:
    """`name` if it is an IANA time zone this system knows ("Europe/Warsaw"), else ""."""
    name = (name or "").strip()
    if not name or len(name) > 64 or name not in _known_time_zones():
        return ""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return ""
    return name


def set_customer_time_zone(
    customer: Customer, time_zone: str, *, only_if_unset: bool = False, actor_label: str = ""
) -> bool:
    """Store the time zone the customer's times are shown in (their browser's, detected
    by the portal). ValidationError for a name that is not a known IANA zone; with
    `only_if_unset`, a customer who has one keeps it. Returns whether it changed."""
    zone = valid_time_zone(time_zone)
    if not zone:
        raise ValidationError(f"Unknown time zone {time_zone[:64]!r}.", code="time_zone")
    with transaction.atomic():
        current = Customer.objects.select_for_update().filter(pk=customer.pk).get()
        if current.time_zone == zone or (only_if_unset and current.time_zone):
            customer.time_zone = current.time_zone
            return False
        previous = current.time_zone
        Customer.objects.filter(pk=customer.pk).update(time_zone=zone)
        customer.time_zone = zone
        append(
            Kind.CUSTOMER_TIME_ZONE_SET,
            actor_label=actor_label or "customer",
            data={"customer": customer.pk, "from": previous, "to": zone},
        )
    return True


def add_identity(
    customer: Customer, *, kind: str, value: str, verified: bool, actor: Any = None
) -> Identity:
    """Record another way to reach this customer. An unverified identity (an email a chat
    visitor typed) is only a claim: it names no one until it is proven, and stays the
    customer's own either way. A verified one owned by someone else is refused."""
    kind, value = identity_key(kind, value)
    with transaction.atomic():
        ident, created = Identity.objects.get_or_create(customer=customer, kind=kind, value=value)
        if verified and ident.verified_at is None:
            if _verified((kind, value)).exclude(customer=customer).exists():
                raise ValidationError(f"The {kind} {value} already belongs to another customer.")
            ident.verified_at = timezone.now()
            ident.save(update_fields=["verified_at"])
        elif not created:
            return ident
        append(
            Kind.IDENTITY_ADDED,
            actor=actor,
            actor_label="" if actor else "system",
            data={
                "customer": customer.pk,
                "identity": ident.pk,
                "kind": kind,
                "verified": ident.verified_at is not None,
            },
        )
    return ident


def prove_identity(identity: Identity, *, actor: Any = None) -> tuple[Identity, Customer | None]:
    """Mark a claimed identity proven (its owner followed a magic link sent to it).

    Returns the verified identity and, when another customer already owned it, that
    customer: the claim is then dropped, and the caller moves the claimant's history to
    the owner (conversations.visitors.confirm_identity). Must run inside the caller's
    transaction."""
    identity = Identity.objects.select_for_update().get(pk=identity.pk)
    if identity.verified_at is not None:
        return identity, None
    owner = _verified((identity.kind, identity.value)).select_related("customer").first()
    if owner is not None and owner.customer_id != identity.customer_id:
        claimant = identity.customer_id
        identity.delete()
        # The claimant's other identities (its chat visitor id) now name the owner too.
        Identity.objects.filter(customer_id=claimant).exclude(
            kind=owner.kind, value=owner.value
        ).update(customer=owner.customer)
        append(
            Kind.IDENTITY_PROVEN,
            actor=actor,
            actor_label="" if actor else "customer",
            data={"customer": owner.customer_id, "claimant": claimant, "kind": owner.kind},
        )
        return owner, owner.customer
    identity.verified_at = timezone.now()
    identity.save(update_fields=["verified_at"])
    append(
        Kind.IDENTITY_PROVEN,
        actor=actor,
        actor_label="" if actor else "customer",
        data={"customer": identity.customer_id, "kind": identity.kind},
    )
    return identity, None


def normalise_endpoint(kind: str, value: str) -> str:
    """An endpoint's stored form: email and phone as identities are; a web form or chat
    widget key trimmed and lower-cased."""
    if kind == Endpoint.Kind.EMAIL:
        address = normalise_email(value)
        validate_email(address)
        return address
    if kind == Endpoint.Kind.PHONE:
        try:
            return identities.normalise_phone(value, phone_region())
        except identities.InvalidIdentity as exc:
            raise ValidationError(str(exc)) from exc
    if kind in Endpoint.Kind.values:
        key = value.strip().lower()
        if not key or len(key) > 320 or any(c.isspace() for c in key):
            raise ValidationError(f"Not a usable {kind} endpoint: {value!r}.")
        return key
    raise ValidationError(
        f"Unknown endpoint kind {kind!r}; use one of {', '.join(Endpoint.Kind.values)}."
    )


def add_endpoint(team: Team, *, kind: str, value: str, actor: Any = None) -> Endpoint:
    """Open another way in to this team (an email address, a form, a widget, a number)."""
    value = normalise_endpoint(kind, value)
    with transaction.atomic():
        if Endpoint.objects.filter(kind=kind, value=value).exists():
            raise ValidationError(f"The {kind} endpoint {value} already belongs to a team.")
        endpoint = Endpoint.objects.create(team=team, kind=kind, value=value)
        append(
            Kind.ENDPOINT_ADDED,
            actor=actor,
            actor_label="" if actor else "cli",
            data={"team": team.pk, "endpoint": endpoint.pk, "kind": kind, "value": value},
        )
    return endpoint


def create_team(name: str, *, address: str, acknowledge: bool = False, actor: Any = None) -> Team:
    """A new team receiving mail at `address`, its primary email endpoint. More addresses,
    members and a lead: klient.people.admin_actions.update_team."""
    values = validation.collect(
        {
            "name": lambda: validation.check_team_name(name),
            "addresses": lambda: validation.check_addresses([address]),
        }
    )
    name, address = values["name"], values["addresses"][0]
    with transaction.atomic():
        team = Team.objects.create(name=name, inbound_address=address, acknowledge=acknowledge)
        # Its primary email endpoint: mail to this address finds the team.
        Endpoint.objects.create(team=team, kind=Endpoint.Kind.EMAIL, value=address)
        append(
            Kind.TEAM_CREATED,
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
    ApiToken.objects.create(user=user, key_hash=hash_token(token), label=label[:100])
    return token


def create_agent(email: str, **fields: Any) -> tuple[Any, str]:
    """An agent (add_agent's fields) and a new API token for them (the CLI prints it)."""
    with transaction.atomic():
        user = add_agent(email, **fields)
        token = issue_api_token(user, label="created with the agent")
    return user, token


def add_agent(
    email: str,
    *,
    name: str = "",
    teams: list[Team] | None = None,
    admin: bool = False,
    password: str | None = None,
    language: str = "",
    languages: Sequence[str] | None = None,
    time_zone: str = DEFAULT_TIME_ZONE,
    actor: Any = None,
) -> Any:
    """Create an agent: a Django user (signing in with their email address) and their
    profile. Without a password they cannot sign in until they choose one (an
    invitation: klient.people.admin_actions.invite_agent)."""
    values = validation.collect(
        {
            "email": lambda: validation.check_agent_email(email),
            "name": lambda: validation.check_agent_name(name),
            "language": lambda: validation.check_language(language),
            "languages": lambda: validation.check_spoken_languages(languages or []),
            "time_zone": lambda: validation.check_time_zone(time_zone),
        }
    )
    email = values["email"]
    first, _space, last = values["name"].partition(" ")
    with transaction.atomic():
        user = get_user_model().objects.create_user(
            username=email,
            email=email,
            password=password,
            first_name=first[:150],
            last_name=last[:150],
            is_staff=admin,
            is_superuser=admin,
        )
        AgentProfile.objects.create(
            user=user,
            language=values["language"],
            languages=values["languages"],
            time_zone=values["time_zone"],
        )
        for team in teams or []:
            team.members.add(user)
        append(
            Kind.AGENT_CREATED,
            actor=actor,
            actor_label="" if actor else "cli",
            data={
                "agent": user.pk,
                "email": email,
                "admin": admin,
                "teams": [t.pk for t in teams or []],
            },
        )
    return user


def set_agent_language(user: Any, language: str, *, actor: Any) -> AgentProfile:
    """Set the language Klient speaks to an agent (UI, notifications, emails): a code of
    settings.LANGUAGES, or "" for the browser's, then English (people.languages)."""
    code = language.strip()
    if code and code not in dict(settings.LANGUAGES):
        raise ValidationError(_("Klient does not speak this language."))
    with transaction.atomic():
        profile = AgentProfile.objects.select_for_update().get(user=user)
        if profile.language != code:
            append(
                Kind.AGENT_LANGUAGE_CHANGED,
                actor=actor,
                actor_label="" if actor else "cli",
                data={"agent": user.pk, "from": profile.language, "to": code},
            )
            profile.language = code
            profile.save(update_fields=["language"])
    # A profile Django cached on this user object must not keep the old language.
    user.agent = profile
    return profile


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
