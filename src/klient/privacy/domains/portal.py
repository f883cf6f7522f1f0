"""The customer's portal: sign-in links (with the address they were sent to), what their
request forms said, and open portal sessions signed in as them.

The portal is an interface layer above klient.privacy (docs/architecture.md), so its
models and session format are looked up when used, by app label and dotted path, as
core.wiring resolves handlers, not imported."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from django.apps import apps
from django.contrib.sessions.models import Session
from django.core import signing

from ..records import add, record
from ..scope import Scope


def _links(scope: Scope) -> Any:
    model = apps.get_model("portal", "SignInLink")
    if scope.customer is None:
        return model.objects.none()
    return model.objects.filter(customer=scope.customer).order_by("id")


def _submissions(scope: Scope) -> Any:
    model = apps.get_model("portal", "FormSubmission")
    return model.objects.filter(conversation_id__in=scope.conversation_ids).order_by("id")


def _sessions(scope: Scope) -> list[Session]:
    """Portal sessions signed in as the customer (each session decoded: erasure is rare)."""
    if scope.customer is None:
        return []
    portal = import_module("klient.portal.session")
    found = []
    for session in Session.objects.iterator():
        value = session.get_decoded().get(portal.SESSION_KEY)
        if not value:
            continue
        try:
            data = signing.loads(value, salt=portal._SALT)
        except signing.BadSignature:
            continue
        if data.get("c") == scope.customer.pk:
            found.append(session)
    return found


def export(scope: Scope) -> dict[str, Any]:
    return {
        "sign_in_links": [
            record(link, "email", "language", "created_at", "expires_at", "used_at", "state")
            for link in _links(scope)
        ],
        "form_submissions": [
            record(s, "form", "conversation", "message", "data", "language", "created_at")
            for s in _submissions(scope)
        ],
    }


def preview(scope: Scope) -> dict[str, int]:
    return {
        "sign_in_links": _links(scope).count(),
        "form_submissions": _submissions(scope).exclude(data={}).count(),
        "portal_sessions": len(_sessions(scope)),
    }


def erase(scope: Scope, counts: dict[str, int]) -> None:
    add(counts, "sign_in_links", _links(scope).delete()[0])
    add(counts, "form_submissions", _submissions(scope).exclude(data={}).update(data={}))
    sessions = [s.pk for s in _sessions(scope)]
    add(counts, "portal_sessions", Session.objects.filter(pk__in=sessions).delete()[0])
