"""The only writer of working hours, a team's (its business hours) and an agent's alike:
one validation path, one event (calendars.working_hours_saved), published after commit
so the SLA recomputes the team's open conversations."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from klient.calendars import events
from klient.calendars.models import WorkingHoursConfig
from klient.calendars.spec import normalise
from klient.core import wiring

HOLIDAY_COUNTRIES = ("PL", "DE", "FR", "UA", "GB", "US")


def check_working_hours(
    config: WorkingHoursConfig, fields: Mapping[str, Any]
) -> WorkingHoursConfig:
    """`config` (unsaved) set from `fields` (time_zone, hours, country, subdivision,
    closures, extra_working_days); ValidationError keyed by field when they describe no
    valid calendar."""
    spec, problems = normalise(fields)
    errors: dict[str, list[str]] = {}
    if "hours" in problems:
        errors["hours"] = [_("Hours map a weekday (0 = Monday) to [start, end] pairs.")]
    if spec.country and spec.country not in HOLIDAY_COUNTRIES:
        errors["country"] = [_("Holidays are known for %s.") % ", ".join(HOLIDAY_COUNTRIES)]
    if "closures" in problems:
        errors["closures"] = [_("Closures are dates (YYYY-MM-DD): %s.") % problems["closures"]]
    if "extra_working_days" in problems:
        errors["extra_working_days"] = [
            _("Extra working days map a date to intervals: %s.") % problems["extra_working_days"]
        ]
    if not errors:
        try:
            spec.calendar()
        except (ValueError, TypeError) as exc:
            field = "time_zone" if "time zone" in str(exc) else "hours"
            if "holiday" in str(exc) or "subdivision" in str(exc) or "country" in str(exc):
                field = "subdivision" if spec.subdivision else "country"
            errors[field] = [_("Invalid business hours: %s.") % exc]
    if errors:
        raise ValidationError(errors)
    for name, value in spec.as_dict().items():
        setattr(config, name, value)
    return config


def save_team_hours(team: Any, *, actor: Any, **fields: Any) -> WorkingHoursConfig:
    """Set a team's working time (the business hours its SLA policies count). The team's
    open conversations are recomputed after commit."""
    return _save({"team": team}, fields, actor=actor)


def save_agent_hours(agent: Any, *, actor: Any, **fields: Any) -> WorkingHoursConfig:
    """Set an agent's own working time; until then they work their first team's hours."""
    return _save({"agent": agent}, fields, actor=actor)


def _save(owner: dict[str, Any], fields: Mapping[str, Any], *, actor: Any) -> WorkingHoursConfig:
    with transaction.atomic():
        config = WorkingHoursConfig.objects.select_for_update().filter(
            **owner
        ).first() or WorkingHoursConfig(**owner)
        check_working_hours(config, fields)
        config.save()
        wiring.publish_on_commit(
            events.working_hours_saved(
                actor=actor,
                team=config.team_id,
                agent=config.agent_id,
                time_zone=config.time_zone,
                country=config.country,
            )
        )
    return config
