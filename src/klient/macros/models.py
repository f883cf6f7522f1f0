"""Saved replies (macros): a named text in several languages with placeholders, and
optional changes applied to the conversation when an agent uses it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

LANGUAGES = ("en", "fr", "pl", "de", "uk")


class Macro(models.Model):
    name = models.CharField(max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="macros"
    )
    shared = models.BooleanField(
        default=False, help_text=_("Shared macros are offered to other agents too.")
    )
    team = models.ForeignKey(
        "people.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="macros",
        help_text=_("Only this team's agents may use it (empty: every agent)."),
    )
    default_language = models.CharField(max_length=8, default="en")
    set_status = models.CharField(max_length=10, blank=True)
    add_tags = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "pk"]
        indexes = [
            models.Index(fields=["owner", "name"], name="macro_owner"),
            models.Index(fields=["shared", "team"], name="macro_shared_team"),
        ]

    def __str__(self) -> str:
        return self.name


class MacroVersion(models.Model):
    """The macro's text in one language."""

    macro = models.ForeignKey(Macro, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(max_length=8)
    body = models.TextField()

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["macro", "language"], name="macro_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.macro.name} [{self.language}]"
