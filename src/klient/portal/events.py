"""One constructor per portal Event kind."""

from __future__ import annotations

from typing import Any

from klient.core.events import append
from klient.core.models import Event


def sign_in_link_requested(customer_id: int, link_id: int) -> Event:
    return append(
        "portal.sign_in_requested",
        actor_label="customer",
        data={"customer": customer_id, "link": link_id},
    )


def signed_in(customer_id: int, link_id: int) -> Event:
    return append(
        "portal.signed_in", actor_label="customer", data={"customer": customer_id, "link": link_id}
    )


def form_submitted(conversation: Any, *, form_id: int, submission_id: int) -> Event:
    return append(
        "form.submitted",
        conversation=conversation,
        actor_label="customer",
        data={"form": form_id, "submission": submission_id},
    )


def status_set_by_customer(conversation: Any, *, customer_id: int, status: str) -> Event:
    return append(
        "portal.status_set",
        conversation=conversation,
        actor_label="customer",
        data={"customer": customer_id, "status": status},
    )
