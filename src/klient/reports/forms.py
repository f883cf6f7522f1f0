"""Forms of the SLA settings pages. They only parse what the browser sends into the values
klient.sla.admin_actions and klient.calendars.actions take; the rules (and their error
messages) are the actions'."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from klient.calendars.actions import HOLIDAY_COUNTRIES
from klient.conversations.models import Conversation, Tag
from klient.people.models import Organisation, Team
from klient.sla.admin_actions import POLICY_FIELDS, TARGET_FIELDS, policy_values, step_values
from klient.sla.models import EscalationStep, SlaPolicy

UNITS = [("minutes", _("minutes")), ("hours", _("hours"))]
TARGET_LABELS = {
    "first_reply_minutes": _("First reply"),
    "next_reply_minutes": _("Next reply"),
    "periodic_update_minutes": _("Periodic update"),
    "resolution_minutes": _("Resolution"),
}
WEEKDAYS = [
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
]
INTERVAL = re.compile(r"^\s*(\S+)\s*-\s*(\S+)\s*$")


def _blank(choices: Any, label: Any) -> list[tuple[str, Any]]:
    return [("", label), *choices]


class PolicyForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label=_("any team"),
    )
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=_blank(Conversation.Channel.choices, _("any channel")),
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        required=False,
        choices=_blank(Conversation.Priority.choices, _("any priority")),
    )
    organisation = forms.ModelChoiceField(
        label=_("Customer organisation"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label=_("any organisation"),
    )
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    business_time = forms.BooleanField(
        label=_("Count business hours (else calendar time)"), required=False, initial=True
    )
    warning_percent = forms.IntegerField(
        label=_("Warn at (percent of a target)"), initial=75, min_value=1, max_value=100
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tags = list(Tag.objects.values_list("name", flat=True))
        current = self.initial.get("tag")
        if current and current not in tags:
            tags.append(current)
        tag_field = self.fields["tag"]
        assert isinstance(tag_field, forms.ChoiceField)
        tag_field.choices = _blank([(t, t) for t in tags], _("any tag"))
        for name in TARGET_FIELDS:
            self.fields[name] = forms.IntegerField(
                label=TARGET_LABELS[name], required=False, min_value=1
            )
            self.fields[f"{name}_unit"] = forms.ChoiceField(
                label=_("unit"), choices=UNITS, initial="hours"
            )

    @classmethod
    def initial_for(cls, policy: SlaPolicy) -> dict[str, Any]:
        initial = policy_values(policy)
        for name in TARGET_FIELDS:
            minutes = initial[name]
            whole_hours = minutes is not None and minutes % 60 == 0
            initial[name] = minutes // 60 if whole_hours else minutes
            initial[f"{name}_unit"] = "hours" if whole_hours or minutes is None else "minutes"
        return initial

    def target_rows(self) -> list[tuple[Any, Any]]:
        return [(self[name], self[f"{name}_unit"]) for name in TARGET_FIELDS]

    def policy_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {name: data[name] for name in POLICY_FIELDS if name not in TARGET_FIELDS}
        for name in TARGET_FIELDS:
            value = data.get(name)
            fields[name] = (
                None if value is None else value * (60 if data[f"{name}_unit"] == "hours" else 1)
            )
        return fields


class StepForm(forms.Form):
    trigger = forms.ChoiceField(label=_("When"), choices=EscalationStep.Trigger.choices)
    target = forms.ChoiceField(label=_("of"), choices=EscalationStep.Target.choices)
    delay_minutes = forms.IntegerField(label=_("after (minutes)"), min_value=0, initial=0)
    action = forms.ChoiceField(label=_("do"), choices=EscalationStep.Action.choices)
    email = forms.BooleanField(label=_("also by email"), required=False, initial=True)
    fallback_team = forms.ModelChoiceField(
        label=_("fallback team"), queryset=Team.objects.order_by("name"), required=False
    )
    fallback_agent = forms.ModelChoiceField(
        label=_("fallback agent"),
        queryset=get_user_model().objects.filter(is_active=True).order_by("email"),
        required=False,
    )

    @staticmethod
    def initial_for(step: EscalationStep) -> dict[str, Any]:
        return step_values(step)


StepFormSet = forms.formset_factory(StepForm, extra=1, can_delete=True)


def kept_steps(formset: Any) -> list[dict[str, Any]]:
    """The steps the admin kept, in order (empty extra forms and deleted ones dropped)."""
    steps = []
    for form in formset.forms:
        if not form.has_changed() or form.cleaned_data.get("DELETE"):
            continue
        steps.append({k: v for k, v in form.cleaned_data.items() if k != "DELETE"})
    return steps


def parse_intervals(text: str) -> list[list[str]]:
    """ "09:00-12:00, 13:00-17:00" -> [["09:00", "12:00"], ["13:00", "17:00"]]."""
    intervals = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        match = INTERVAL.match(part)
        if not match:
            raise ValidationError(
                _("Write intervals as 09:00-17:00, separated by commas; not %(part)s."),
                params={"part": part},
            )
        intervals.append([match.group(1), match.group(2)])
    return intervals


def format_intervals(intervals: list[list[str]]) -> str:
    return ", ".join(f"{a}-{b}" for a, b in intervals)


class BusinessHoursForm(forms.Form):
    time_zone = forms.CharField(label=_("Time zone"), initial="Europe/Warsaw", max_length=64)
    country = forms.ChoiceField(
        label=_("Public holidays of"),
        required=False,
        choices=_blank([(c, c) for c in HOLIDAY_COUNTRIES], _("no public holidays")),
    )
    subdivision = forms.CharField(
        label=_("Region (subdivision code, e.g. BY for Bavaria)"), required=False, max_length=10
    )
    closures = forms.CharField(
        label=_("Closed on (one date per line, YYYY-MM-DD)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    extra_working_days = forms.CharField(
        label=_("Extra working days (one per line: YYYY-MM-DD 10:00-14:00)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for day, label in enumerate(WEEKDAYS):
            self.fields[f"day_{day}"] = forms.CharField(
                label=label, required=False, help_text=_("e.g. 09:00-12:00, 13:00-17:00")
            )

    def day_fields(self) -> list[Any]:
        return [self[f"day_{day}"] for day in range(7)]

    @staticmethod
    def initial_for(config: Any) -> dict[str, Any]:
        initial = {
            "time_zone": config.time_zone,
            "country": config.country,
            "subdivision": config.subdivision,
            "closures": "\n".join(config.closures),
            "extra_working_days": "\n".join(
                f"{d} {format_intervals(ivs)}" for d, ivs in config.extra_working_days.items()
            ),
        }
        for day in range(7):
            initial[f"day_{day}"] = format_intervals(config.hours.get(str(day), []))
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        hours = {}
        for day in range(7):
            try:
                intervals = parse_intervals(data.get(f"day_{day}") or "")
            except ValidationError as exc:
                self.add_error(f"day_{day}", exc)
                continue
            if intervals:
                hours[str(day)] = intervals
        extra = {}
        for line in filter(
            None, (x.strip() for x in (data.get("extra_working_days") or "").splitlines())
        ):
            day, _sep, rest = line.partition(" ")
            try:
                extra[day] = parse_intervals(rest)
            except ValidationError as exc:
                self.add_error("extra_working_days", exc)
        data["hours"] = hours
        data["extra"] = extra
        return data

    def hours_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "time_zone": data["time_zone"],
            "hours": data["hours"],
            "country": data["country"],
            "subdivision": data["subdivision"],
            "closures": [x.strip() for x in (data["closures"] or "").splitlines() if x.strip()],
            "extra_working_days": data["extra"],
        }
