"""The customer's portal session, separate from agents' Django auth.

The session holds `portal_customer_id`, signed, and the address they signed in with.
Signing in rotates the session key (no fixation); signing out removes only the portal
keys, so an agent signed in on the same browser stays signed in."""

from __future__ import annotations

from django.core import signing
from django.http import HttpRequest

from klient.people.models import Customer

SESSION_KEY = "portal_customer_id"
_SALT = "klient.portal.session"


def sign_in(request: HttpRequest, *, customer_id: int, email: str) -> None:
    request.session.cycle_key()
    request.session[SESSION_KEY] = signing.dumps({"c": customer_id, "e": email}, salt=_SALT)


def sign_out(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()


def signed_in(request: HttpRequest) -> tuple[Customer, str] | None:
    """(customer, the address they signed in with), or None."""
    value = request.session.get(SESSION_KEY)
    if not value:
        return None
    try:
        data = signing.loads(value, salt=_SALT)
    except signing.BadSignature:
        return None
    customer = Customer.objects.filter(pk=data.get("c")).first()
    if customer is None:
        return None
    return customer, str(data.get("e", ""))
