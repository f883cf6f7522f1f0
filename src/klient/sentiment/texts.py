"""What sentiment tells agents, worded when each reader reads it (klient.core.texts)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

# Notification.kind values.
RECOVERY_TASK = "sentiment.recovery_task"


def recovery_task(params: Mapping[str, Any]) -> str:
    return _("A customer relationship is at risk in %(ref)s: a recovery task is yours.") % {
        "ref": params["ref"]
    }


TEXTS = {RECOVERY_TASK: recovery_task}
