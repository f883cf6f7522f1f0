"""What promises tell agents, worded when each reader reads it (klient.core.texts): a
promise broken, to its agent and the team lead."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

# Notification.kind values.
BROKEN = "promise.broken"


def broken(params: Mapping[str, Any]) -> str:
    return _('A promise in %(ref)s was not kept by its due time: "%(quote)s"') % {
        "ref": params["ref"],
        "quote": params["quote"],
    }


TEXTS = {BROKEN: broken}
