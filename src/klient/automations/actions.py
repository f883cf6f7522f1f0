"""The only writers of automation rules. Saving a time rule schedules its timers for the
conversations already in its state, after the change commits (the handler on
automation.rule_saved: klient.automations.engine.schedule_existing)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from klient.core.wiring import publish_on_commit
from klient.people.access import is_admin

from . import engine, events
from .models import Rule


def _check_admin(actor: Any) -> None:
    if not is_admin(actor):
        raise PermissionDenied(_("Only administrators can manage automation rules."))


def save_rule(body: Any, *, actor: Any, rule: Rule | None = None) -> Rule:
    """Create a rule from an API body, or replace `rule`'s with it (a PATCH merges the
    changed keys into the stored body first). ValidationError names what is wrong."""
    _check_admin(actor)
    checked = engine.check_rule(body)
    data = checked.as_json()
    now = timezone.now()
    with transaction.atomic():
        created = rule is None
        if rule is None:
            rule = Rule(created_by=actor, created_at=now)
        else:
            rule = Rule.objects.select_for_update().get(pk=rule.pk)
        rule.name, rule.active = data["name"], data["active"]
        rule.when, rule.conditions, rule.actions = data["when"], data["if"], data["then"]
        rule.event = checked.when.event
        rule.since = checked.when.since
        # Strictly later than before: timers carry it, and older ones must never match.
        rule.updated_at = now if created else max(now, rule.updated_at + timedelta(microseconds=1))
        rule.save()
        publish_on_commit(events.rule_saved(rule, created=created, actor=actor))
    return rule


def patch_rule(rule: Rule, changes: dict[str, Any], *, actor: Any) -> Rule:
    """Only the keys given change."""
    unknown = set(changes) - {"name", "when", "if", "then", "active"}
    if unknown:
        raise ValidationError(f"Unknown keys {', '.join(sorted(unknown))}.")
    return save_rule({**rule.body(), **changes}, actor=actor, rule=rule)


def delete_rule(rule: Rule, *, actor: Any) -> None:
    """The rule, its timers and its record of firings go (the events stay, the audit)."""
    _check_admin(actor)
    with transaction.atomic():
        rule_id, name = rule.pk, rule.name
        rule.delete()
        events.rule_deleted(rule_id, name, actor=actor)


def schedule_after_save(event_ids: list[int]) -> None:
    """Handler on automation.rule_saved: the bulk pass of each saved rule (idempotent)."""
    from klient.core.models import Event

    rule_ids = {e.data.get("rule") for e in Event.objects.filter(pk__in=event_ids).only("data")}
    for rule in Rule.objects.filter(pk__in=[r for r in rule_ids if isinstance(r, int)]):
        engine.schedule_existing(rule)
