"""What scheduling tells agents in the app (worded in the reader's language when read or
emailed; klient.core.texts)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

# Notification kinds.
LOST_CONNECTION = "scheduling.connection_lost"


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


TEXTS = {LOST_CONNECTION: lost_connection}
