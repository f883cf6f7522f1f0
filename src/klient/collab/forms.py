"""Forms of the collab pages. They only parse: the rules live in actions/followups."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from klient.people.models import Team

from .followups import MAX_DAYS


class AskForm(forms.Form):
    to = forms.ChoiceField(label=_("Ask"))
    question = forms.CharField(
        label=_("Question"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20_000
    )

    def __init__(
        self,
        *args: Any,
        teams: list[tuple[int, str]],
        agents: list[tuple[int, str]],
        **kwargs: Any,
    ):
        """`teams` and `agents` as (id, name), from queries.ask_choices."""
        super().__init__(*args, **kwargs)
        to_field: Any = self.fields["to"]
        to_field.choices = [
            (_("Teams"), [(f"team:{pk}", name) for pk, name in teams]),
            (_("Agents"), [(f"agent:{pk}", name) for pk, name in agents]),
        ]

    def target(self) -> tuple[Any, Team | None]:
        """(agent, team): exactly one of them is set."""
        kind, _sep, pk = self.cleaned_data["to"].partition(":")
        if kind == "team":
            return None, Team.objects.get(pk=int(pk))
        return get_user_model().objects.get(pk=int(pk)), None


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20_000
    )


class FollowUpForm(forms.Form):
    days = forms.IntegerField(label=_("days"), min_value=1, max_value=MAX_DAYS, initial=3)
