"""The portal Event kinds, and one constructor per kind."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from klient.core.events import EventKind, append

if TYPE_CHECKING:
    from klient.core.models import Event


class Kind(EventKind):
    SIGN_IN_REQUESTED = "portal.sign_in_requested", _("Customer asked for a sign-in link")
    SIGNED_IN = "portal.signed_in", _("Customer signed in to the portal")
    FORM_SUBMITTED = "form.submitted", _("Request form submitted")
    FORM_CREATED = "form.created", _("Request form created")
    FORM_CHANGED = "form.changed", _("Request form changed")
    FORM_ENABLED = "form.enabled", _("Request form enabled")
    FORM_DISABLED = "form.disabled", _("Request form disabled")
    STATUS_SET = "portal.status_set", _("Customer changed the status in the portal")


def sign_in_link_requested(customer_id: int, link_id: int) -> Event:
    return append(
        Kind.SIGN_IN_REQUESTED,
        actor_label="customer",
        data={"customer": customer_id, "link": link_id},
    )


def signed_in(customer_id: int, link_id: int) -> Event:
    return append(
        Kind.SIGNED_IN, actor_label="customer", data={"customer": customer_id, "link": link_id}
    )


def form_submitted(conversation: Any, *, form_id: int, submission_id: int) -> Event:
    return append(
        Kind.FORM_SUBMITTED,
        conversation=conversation,
        actor_label="customer",
        data={"form": form_id, "submission": submission_id},
    )


def status_set_by_customer(conversation: Any, *, customer_id: int, status: str) -> Event:
    return append(
        Kind.STATUS_SET,
        conversation=conversation,
        actor_label="customer",
        data={"customer": customer_id, "status": status},
    )


def form_created(form_id: int, *, actor: Any, slug: str, fields: list[str]) -> Event:
    return append(
        Kind.FORM_CREATED, actor=actor, data={"form": form_id, "slug": slug, "fields": fields}
    )


def form_changed(form_id: int, *, actor: Any, changes: dict[str, Any]) -> Event:
    return append(Kind.FORM_CHANGED, actor=actor, data={"form": form_id, **changes})


def form_active_set(form_id: int, *, actor: Any, active: bool) -> Event:
    kind = Kind.FORM_ENABLED if active else Kind.FORM_DISABLED
    return append(kind, actor=actor, data={"form": form_id})
