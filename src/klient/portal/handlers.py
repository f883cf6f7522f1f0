"""What the portal does after a change commits (collected by core.wiring; each handler takes
a list of event ids and is idempotent)."""

from __future__ import annotations

from klient.core.events import EventKind

from .events import Kind

HANDLERS: dict[EventKind, list[str]] = {
    # A request form's customer is told the reference and the honest answer time.
    Kind.FORM_SUBMITTED: ["klient.portal.confirmation.confirm_submissions"],
}
