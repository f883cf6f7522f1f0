"""What the notifications domain itself tells agents, worded when each reader reads it
(klient.core.texts): a reply of theirs that did not reach the customer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

# Notification.kind values.
REPLY_NOT_DELIVERED = "reply_not_delivered"
REPLY_BOUNCED = "reply_bounced"


def _values(params: Mapping[str, Any]) -> dict[str, str]:
    return {
        "ref": str(params["ref"]),
        "subject": str(params.get("subject") or "") or _("(no subject)"),
        "reason": " ".join(str(params.get("reason") or "").split()) or _("no reason given"),
    }


def reply_not_delivered(params: Mapping[str, Any]) -> str:
    return _(
        "Your reply on %(ref)s “%(subject)s” was not delivered: %(reason)s. Open it to resend it."
    ) % _values(params)


def reply_bounced(params: Mapping[str, Any]) -> str:
    return _(
        "Your reply on %(ref)s “%(subject)s” bounced: %(reason)s. Open it to resend it."
    ) % _values(params)


TEXTS = {
    REPLY_NOT_DELIVERED: reply_not_delivered,
    REPLY_BOUNCED: reply_bounced,
}
