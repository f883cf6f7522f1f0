"""The tone guard's Event kinds, one constructor each. A dismissal is on its conversation
(it shows in the audit log there); administrators' rule changes are in the audit log only."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from klient.core.events import EventKind, append

if TYPE_CHECKING:
    from klient.core.models import Event

    from .models import ToneDismissal, ToneRule


class Kind(EventKind):
    RULE_ADDED = "tone.rule_added", _("Tone rule added")
    RULE_CHANGED = "tone.rule_changed", _("Tone rule switched on or off")
    FINDING_DISMISSED = "tone.finding_dismissed", _("Tone finding dismissed")


def _rule(rule: ToneRule) -> dict[str, Any]:
    return {
        "rule": rule.pk,
        "language": rule.language,
        "category": rule.category,
        "phrase": rule.phrase,
        "active": rule.active,
    }


def rule_added(rule: ToneRule, *, actor: Any) -> Event:
    return append(Kind.RULE_ADDED, actor=actor, data=_rule(rule))


def rule_changed(rule: ToneRule, *, actor: Any) -> Event:
    return append(Kind.RULE_CHANGED, actor=actor, data=_rule(rule))


def finding_dismissed(dismissal: ToneDismissal, *, actor: Any) -> Event:
    return append(
        Kind.FINDING_DISMISSED,
        conversation=dismissal.conversation,
        actor=actor,
        data={
            "rule": dismissal.rule,
            "category": dismissal.category,
            "language": dismissal.language,
        },
    )
