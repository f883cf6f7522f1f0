"""What an escalation tells the agents it reaches, worded when they read it
(klient.core.texts): the parameters are the conversation's reference and subject, the
target's code, the trigger ("warning" or "breach") and why this agent is told."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ESCALATION = "sla.escalation"

TARGET_LABELS = {
    "first_reply": gettext_lazy("first reply"),
    "next_reply": gettext_lazy("next reply"),
    "periodic_update": gettext_lazy("periodic update"),
    "resolution": gettext_lazy("resolution"),
}

# Why the reader is told (params["why"]).
ASSIGNEE = "assignee"
UNASSIGNED = "unassigned"
TEAM_LEAD = "team_lead"
REASSIGNED = "reassigned"


def escalation(params: Mapping[str, Any]) -> str:
    values = {
        "ref": params["ref"],
        "subject": params.get("subject") or _("(no subject)"),
        "target": TARGET_LABELS.get(params["target"], params["target"]),
    }
    if params["trigger"] == "warning":
        what = _("%(ref)s “%(subject)s”: the %(target)s target will be missed soon.") % values
    else:
        what = _("%(ref)s “%(subject)s”: the %(target)s target was missed.") % values
    why = params["why"]
    if why == ASSIGNEE:
        because = _("You are its assignee.")
    elif why == UNASSIGNED:
        because = _("It has no assignee: please take it or assign it.")
    elif why == TEAM_LEAD:
        because = _("Escalated to you as the lead of %(team)s.") % {"team": params["team"]}
    else:
        because = _("It was reassigned to you or your team.")
    return f"{what} {because}"


TEXTS = {ESCALATION: escalation}
