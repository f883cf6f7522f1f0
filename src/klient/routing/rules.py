"""The only writers of routing rules and channel weights (administrators, through the API
and the settings pages). Validation lives here: every entry point gets the same refusals."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from klient.conversations.models import Conversation
from klient.core.events import append
from klient.people.models import Organisation, Team

from . import decide
from .events import Kind
from .models import ChannelWeight, RoutingRule

LIST_FIELDS = ("teams", "channels", "languages", "organisations", "tiers", "tags", "skills")
FIELDS = (
    *LIST_FIELDS,
    "name",
    "position",
    "active",
    "pick_team",
    "pick_skill",
    "pick_language",
    "strategy",
)
CHANNELS = (*Conversation.Channel.values, "callback")


def _check(values: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(values) - set(FIELDS))
    if unknown:
        raise ValidationError(_("Unknown field %(fields)s.") % {"fields": ", ".join(unknown)})
    if "name" in values and not str(values["name"] or "").strip():
        raise ValidationError({"name": _("A rule needs a name.")})
    if "strategy" in values and values["strategy"] not in decide.STRATEGIES:
        raise ValidationError(
            {"strategy": _("Unknown strategy; use owner_first, round_robin or least_load.")}
        )
    for field in LIST_FIELDS:
        if field in values:
            if values[field] is None:
                values[field] = []
            if not isinstance(values[field], list):
                raise ValidationError({field: _("%(field)s is a list.") % {"field": field}})
    bad = sorted(set(values.get("channels", [])) - set(CHANNELS))
    if bad:
        raise ValidationError(
            {"channels": _("Unknown channel %(names)s.") % {"names": ", ".join(bad)}}
        )
    teams = [*values.get("teams", []), *([values["pick_team"]] if values.get("pick_team") else [])]
    missing = sorted(
        set(teams) - set(Team.objects.filter(pk__in=teams).values_list("pk", flat=True))
    )
    if missing:
        raise ValidationError(
            {"teams": _("No team with the id %(ids)s.") % {"ids": ", ".join(map(str, missing))}}
        )
    organisations = values.get("organisations", [])
    known = set(Organisation.objects.filter(pk__in=organisations).values_list("pk", flat=True))
    if set(organisations) - known:
        raise ValidationError({"organisations": _("No such organisation.")})
    if "pick_team" in values:
        values["pick_team_id"] = values.pop("pick_team")
    return values


def _event(kind: Kind, rule: RoutingRule, actor: Any) -> None:
    append(kind, actor=actor, data={"rule": rule.pk, "name": rule.name})


def create_rule(*, actor: Any, **values: Any) -> RoutingRule:
    """A new rule; last in order unless `position` is given."""
    values = _check({"strategy": decide.OWNER_FIRST, **values})
    if not str(values.get("name", "")).strip():
        raise ValidationError({"name": _("A rule needs a name.")})
    with transaction.atomic():
        if "position" not in values:
            last = RoutingRule.objects.aggregate(last=Max("position"))["last"]
            values["position"] = 0 if last is None else last + 1
        rule = RoutingRule.objects.create(**values)
        _event(Kind.RULE_SAVED, rule, actor)
    return rule


def update_rule(rule: RoutingRule, *, actor: Any, **values: Any) -> RoutingRule:
    values = _check(values)
    with transaction.atomic():
        rule = RoutingRule.objects.select_for_update().get(pk=rule.pk)
        for field, value in values.items():
            setattr(rule, field, value)
        rule.save()
        _event(Kind.RULE_SAVED, rule, actor)
    return rule


def move_rule(rule: RoutingRule, *, actor: Any, by: int) -> RoutingRule:
    """Move the rule `by` places in the order (-1: tried one earlier, +1: one later); at
    either end it stays. Positions are renumbered 0, 1, 2... so equal or sparse positions
    (the API may set any) still move one visible place."""
    with transaction.atomic():
        ordered = list(RoutingRule.objects.select_for_update().order_by("position", "id"))
        index = next(i for i, r in enumerate(ordered) if r.pk == rule.pk)
        target = min(max(index + by, 0), len(ordered) - 1)
        ordered.insert(target, ordered.pop(index))
        changed = []
        for position, row in enumerate(ordered):
            if row.position != position:
                row.position = position
                changed.append(row)
        RoutingRule.objects.bulk_update(changed, ["position"])
        moved = ordered[target]
        if target != index:
            append(
                Kind.RULE_SAVED,
                actor=actor,
                data={"rule": moved.pk, "name": moved.name, "position": target},
            )
    return moved


def delete_rule(rule: RoutingRule, *, actor: Any) -> None:
    with transaction.atomic():
        _event(Kind.RULE_DELETED, rule, actor)
        rule.delete()


def set_channel_weight(channel: str, weight: float, *, actor: Any) -> ChannelWeight:
    if channel not in CHANNELS:
        raise ValidationError(_("Unknown channel %(names)s.") % {"names": channel})
    if not 0 < weight <= 100:
        raise ValidationError(_("A weight is above 0 and at most 100."))
    with transaction.atomic():
        row, _created = ChannelWeight.objects.update_or_create(
            channel=channel, defaults={"weight": weight}
        )
        append(Kind.WEIGHT_SET, actor=actor, data={"channel": channel, "weight": weight})
    return row
