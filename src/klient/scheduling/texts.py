"""What scheduling tells agents, worded when each reader reads it (klient.core.texts): a
customer moved or cancelled an appointment through their manage link."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

# Notification.kind values.
APPOINTMENT_RESCHEDULED = "appointment_rescheduled"
APPOINTMENT_CANCELLED = "appointment_cancelled"


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


TEXTS = {
    APPOINTMENT_RESCHEDULED: appointment_rescheduled,
    APPOINTMENT_CANCELLED: appointment_cancelled,
}
