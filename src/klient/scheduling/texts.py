"""What scheduling tells agents in the app, worded when each reader reads it or it is
emailed (klient.core.texts): a customer moved or cancelled an appointment through their
manage link, or lost power or connection."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

# Notification.kind values.
APPOINTMENT_RESCHEDULED = "appointment_rescheduled"
APPOINTMENT_CANCELLED = "appointment_cancelled"
LOST_CONNECTION = "scheduling.connection_lost"


def appointment_rescheduled(params: Mapping[str, Any]) -> str:
    return _("%(customer)s moved the appointment %(ref)s “%(type)s” to %(when)s.") % {
        "customer": params["customer"],
        "ref": params["ref"],
        "type": params["type"],
        "when": params["when"],
    }


def appointment_cancelled(params: Mapping[str, Any]) -> str:
    reason = " ".join(str(params.get("reason") or "").split()) or _("no reason given")
    return _(
        "%(customer)s cancelled the appointment %(ref)s “%(type)s” of %(when)s: %(reason)s."
    ) % {
        "customer": params["customer"],
        "ref": params["ref"],
        "type": params["type"],
        "when": params["when"],
        "reason": reason,
    }


def lost_connection(params: Mapping[str, Any]) -> str:
    text = _(
        "%(customer)s lost power or connection during “%(name)s” (%(reference)s) and is "
        "trying to come back."
    ) % {k: params.get(k, "") for k in ("customer", "name", "reference")}
    if params.get("phone"):
        text += " " + _("You can continue by phone: %(phone)s") % {"phone": params["phone"]}
    if params.get("manage"):
        text += " " + _("A new time: %(manage)s") % {"manage": params["manage"]}
    return text


TEXTS = {
    APPOINTMENT_RESCHEDULED: appointment_rescheduled,
    APPOINTMENT_CANCELLED: appointment_cancelled,
    LOST_CONNECTION: lost_connection,
}
