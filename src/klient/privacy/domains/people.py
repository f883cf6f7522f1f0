"""The customer and their identities (klient.people), and their organisation (exported,
never erased: it is the organisation's, not the customer's).

The customer's row stays as a tombstone, without a name or time zone, so their
conversations keep their customer and reports by organisation keep their figures; the
identities go, so no address or number finds the tombstone again: new mail from the same
address makes a new customer."""

from __future__ import annotations

from typing import Any

from klient.people.models import Customer, Identity

from ..records import add, record
from ..scope import Scope


def export(scope: Scope) -> dict[str, Any]:
    customer = scope.customer
    if customer is None:
        return {}
    organisation = customer.organisation
    return {
        "customer": record(customer, "name", "language", "time_zone", "organisation", "owner"),
        "identities": [
            record(i, "kind", "value", "verified_at")
            for i in Identity.objects.filter(customer=customer).order_by("id")
        ],
        "organisation": None
        if organisation is None
        else record(organisation, "name", "tier", "owner"),
    }


def _tombstone_missing(customer: Customer) -> bool:
    return bool(customer.name or customer.time_zone)


def preview(scope: Scope) -> dict[str, int]:
    if scope.customer is None:
        return {}
    return {
        "customer": int(_tombstone_missing(scope.customer)),
        "identities": Identity.objects.filter(customer=scope.customer).count(),
    }


def erase(scope: Scope, counts: dict[str, int]) -> None:
    customer = scope.customer
    if customer is None:
        return
    add(
        counts,
        "customer",
        Customer.objects.filter(pk=customer.pk)
        .exclude(name="", time_zone="")
        .update(name="", time_zone=""),
    )
    add(counts, "identities", Identity.objects.filter(customer=customer).delete()[0])
