"""What automation rules tell agents, worded when each reader reads it
(klient.core.texts). The rule's name is the administrator's own words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

# Notification.kind values.
NOTIFY = "automation.notify"
LOOP_STOPPED = "automation.loop_notice"  # not the event kind: what a notification says


def notify(params: Mapping[str, Any]) -> str:
    return _("Automation rule “%(rule)s” applied to %(ref)s.") % {
        "rule": params["rule"],
        "ref": params["ref"],
    }


def loop_stopped(params: Mapping[str, Any]) -> str:
    return _(
        "Automation rules stopped on %(ref)s: “%(rule)s” would have run again in the same "
        "chain of rules (%(chain)s)."
    ) % {
        "rule": params["rule"],
        "ref": params["ref"],
        "chain": " → ".join(f"#{rule}" for rule in params["chain"]),
    }


TEXTS = {NOTIFY: notify, LOOP_STOPPED: loop_stopped}
