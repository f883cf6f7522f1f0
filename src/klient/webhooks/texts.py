"""What webhooks tell agents (worded in the reader's language when read or emailed)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

# Notification kinds.
DISABLED = "webhooks.disabled"


def disabled(params: Mapping[str, Any]) -> str:
    return _("Webhook %(url)s was turned off: its receiver answered 410 Gone.") % {
        "url": params["url"]
    }


TEXTS = {DISABLED: disabled}
