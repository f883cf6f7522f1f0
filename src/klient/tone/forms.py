"""The administrators' form for a rule of their own (validation is the action's)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import CATEGORY_LABELS, LANGUAGE_LABELS


class ToneRuleForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=list(LANGUAGE_LABELS.items()))
    category = forms.ChoiceField(label=_("Category"), choices=list(CATEGORY_LABELS.items()))
    phrase = forms.CharField(
        label=_("Phrase"),
        max_length=200,
        help_text=_("Words to flag, in this order; case and spacing do not matter."),
    )
    reason = forms.CharField(label=_("Why it may offend"), max_length=300)
    suggestion = forms.CharField(label=_("Warmer wording"), max_length=300)
