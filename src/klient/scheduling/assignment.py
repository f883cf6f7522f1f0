"""Who of a team takes an appointment: the routing rules (klient.routing's pure decision,
`routing.decide.decide`) when they have a say, else round-robin among the free members.

Routing decides who can take work *now*; an appointment is work at the slot's time. So the
desk the decision sees is only the team's members free for that slot, each one able to
take it by construction (in hours, not absent, online: their free slot says so), with
their skills and languages. Their load is their booked appointments that local day and
capacity does not limit them (the slot is free). The work is the booking as the
conversation will be: the type's team, channel `web`, the language booked in, and the
customer's owner, organisation and tier when the email address is a known customer.

The order of preference is routing's:
1. the customer's personal owner, when they are one of the free members (reason `owner`);
2. the first routing rule that matches, picking from its pool (a team, a skill, a
   language) by its strategy (reason `rule`); a pool with nobody free at that time leaves
   the choice to round-robin, since the slot was offered because a member is free;
3. no owner free and no rule matching: round-robin, the member whose last booking of this
   type is oldest first (reason `round_robin`).
Every member free for the slot stays a candidate, after the chosen ones: if the first is
taken meanwhile (the booking re-checks under the lock), the next one gets it."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Max

from klient.people.actions import identity_key
from klient.people.models import Identity, Team
from klient.routing import decide, snapshot

from . import queries
from .models import Appointment, BookingType

# The channel the booking arrives on (booking.WEB_CHANNEL): what rules match on.
CHANNEL = "web"
OWNER, RULE, ROUND_ROBIN = "owner", "rule", "round_robin"
OWN = ""  # an agent's own booking type


@dataclass(frozen=True, slots=True)
class Assignment:
    """The members to try in order, and why the first is first."""

    agents: tuple[Any, ...]
    reason: str = ROUND_ROBIN
    rule: int | None = None


def round_robin(booking_type: BookingType, free: Sequence[Any], start: datetime) -> list[Any]:
    """The free members, the one whose last booking of this type is oldest first."""
    latest = dict(
        Appointment.objects.filter(booking_type=booking_type, agent__in=list(free))
        .values("agent_id")
        .annotate(latest=Max("created_at"))
        .values_list("agent_id", "latest")
    )
    epoch = datetime.min.replace(tzinfo=start.tzinfo)
    return sorted(free, key=lambda a: (latest.get(a.pk) or epoch, a.pk))


def _known_customer(email: str) -> Any:
    """The customer this address already names (None for a first booking); read only,
    the booking creates them later."""
    kind, value = identity_key(Identity.Kind.EMAIL, email)
    found = (
        Identity.objects.filter(kind=kind, value=value, verified_at__isnull=False)
        .select_related("customer__organisation")
        .first()
    )
    return found.customer if found is not None else None


def _day_load(agent: Any, start: datetime) -> int:
    """The member's booked appointments on the slot's local day (their zone)."""
    zone = queries.agent_zone(agent)
    local = start.astimezone(zone)
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return Appointment.objects.filter(
        agent=agent,
        state__in=Appointment.BLOCKING,
        start__gte=midnight,
        start__lt=midnight + timedelta(days=1),
    ).count()


def _desk(
    booking_type: BookingType,
    free: Sequence[Any],
    start: datetime,
    rules: Sequence[decide.Rule],
) -> decide.Snapshot:
    teams: dict[int, set[int]] = {agent.pk: set() for agent in free}
    for user_id, team_id in Team.members.through.objects.filter(
        user_id__in=list(teams)
    ).values_list("user_id", "team_id"):
        teams[user_id].add(team_id)
    states = {
        agent.pk: decide.AgentState(
            id=agent.pk,
            teams=frozenset(teams[agent.pk]),
            skills=frozenset(agent.agent.skills or ()),
            languages=frozenset(agent.agent.languages or ()),
            load=float(_day_load(agent, start)),
            capacity=math.inf,  # the slot is free: how busy they are now does not matter
        )
        for agent in free
    }
    # A round-robin rule takes turns among this type's bookings: after whoever got the last.
    last = (
        Appointment.objects.filter(booking_type=booking_type)
        .order_by("-created_at", "-pk")
        .values_list("agent_id", flat=True)
        .first()
    )
    cursors = {f"rule:{rule.id}": last for rule in rules} if last else {}
    return decide.Snapshot(states, cursors=cursors)


def _work(team: int, *, email: str, language: str, owners: set[int]) -> decide.Work:
    customer = _known_customer(email)
    organisation = customer.organisation if customer is not None else None
    owner = customer.personal_owner_id() if customer is not None else None
    return decide.Work(
        team=team,
        channel=CHANNEL,
        language=language,
        # An owner who is not free then is skipped, as routing skips an owner out of hours.
        owner=owner if owner in owners else None,
        organisation=organisation.pk if organisation is not None else None,
        tier=organisation.tier if organisation is not None else "",
    )


def assign(
    booking_type: BookingType,
    free: Sequence[Any],
    *,
    start: datetime,
    email: str,
    language: str,
) -> Assignment:
    """The free members of a team's type for `start`, in the order to try them."""
    if booking_type.team_id is None:  # an agent's own type: nobody to choose
        return Assignment(tuple(free), reason=OWN)
    if not free:
        return Assignment(())
    turns = round_robin(booking_type, free, start)
    rules = snapshot.rules()
    owners = {agent.pk for agent in free}
    work = _work(booking_type.team_id, email=email, language=language, owners=owners)
    if work.owner is None and not any(rule.matches(work) for rule in rules):
        return Assignment(tuple(turns))
    decision = decide.decide(work, _desk(booking_type, free, start, rules), rules)
    if decision.agent is None:
        return Assignment(tuple(turns))
    by_id = {agent.pk: agent for agent in free}
    chosen = [by_id[pk] for pk in decision.candidates if pk in by_id]
    rest = [agent for agent in turns if agent not in chosen]
    reason = OWNER if decision.reason == decide.OWNER else RULE
    return Assignment(tuple(chosen + rest), reason=reason, rule=decision.rule)
