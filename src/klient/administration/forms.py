"""Forms of the settings and account pages. They only parse input: what a value may be is
klient.people.validation's, checked by the actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from klient.people.actions import DEFAULT_TIME_ZONE
from klient.people.models import Team
from klient.people.validation import time_zone_names, ui_languages


def _agent_choices() -> list[tuple[int, str]]:
    agents = (
        get_user_model()
        .objects.filter(agent__isnull=False, is_active=True)
        .order_by("first_name", "last_name", "username")
    )
    return [(user.pk, user.get_full_name() or user.username) for user in agents]


def _language_choices() -> list[tuple[str, Any]]:
    return [("", _("The browser's language")), *ui_languages().items()]


def _time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in time_zone_names()]


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    addresses = forms.CharField(
        label=_("Email addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line. The first is the primary address: replies come from it."),
    )
    acknowledge = forms.BooleanField(
        label=_("Acknowledge a customer's first message"), required=False
    )
    members = forms.TypedMultipleChoiceField(
        label=_("Members"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    lead = forms.TypedChoiceField(
        label=_("Team lead"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Escalations that reach the team lead notify this agent."),
    )
    signature = forms.CharField(
        label=_("Team signature"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Below replies from this team when the agent has no signature."),
    )

    def __init__(self, *args: Any, team: Team | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agents = _agent_choices()
        if team is not None:
            # A deactivated member stays listed, so saving the page does not drop them.
            for user in team.members.filter(is_active=False):
                agents.append((user.pk, f"{user.get_full_name() or user.username} ✕"))
        self.fields["members"].choices = agents  # type: ignore[attr-defined]
        self.fields["lead"].choices = [("", _("(nobody)")), *agents]  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(team: Team, addresses: list[str]) -> dict[str, Any]:
        return {
            "name": team.name,
            "addresses": "\n".join(addresses),
            "acknowledge": team.acknowledge,
            "members": list(team.members.values_list("pk", flat=True)),
            "lead": team.lead_id,
            "signature": team.signature,
        }

    def addresses_list(self) -> list[str]:
        text = self.cleaned_data.get("addresses", "")
        return [line.strip() for line in text.replace(",", "\n").splitlines() if line.strip()]


class ProfileForm(forms.Form):
    """What an agent sets for themself."""

    name = forms.CharField(label=_("Name"), max_length=300, required=False)
    language = forms.ChoiceField(
        label=_("Language of Klient and its notifications"), required=False, choices=[]
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=[], initial=DEFAULT_TIME_ZONE)
    signature = forms.CharField(
        label=_("Signature"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Below your replies to customers."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = _language_choices()  # type: ignore[attr-defined]
        self.fields["time_zone"].choices = _time_zone_choices()  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(user: Any) -> dict[str, Any]:
        profile = user.agent
        return {
            "name": user.get_full_name(),
            "email": user.email,
            "language": profile.language,
            "languages": ", ".join(profile.languages or []),
            "time_zone": profile.time_zone,
            "signature": profile.signature,
            "teams": list(user.teams.values_list("pk", flat=True)),
            "is_admin": bool(user.is_staff or user.is_superuser),
        }


class AgentForm(ProfileForm):
    """An agent as an administrator sets them: the profile, and what only they change."""

    field_order = ["email", "name", "language", "languages", "time_zone", "teams", "is_admin"]

    email = forms.CharField(label=_("Email address"), max_length=320, required=False)
    languages = forms.CharField(
        label=_("Languages spoken with customers"),
        required=False,
        help_text=_("Language codes, e.g. pl, en: conversations in them can go to this agent."),
    )
    teams = forms.TypedMultipleChoiceField(
        label=_("Teams"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    is_admin = forms.BooleanField(
        label=_("Administrator (manages teams, agents and settings)"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["teams"].choices = list(  # type: ignore[attr-defined]
            Team.objects.order_by("name").values_list("pk", "name")
        )

    def agent_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["teams"] = list(Team.objects.filter(pk__in=data["teams"]).order_by("name"))
        data["languages"] = data["languages"].replace(",", " ").split()
        return data


class InviteForm(AgentForm):
    """A new agent: no signature yet, they write their own."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["signature"]


class ForgotPasswordForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=320,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )
