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
