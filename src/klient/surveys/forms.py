"""The settings page's form: one per team."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import CsatSettings


class CsatSettingsForm(forms.ModelForm):
    delay_minutes = forms.IntegerField(
        label=_("Minutes after solving"), min_value=0, max_value=rules.MAX_DELAY_MINUTES
    )

    class Meta:
        model = CsatSettings
        fields = ["enabled", "delay_minutes", "scale", "ask_comment"]
        labels = {
            "enabled": _("Send a satisfaction survey when a conversation is solved"),
            "scale": _("Scale"),
            "ask_comment": _("Ask for a comment"),
        }
