"""The one writer of the SLA set-up: policies (with their escalation steps) and their
order. The admin pages, the API, the demo and scripts all call these; a team's business
hours are its working hours, written by klient.calendars.actions.

Every change appends an event (sla.policy_saved, sla.policy_deleted,
sla.policies_reordered) and publishes it; core.wiring hands it to klient.sla.admin_tasks,
which recomputes the affected open conversations in batches in a worker, never row by row
in the request."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from klient.conversations.models import Conversation
from klient.core import wiring
from klient.core.events import append
from klient.core.models import Event
from klient.people.models import Organisation, Team
from klient.sla.events import Kind
from klient.sla.models import EscalationStep, SlaPolicy

TARGET_FIELDS = (
    "first_reply_minutes",
    "next_reply_minutes",
    "periodic_update_minutes",
    "resolution_minutes",
)
POLICY_FIELDS = (
    "name",
    "active",
    "team",
    "channel",
    "priority",
    "organisation",
    "tag",
    *TARGET_FIELDS,
    "business_time",
    "warning_percent",
)
STEP_FIELDS = (
    "trigger",
    "target",
    "delay_minutes",
    "action",
    "email",
    "fallback_team",
    "fallback_agent",
)


def _values(row: Any, names: Sequence[str]) -> dict[str, Any]:
    """A row's fields as the writers below take them: a related row by its id."""
    return {name: getattr(row, row._meta.get_field(name).attname) for name in names}


def policy_values(policy: SlaPolicy) -> dict[str, Any]:
    """What save_policy takes, read back from a policy (its steps apart)."""
    return _values(policy, POLICY_FIELDS)


def step_values(step: EscalationStep) -> dict[str, Any]:
    """What save_policy takes for one step, read back from it."""
    return _values(step, STEP_FIELDS)


# -- validation ------------------------------------------------------------------------------


def _by_id(model: Any, value: Any, field: str, errors: dict[str, list[str]]) -> Any:
    """A row given as an instance or an id; None for empty; an error for an unknown id."""
    if value in (None, ""):
        return None
    if isinstance(value, model):
        return value
    try:
        return model.objects.get(pk=int(value))
    except (ValueError, TypeError, model.DoesNotExist):
        errors.setdefault(field, []).append(
            _("No %(kind)s #%(id)s.") % {"kind": model._meta.verbose_name, "id": value}
        )
        return None


def check_policy(policy: SlaPolicy, fields: Mapping[str, Any]) -> dict[str, Any]:
    """Validate `fields` (a subset of POLICY_FIELDS) for `policy`; returns them cleaned
    (ids replaced by rows, tag lower-cased). Raises ValidationError keyed by field."""
    errors: dict[str, list[str]] = {}
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        errors["__all__"] = [_("Unknown fields: %s.") % ", ".join(sorted(unknown))]
    clean: dict[str, Any] = {k: v for k, v in fields.items() if k in POLICY_FIELDS}
    if "name" in clean:
        clean["name"] = str(clean["name"] or "").strip()
        if not clean["name"]:
            errors.setdefault("name", []).append(_("A policy needs a name."))
        elif SlaPolicy.objects.filter(name=clean["name"]).exclude(pk=policy.pk).exists():
            errors.setdefault("name", []).append(
                _("Another policy is already called “%s”.") % clean["name"]
            )
    if "team" in clean:
        clean["team"] = _by_id(Team, clean["team"], "team", errors)
    if "organisation" in clean:
        clean["organisation"] = _by_id(Organisation, clean["organisation"], "organisation", errors)
    if clean.get("channel") and clean["channel"] not in Conversation.Channel.values:
        errors.setdefault("channel", []).append(_("Unknown channel “%s”.") % clean["channel"])
    if clean.get("priority") and clean["priority"] not in Conversation.Priority.values:
        errors.setdefault("priority", []).append(_("Unknown priority “%s”.") % clean["priority"])
    if "tag" in clean:
        clean["tag"] = str(clean["tag"] or "").strip().lower()
    for name in ("channel", "priority"):
        if name in clean:
            clean[name] = clean[name] or ""
    for name in TARGET_FIELDS:
        value = clean.get(name)
        if value is not None and (not isinstance(value, int) or value <= 0):
            label = name.removesuffix("_minutes").replace("_", " ")
            errors.setdefault(name, []).append(
                _("The %s target must be a positive number.") % label
            )
    if "warning_percent" in clean:
        value = clean["warning_percent"]
        if not isinstance(value, int) or not 1 <= value <= 100:
            errors.setdefault("warning_percent", []).append(
                _("The warning must be between 1 and 100 percent of a target.")
            )
    targets = {n: clean.get(n, getattr(policy, n)) for n in TARGET_FIELDS}
    if not errors and all(v is None for v in targets.values()):
        errors["__all__"] = [_("A policy needs at least one target.")]
    if errors:
        raise ValidationError(errors)
    return clean


def check_steps(steps: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Validate escalation steps given as mappings of STEP_FIELDS; returns them cleaned."""
    errors: dict[str, list[str]] = {}
    cleaned: list[dict[str, Any]] = []
    agents = get_user_model()
    for number, given in enumerate(steps, start=1):
        step: dict[str, Any] = {
            "trigger": given.get("trigger") or EscalationStep.Trigger.BREACH,
            "target": given.get("target") or EscalationStep.Target.ANY,
            "delay_minutes": given.get("delay_minutes") or 0,
            "action": given.get("action") or "",
            "email": bool(given.get("email", True)),
        }
        key = f"steps.{number}"
        problems: dict[str, list[str]] = {}
        for name, choices in (
            ("trigger", EscalationStep.Trigger.values),
            ("target", EscalationStep.Target.values),
            ("action", EscalationStep.Action.values),
        ):
            if step[name] not in choices:
                problems.setdefault(key, []).append(
                    _("Step %(number)s: %(name)s must be one of %(choices)s.")
                    % {"number": number, "name": name, "choices": ", ".join(choices)}
                )
        if not isinstance(step["delay_minutes"], int) or step["delay_minutes"] < 0:
            problems.setdefault(key, []).append(
                _("Step %s: the delay must be zero or more minutes.") % number
            )
        step["fallback_team"] = _by_id(Team, given.get("fallback_team"), key, problems)
        step["fallback_agent"] = _by_id(agents, given.get("fallback_agent"), key, problems)
        if step["fallback_agent"] is not None and not step["fallback_agent"].is_active:
            problems.setdefault(key, []).append(
                _("Step %s: the fallback agent is inactive.") % number
            )
        if step["action"] == EscalationStep.Action.REASSIGN and not (
            step["fallback_team"] or step["fallback_agent"]
        ):
            problems.setdefault(key, []).append(
                _("Step %s: reassigning needs a fallback team or agent.") % number
            )
        errors.update(problems)
        cleaned.append(step)
    if errors:
        raise ValidationError(errors)
    return cleaned


# -- policies --------------------------------------------------------------------------------


def _publish(event: Event) -> Event:
    wiring.publish_on_commit(event)
    return event


def save_policy(
    *,
    actor: Any,
    policy: SlaPolicy | None = None,
    steps: Sequence[Mapping[str, Any]] | None = None,
    position: int | None = None,
    **fields: Any,
) -> SlaPolicy:
    """Create a policy (placed last, or at `position`) or change `policy`; `steps`, when
    given, replace its escalation steps in that order. Appends sla.policy_saved."""
    created = policy is None
    policy = SlaPolicy() if policy is None else policy
    clean = check_policy(policy, fields)
    clean_steps = None if steps is None else check_steps(steps)
    with transaction.atomic():
        if not created:
            policy = SlaPolicy.objects.select_for_update().get(pk=policy.pk)
        elif position is None:
            last = SlaPolicy.objects.aggregate(last=Max("position"))["last"]
            policy.position = 0 if last is None else last + 10
        changed = sorted(n for n, v in clean.items() if created or getattr(policy, n) != v)
        if position is not None and (created or position != policy.position):
            policy.position = position
            changed = sorted([*changed, "position"])
        for name, value in clean.items():
            setattr(policy, name, value)
        policy.full_clean()
        policy.save()
        if clean_steps is not None and _replace_steps(policy, clean_steps):
            changed.append("steps")
        _publish(
            append(
                Kind.POLICY_SAVED,
                actor=actor,
                actor_label="" if actor else "system",
                data={
                    "policy": policy.pk,
                    "name": policy.name,
                    "created": created,
                    "changed": changed,
                },
            )
        )
    return policy


def _replace_steps(policy: SlaPolicy, steps: list[dict[str, Any]]) -> bool:
    """Make the policy's steps equal `steps`, in order. Rows are updated in place by
    position, not recreated: a step's id keys its escalations' once-per-cycle record
    (sla.PendingEscalation), which must survive an edit. True if anything changed."""
    existing = list(policy.escalation_steps.order_by("position", "id"))
    changed = False
    for index, values in enumerate(steps):
        row = existing[index] if index < len(existing) else EscalationStep(policy=policy)
        wanted = {"position": index, **values}
        if row.pk is None or any(getattr(row, k) != v for k, v in wanted.items()):
            for name, value in wanted.items():
                setattr(row, name, value)
            row.save()
            changed = True
    surplus = [row.pk for row in existing[len(steps) :]]
    if surplus:
        EscalationStep.objects.filter(pk__in=surplus).delete()
        changed = True
    return changed


def delete_policy(policy: SlaPolicy, *, actor: Any) -> None:
    """Delete a policy and its escalation steps; the conversations it governed pick the
    next matching policy at their recomputation (their past sla.* events stay)."""
    with transaction.atomic():
        locked = SlaPolicy.objects.select_for_update().get(pk=policy.pk)
        data = {"policy": locked.pk, "name": locked.name}
        locked.delete()
        _publish(
            append(
                Kind.POLICY_DELETED,
                actor=actor,
                actor_label="" if actor else "system",
                data=data,
            )
        )


def reorder_policies(order: Sequence[int], *, actor: Any) -> list[SlaPolicy]:
    """Put the policies in `order` (every policy id, each once): rules are tried in it."""
    with transaction.atomic():
        policies = {p.pk: p for p in SlaPolicy.objects.select_for_update().order_by("pk")}
        if sorted(order) != sorted(policies) or len(set(order)) != len(order):
            raise ValidationError(_("Give every policy exactly once to reorder them."))
        ordered = [policies[pk] for pk in order]
        for index, policy in enumerate(ordered):
            policy.position = index * 10
        SlaPolicy.objects.bulk_update(ordered, ["position"])
        _publish(
            append(
                Kind.POLICIES_REORDERED,
                actor=actor,
                actor_label="" if actor else "system",
                data={"order": list(order)},
            )
        )
    return ordered


def move_policy(policy: SlaPolicy, offset: int, *, actor: Any) -> list[SlaPolicy]:
    """Move a policy `offset` places earlier (negative) or later in the rule order."""
    order = list(SlaPolicy.objects.order_by("position", "id").values_list("pk", flat=True))
    index = order.index(policy.pk)
    target = max(0, min(len(order) - 1, index + offset))
    order.insert(target, order.pop(index))
    return reorder_policies(order, actor=actor)
