"""Routing reads: "who would get this?" without assigning anything."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from klient.people.models import Customer, Team

from . import decide, snapshot


def preview(
    team: Team,
    *,
    channel: str,
    language: str = "",
    customer: Customer | None = None,
    tags: Iterable[str] = (),
) -> decide.Decision:
    organisation = customer.organisation if customer is not None else None
    work = decide.Work(
        team=team.pk,
        channel=channel,
        language=language,
        owner=customer.personal_owner_id() if customer is not None else None,
        organisation=organisation.pk if organisation is not None else None,
        tier=organisation.tier if organisation is not None else "",
        tags=frozenset(t.strip().lower() for t in tags if t.strip()),
    )
    return decide.decide(work, snapshot.take(timezone.now()), snapshot.rules())


def agents_by_id(ids: Iterable[int]) -> dict[int, Any]:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.in_bulk(list(ids))
