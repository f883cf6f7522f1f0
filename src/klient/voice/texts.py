"""What voice of the customer tells agents, worded when each reader reads it
(klient.core.texts): a corrective action given to its owner."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

# Notification.kind values.
ACTION_ASSIGNED = "voice.action_assigned"


def action_assigned(params: Mapping[str, Any]) -> str:
    return _(
        "%(actor)s made you the owner of a corrective action on “%(topic)s”, due "
        "%(due)s: %(description)s"
    ) % {
        "actor": params["actor"],
        "topic": params["topic"],
        "due": params["due"],
        "description": params["description"],
    }


TEXTS = {ACTION_ASSIGNED: action_assigned}
