"""The agents' booking-type form. It only reads the fields into the shape the actions take
(questions and reminders one per line); every rule is checked by the actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from klient.people.models import Team

from .models import BookingType

NUMBER_FIELDS = (
    ("duration_minutes", _("Duration (minutes)"), 30),
    ("buffer_before_minutes", _("Free time before (minutes)"), 0),
    ("buffer_after_minutes", _("Free time after (minutes)"), 0),
    ("minimum_notice_minutes", _("Minimum notice (minutes)"), 0),
    ("horizon_days", _("Bookable up to (days ahead)"), 60),
    ("step_minutes", _("Start times every (minutes)"), 30),
    ("cancel_notice_minutes", _("Cancel or reschedule up to (minutes before)"), 0),
    ("max_reschedules", _("Reschedules allowed per booking"), 3),
)


class BookingTypeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.CharField(
        label=_("Link name"),
        max_length=80,
        help_text=_("Lower-case letters, digits and hyphens, as in the booking link /book/…/."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=BookingType.Kind.choices)
    location = forms.CharField(
        label=_("Link, phone number or address"), max_length=500, required=False
    )
    max_per_day = forms.IntegerField(
        label=_("At most per day"),
        required=False,
        help_text=_("Empty: no limit."),
    )
    questions = forms.CharField(
        label=_("Questions to ask"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line; end a line with * when an answer is required."),
    )
    reminders = forms.CharField(
        label=_("Reminders"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: minutes before, then email or sms (1440 email)."),
    )

    def __init__(self, *args: Any, admin: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label, initial in NUMBER_FIELDS:
            self.fields[name] = forms.IntegerField(label=label, initial=initial, min_value=0)
        if admin:  # only administrators choose whose type it is
            self.fields["agent"] = forms.ModelChoiceField(
                label=_("Agent"),
                required=False,
                queryset=get_user_model().objects.filter(agent__isnull=False, is_active=True),
            )
            self.fields["team"] = forms.ModelChoiceField(
                label=_("or team"), required=False, queryset=Team.objects.order_by("name")
            )

    @classmethod
    def initial_of(cls, booking_type: BookingType) -> dict[str, Any]:
        values: dict[str, Any] = {
            name: getattr(booking_type, name)
            for name in ("name", "slug", "kind", "location", "max_per_day")
        }
        values.update({name: getattr(booking_type, name) for name, _l, _i in NUMBER_FIELDS})
        values["questions"] = "\n".join(
            q["label"] + (" *" if q["required"] else "") for q in booking_type.questions
        )
        values["reminders"] = "\n".join(
            f"{r['before_minutes']} {r['channel']}" for r in booking_type.reminders
        )
        values["agent"], values["team"] = booking_type.agent, booking_type.team
        return values

    def clean_reminders(self) -> list[dict[str, Any]]:
        out = []
        for line in self.cleaned_data["reminders"].splitlines():
            if not line.strip():
                continue
            parts = line.split()
            if len(parts) != 2 or not parts[0].isdigit():
                raise forms.ValidationError(_("Write each reminder as: 1440 email"))
            out.append({"before_minutes": int(parts[0]), "channel": parts[1].lower()})
        return out

    def clean_questions(self) -> list[dict[str, Any]]:
        out = []
        for line in self.cleaned_data["questions"].splitlines():
            label = line.strip()
            if label:
                required = label.endswith("*")
                out.append({"label": label.rstrip("*").strip(), "required": required})
        return out

    def fields_for(self, user: Any) -> dict[str, Any]:
        """What the actions take: for an agent who is not an administrator, their own type."""
        data = dict(self.cleaned_data)
        if "agent" in self.fields:
            agent, team = data.pop("agent"), data.pop("team")
            data["agent"] = agent.pk if agent is not None else None
            data["team"] = team.pk if team is not None else None
        else:
            data["agent"], data["team"] = user.pk, None
        return data
