"""The macro editing form: one text box per language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from klient.conversations.models import Conversation
from klient.people.models import Team

from .models import LANGUAGES, Macro


def _language_name(code: str) -> str:
    return dict(settings.LANGUAGES).get(code, code)


class MacroForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    default_language = forms.ChoiceField(
        label=_("Default language"),
        help_text=_("Used when the conversation's language has no version."),
        choices=[(code, _language_name(code)) for code in LANGUAGES],
    )
    shared = forms.BooleanField(label=_("Shared with other agents"), required=False)
    team = forms.ModelChoiceField(
        label=_("Only for team"),
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label=_("(every team)"),
    )
    set_status = forms.ChoiceField(
        label=_("When used, set status to"),
        required=False,
        choices=[("", _("(keep as it is)")), *Conversation.Status.choices],
    )
    add_tags = forms.CharField(
        label=_("When used, add tags"),
        required=False,
        help_text=_("Separated by commas."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code in LANGUAGES:
            self.fields[f"text_{code}"] = forms.CharField(
                label=_language_name(code),
                required=False,
                strip=False,
                widget=forms.Textarea(attrs={"rows": 4, "lang": code}),
            )

    def language_fields(self) -> list[forms.BoundField]:
        return [self[f"text_{code}"] for code in LANGUAGES]

    def texts(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"text_{code}", "") for code in LANGUAGES}

    def tags(self) -> list[str]:
        return [t for t in self.cleaned_data.get("add_tags", "").split(",") if t.strip()]

    @classmethod
    def for_macro(cls, macro: Macro) -> MacroForm:
        initial: dict[str, Any] = {
            "name": macro.name,
            "default_language": macro.default_language,
            "shared": macro.shared,
            "team": macro.team,
            "set_status": macro.set_status,
            "add_tags": ", ".join(macro.add_tags),
        }
        for version in macro.versions.all():
            initial[f"text_{version.language}"] = version.body
        return cls(initial=initial)
