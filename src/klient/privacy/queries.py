"""Finding whose data to export or erase."""

from __future__ import annotations

from django.db.models import F

from klient.people.identities import normalise_email
from klient.people.models import Customer, Identity


def customer_by_email(address: str) -> Customer | None:
    """The customer with this email identity (a verified one first), or None."""
    identity = (
        Identity.objects.filter(kind=Identity.Kind.EMAIL, value=normalise_email(address))
        .select_related("customer")
        .order_by(F("verified_at").asc(nulls_last=True), "id")
        .first()
    )
    return identity.customer if identity else None
