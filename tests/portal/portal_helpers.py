"""Helpers for the portal tests: signing in through a real magic link, aged form tokens."""

import time

from klient.portal import antispam, sign_in
from klient.portal.models import SignInLink


def link_token(address: str) -> str:
    """Ask for a sign-in link for `address` and return its token (as the email carries it)."""
    sign_in.request_sign_in(address, ip="198.51.100.7", language="en")
    return sign_in.token_for(SignInLink.objects.filter(email=address).latest("pk"))


def signed_in_client(client, address: str):
    response = client.post(f"/portal/sign-in/{link_token(address)}/")
    assert response.status_code == 302
    return client


def old_enough(slug: str) -> str:
    """A form's start token from a minute ago: a person took their time to fill it in."""
    return antispam.started_token(slug, at=time.time() - 60)


def filled(form, **fields) -> dict:
    """The demo contact form as Ola fills it in (a question, in Polish), with `fields`
    changed or added."""
    data = {
        "email": "ola@example.com",
        "name": "Ola Kowalska",
        "subject": "Faktura za zamówienie 77",
        "f_request_type": "question",
        "f_message": "Proszę o informację.",
        "started": old_enough(form.slug),
        "nonce": "b" * 32,
    }
    data.update(fields)
    return data
