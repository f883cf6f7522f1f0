"""The surveys' Event kinds, one constructor each. A survey's are on the conversation, so
they show in its timeline and audit log; a team's settings are in the audit log only.
survey.answered and survey.changed carry the rating and whether it is bad: what issue
17's at-risk signal is to read."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from klient.core.events import EventKind, append

from . import rules

if TYPE_CHECKING:
    from klient.core.models import Event

    from .models import CsatSettings, Survey


class Kind(EventKind):
    SCHEDULED = "survey.scheduled", _("Satisfaction survey scheduled")
    CANCELLED = "survey.cancelled", _("Satisfaction survey not sent")
    SENT = "survey.sent", _("Satisfaction survey sent")
    ANSWERED = "survey.answered", _("Satisfaction survey answered")
    CHANGED = "survey.changed", _("Satisfaction survey answer changed")
    # A team's settings (no conversation: the audit log only).
    SETTINGS_SAVED = "survey.settings_saved", _("Satisfaction survey settings saved")


def _rating(survey: Survey) -> dict[str, Any]:
    return {
        "survey": survey.pk,
        "scale": survey.scale,
        "rating": survey.rating,
        "good": rules.is_good(survey.rating),
        "bad": rules.is_bad(survey.rating),
        "team": survey.team_id,
        "agent": survey.agent_id,
        "comment": bool(survey.comment),
    }


def survey_scheduled(survey: Survey) -> Event:
    return append(
        Kind.SCHEDULED,
        conversation=survey.conversation,
        actor_label="system",
        data={"survey": survey.pk, "due_at": survey.next_attempt_at.isoformat()},
    )


def survey_cancelled(survey: Survey, *, reason: str) -> Event:
    """Not sent: reopened first, automatic, no address, or an address that bounced."""
    return append(
        Kind.CANCELLED,
        conversation=survey.conversation,
        actor_label="system",
        data={"survey": survey.pk, "reason": reason},
    )


def survey_sent(survey: Survey) -> Event:
    return append(
        Kind.SENT,
        conversation=survey.conversation,
        actor_label="system",
        data={"survey": survey.pk, "scale": survey.scale, "language": survey.language},
    )


def survey_answered(survey: Survey) -> Event:
    return append(
        Kind.ANSWERED,
        conversation=survey.conversation,
        actor_label="customer",
        data=_rating(survey),
    )


def survey_changed(survey: Survey, *, previous: str) -> Event:
    return append(
        Kind.CHANGED,
        conversation=survey.conversation,
        actor_label="customer",
        data={**_rating(survey), "from": previous},
    )


def settings_saved(row: CsatSettings, *, actor: Any, before: dict[str, Any]) -> Event:
    after = {name: getattr(row, name) for name in before}
    return append(
        Kind.SETTINGS_SAVED,
        actor=actor,
        data={"team": row.team_id, "from": before, "to": after},
    )
