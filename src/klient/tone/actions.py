"""The only writers of the tone guard: administrators' rules and agents' dismissals. Entry
points own the transaction; each change appends its Event."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from klient.conversations.models import Conversation
from klient.core.transactions import require_transaction
from klient.core.wiring import publish_on_commit
from klient.people.access import is_admin

from . import events, guard
from .matcher import CATEGORIES, phrase_pattern
from .models import ToneDismissal, ToneRule
from .rulebook import LANGUAGES

MIN_PHRASE_LETTERS = 3  # a phrase of one or two letters would flag half of every draft


def _check_admin(actor: Any) -> None:
    if not is_admin(actor):
        raise ValidationError(_("Only administrators can change the tone rules."))


def add_rule(
    *, actor: Any, language: str, category: str, phrase: str, reason: str, suggestion: str
) -> ToneRule:
    """A phrase to flag in drafts of `language`, effective for the next check."""
    require_transaction("Adding a tone rule")
    _check_admin(actor)
    phrase = " ".join(phrase.split())
    if language not in LANGUAGES:
        raise ValidationError({"language": _("Choose one of the five languages.")})
    if category not in CATEGORIES:
        raise ValidationError({"category": _("Choose one of the five categories.")})
    if sum(ch.isalpha() for ch in phrase) < MIN_PHRASE_LETTERS or not phrase_pattern(phrase):
        raise ValidationError({"phrase": _("Write a phrase of at least three letters.")})
    if not reason.strip() or not suggestion.strip():
        raise ValidationError(_("Say why the phrase may offend, and offer a warmer wording."))
    try:
        with transaction.atomic():
            rule = ToneRule.objects.create(
                language=language,
                category=category,
                phrase=phrase,
                reason=reason.strip(),
                suggestion=suggestion.strip(),
                created_by=actor,
            )
    except IntegrityError:
        raise ValidationError(
            {"phrase": _("This phrase is already a rule in that language.")}
        ) from None
    publish_on_commit(events.rule_added(rule, actor=actor))
    transaction.on_commit(guard.forget_rules)
    return rule


def set_rule_active(rule: ToneRule, *, actor: Any, active: bool) -> ToneRule:
    require_transaction("Switching a tone rule")
    _check_admin(actor)
    rule = ToneRule.objects.select_for_update().get(pk=rule.pk)
    if rule.active == active:
        return rule
    rule.active = active
    rule.save(update_fields=["active", "updated_at"])
    publish_on_commit(events.rule_changed(rule, actor=actor))
    transaction.on_commit(guard.forget_rules)
    return rule


def dismiss_finding(
    *,
    actor: Any,
    conversation: Conversation | None,
    rule: str,
    category: str,
    language: str,
    quote: str = "",
) -> ToneDismissal:
    """The agent said this finding does not apply: counted for the administrators."""
    require_transaction("Dismissing a tone finding")
    if category not in CATEGORIES:
        raise ValidationError({"category": _("Unknown tone category.")})
    dismissal = ToneDismissal.objects.create(
        rule=rule[:80],
        category=category,
        language=language[:5],
        quote=quote[:300],
        agent=actor,
        conversation=conversation,
    )
    publish_on_commit(events.finding_dismissed(dismissal, actor=actor))
    return dismissal
