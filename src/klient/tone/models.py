"""The tone guard's rows: administrators' own rules (added to the shipped rule files of a
language, effective at once) and the findings agents dismissed (counted per rule and
category, so false alarms show)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .matcher import CATEGORIES
from .rulebook import LANGUAGES

CATEGORY_LABELS = {
    "doubting": _("Doubting"),
    "blaming": _("Blaming"),
    "condescending": _("Condescending"),
    "passive_aggressive": _("Passive-aggressive"),
    "dismissive": _("Dismissive"),
}
LANGUAGE_LABELS = {
    "en": _("English"),
    "fr": _("French"),
    "pl": _("Polish"),
    "de": _("German"),
    "uk": _("Ukrainian"),
}


assert tuple(CATEGORY_LABELS) == CATEGORIES and tuple(LANGUAGE_LABELS) == LANGUAGES


class ToneRule(models.Model):
    """A phrase an administrator wants flagged in drafts of `language`. A phrase, not a
    regular expression: words in order, any spacing, any case (klient.tone.matcher's
    phrase_pattern), so no rule of theirs can be slow or broken."""

    language = models.CharField(max_length=5, choices=list(LANGUAGE_LABELS.items()))
    category = models.CharField(max_length=24, choices=list(CATEGORY_LABELS.items()))
    phrase = models.CharField(max_length=200)
    reason = models.CharField(max_length=300)
    suggestion = models.CharField(max_length=300)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["language", "category", "phrase"]
        constraints = [
            models.UniqueConstraint(fields=["language", "phrase"], name="tone_rule_unique_phrase")
        ]

    def __str__(self) -> str:
        return f"{self.language} {self.category}: {self.phrase}"

    @property
    def rule_id(self) -> str:
        """The id its findings carry (shipped rules' ids are "<language>.<category>.<name>")."""
        return f"admin.{self.pk}"


class ToneDismissal(models.Model):
    """An agent said a finding was wrong (or not worth changing) for this draft."""

    rule = models.CharField(max_length=80, db_index=True)
    category = models.CharField(max_length=24)
    language = models.CharField(max_length=5)
    quote = models.CharField(max_length=300, blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    conversation = models.ForeignKey(
        "conversations.Conversation", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"dismissed {self.rule} ({self.category})"
