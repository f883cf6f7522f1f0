"""The form builder's forms: a request form's settings, and one row per field (a formset:
add with the empty row, remove with its box, reorder by position). They only parse; the
rules are in klient.portal.form_admin."""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.formsets import DELETION_FIELD_NAME, ORDERING_FIELD_NAME
from django.utils.translation import gettext_lazy as _

from klient.people.models import Team

from .form_admin import FieldSpec, FormSpec
from .models import LANGUAGE_CODES, FormField

LANGUAGE_NAMES = {
    "en": _("English"),
    "fr": _("French"),
    "pl": _("Polish"),
    "de": _("German"),
    "uk": _("Ukrainian"),
}


def add_per_language(form: forms.Form, prefix: str, label: Any, **options: Any) -> None:
    """One optional text field per language, `{prefix}_{code}`, labelled with `label`
    (which names the language as %(language)s)."""
    for code in LANGUAGE_CODES:
        form.fields[f"{prefix}_{code}"] = forms.CharField(
            label=label % {"language": LANGUAGE_NAMES[code]}, required=False, **options
        )


class RequestFormSettingsForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.order_by("name"), empty_label=None
    )
    slug = forms.CharField(
        label=_("Form address"),
        max_length=80,
        help_text=_("The form is public at /forms/<address>/."),
    )
    is_active = forms.BooleanField(label=_("Published"), required=False, initial=True)
    allowed_origins = forms.CharField(
        label=_("Sites that may embed it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One origin a line (https://www.example.com). Empty: nobody may."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_per_language(self, "title", _("Title (%(language)s)"), max_length=200)
        add_per_language(
            self,
            "intro",
            _("Introduction (%(language)s)"),
            widget=forms.Textarea(attrs={"rows": 2}),
        )

    def titles(self) -> list[forms.BoundField]:
        return [self[f"title_{code}"] for code in LANGUAGE_CODES]

    def intros(self) -> list[forms.BoundField]:
        return [self[f"intro_{code}"] for code in LANGUAGE_CODES]

    @staticmethod
    def initial_for(spec: FormSpec) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "team": spec.team.pk,
            "slug": spec.slug,
            "is_active": spec.is_active,
            "allowed_origins": spec.allowed_origins,
        }
        for code in LANGUAGE_CODES:
            initial[f"title_{code}"] = spec.titles.get(code, "")
            initial[f"intro_{code}"] = spec.intros.get(code, "")
        return initial


class FieldRowForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    key = forms.CharField(
        label=_("Key"), max_length=60, help_text=_("The field's name in the submission.")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=FormField.Kind.choices, initial="text")
    required = forms.BooleanField(label=_("Required"), required=False)
    required_if = forms.CharField(
        label=_("Required when field"),
        max_length=60,
        required=False,
        help_text=_("The key of a choice or checkbox of this form."),
    )
    required_if_value = forms.CharField(
        label=_("has the value"),
        max_length=100,
        required=False,
        help_text=_('A choice value, or "on" for a ticked checkbox.'),
    )
    choices = forms.CharField(
        label=_("Options (for a choice)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One option a line: value | English | Français | Polski | Deutsch | Українська."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        add_per_language(self, "label", _("Label (%(language)s)"), max_length=200)
        add_per_language(self, "help", _("Help (%(language)s)"), max_length=300)

    def other_labels(self) -> list[forms.BoundField]:
        return [self[f"label_{code}"] for code in LANGUAGE_CODES if code != "en"]

    def helps(self) -> list[forms.BoundField]:
        return [self[f"help_{code}"] for code in LANGUAGE_CODES]

    def spec(self) -> FieldSpec:
        data = self.cleaned_data
        return FieldSpec(
            id=data.get("id"),
            key=data["key"],
            kind=data["kind"],
            labels={code: data.get(f"label_{code}", "") for code in LANGUAGE_CODES},
            helps={code: data.get(f"help_{code}", "") for code in LANGUAGE_CODES},
            required=data["required"],
            required_if=data["required_if"],
            required_if_value=data["required_if_value"],
            choices=data["choices"],
        )

    @staticmethod
    def initial_for(spec: FieldSpec) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "id": spec.id,
            "key": spec.key,
            "kind": spec.kind,
            "required": spec.required,
            "required_if": spec.required_if,
            "required_if_value": spec.required_if_value,
            "choices": spec.choices,
        }
        for code in LANGUAGE_CODES:
            initial[f"label_{code}"] = spec.labels.get(code, "")
            initial[f"help_{code}"] = spec.helps.get(code, "")
        return initial


class BaseFieldFormSet(forms.BaseFormSet):
    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields[ORDERING_FIELD_NAME].label = _("Position")
        form.fields[DELETION_FIELD_NAME].label = _("Remove this field")


FieldFormSet = forms.formset_factory(
    FieldRowForm, formset=BaseFieldFormSet, extra=1, can_order=True, can_delete=True
)


def kept_rows(formset: forms.BaseFormSet) -> list[FieldRowForm]:
    """The rows of a valid formset to save, in the order of their positions (an untouched
    empty row and the rows ticked for removal are left out)."""
    return list(formset.ordered_forms)
