"""Working hours as stored and exchanged: the JSON shape of a team's business hours and an
agent's working hours, and the calendar it describes. Pure Python, no Django.

The shape (the API's and the database's)::

    {"time_zone": "Europe/Warsaw",
     "hours": {"0": [["09:00", "17:00"]], ...},      # weekday ("0" = Monday) -> intervals
     "country": "PL", "subdivision": "",             # public holidays (the holidays package)
     "closures": ["2026-12-24"],                     # ISO dates closed
     "extra_working_days": {"2026-11-14": [["09:00", "13:00"]]}}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from klient.calendars.calendar import BusinessCalendar, WorkingHours

__all__ = ["HOURS_FIELDS", "HoursSpec"]

HOURS_FIELDS = ("time_zone", "hours", "country", "subdivision", "closures", "extra_working_days")
Intervals = list[list[str]]


@dataclass(frozen=True, slots=True)
class HoursSpec:
    """One configuration in the stored shape (strings only, as JSON holds them)."""

    time_zone: str = "UTC"
    hours: dict[str, Intervals] = field(default_factory=dict)
    country: str = ""
    subdivision: str = ""
    closures: list[str] = field(default_factory=list)
    extra_working_days: dict[str, Intervals] = field(default_factory=dict)

    @classmethod
    def of(cls, row: Any) -> HoursSpec:
        """The spec held by any object with the six attributes (a stored configuration)."""
        return cls(**{name: getattr(row, name) for name in HOURS_FIELDS})

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in HOURS_FIELDS}

    def calendar(self) -> BusinessCalendar:
        """The calendar it describes; ValueError or TypeError when it describes none."""
        return BusinessCalendar(
            self.time_zone,
            WorkingHours.from_mapping(
                {int(day): [(a, b) for a, b in intervals] for day, intervals in self.hours.items()}
            ),
            country=self.country or None,
            subdivision=self.subdivision or None,
            closures=[date.fromisoformat(d) for d in self.closures],
            extra_working_days={
                date.fromisoformat(d): [(a, b) for a, b in intervals]
                for d, intervals in self.extra_working_days.items()
            },
        )


def normalise(fields: Mapping[str, Any]) -> tuple[HoursSpec, dict[str, str]]:
    """Read the six fields as given by a form, the API or a script (weekdays as ints or
    strings, intervals as pairs, dates as `date` or ISO strings) into a spec, and the
    fields that could not be read (field -> reason). The calendar itself is not built here:
    `HoursSpec.calendar` does that, and its ValueError says what is wrong with it."""
    problems: dict[str, str] = {}
    hours: dict[str, Intervals] = {}
    try:
        hours = {
            str(int(day)): [[str(a), str(b)] for a, b in intervals]
            for day, intervals in dict(fields.get("hours") or {}).items()
        }
    except (TypeError, ValueError):
        problems["hours"] = ""
    closures: list[str] = []
    try:
        closures = sorted({_iso(d) for d in fields.get("closures") or ()})
    except (TypeError, ValueError) as exc:
        problems["closures"] = str(exc)
    extra: dict[str, Intervals] = {}
    try:
        extra = {
            _iso(d): [[str(a), str(b)] for a, b in intervals]
            for d, intervals in dict(fields.get("extra_working_days") or {}).items()
        }
    except (TypeError, ValueError) as exc:
        problems["extra_working_days"] = str(exc)
    spec = HoursSpec(
        time_zone=str(fields.get("time_zone") or "").strip(),
        hours=hours,
        country=str(fields.get("country") or "").strip().upper(),
        subdivision=str(fields.get("subdivision") or "").strip().upper(),
        closures=closures,
        extra_working_days=extra,
    )
    return spec, problems


def _iso(value: date | str) -> str:
    return date.fromisoformat(str(value)).isoformat()
