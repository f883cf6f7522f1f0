"""What colleague requests and follow-ups tell agents, worded when each reader reads it
(klient.core.texts). The parameters are names, references and numbers; the question or
answer quoted is the colleague's own words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Notification.kind values (what a notification is about; they read like Event kinds but
# are not ones).
ASKED = "collab.asked"
ANSWERED = "collab.answered"
FOLLOW_UP_REOPENED = "followup.reopened"
# The internal note a follow-up adds when it reopens a conversation.
FOLLOW_UP_NOTE = "followup.note"


def asked(params: Mapping[str, Any]) -> str:
    return _("%(asker)s asks about %(ref)s: %(question)s") % {
        "asker": params["asker"],
        "ref": params["ref"],
        "question": params["question"],
    }


def answered(params: Mapping[str, Any]) -> str:
    return _("%(who)s answered your question about %(ref)s: %(answer)s") % {
        "who": params["who"],
        "ref": params["ref"],
        "answer": params["answer"],
    }


def follow_up_reopened(params: Mapping[str, Any]) -> str:
    return _("%(ref)s reopened: no word from the customer %(days)d days after solving.") % {
        "ref": params["ref"],
        "days": int(params["days"]),
    }


def follow_up_note(params: Mapping[str, Any]) -> str:
    days = int(params["days"])
    return ngettext(
        "Reopened automatically: this conversation was solved with a check back in %(days)d "
        "day, and the customer has not written since (follow-up #%(id)d).",
        "Reopened automatically: this conversation was solved with a check back in %(days)d "
        "days, and the customer has not written since (follow-up #%(id)d).",
        days,
    ) % {"days": days, "id": int(params["id"])}


TEXTS = {
    ASKED: asked,
    ANSWERED: answered,
    FOLLOW_UP_REOPENED: follow_up_reopened,
    FOLLOW_UP_NOTE: follow_up_note,
}
