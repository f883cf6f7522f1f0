"""Knowledge-base articles, their translations, and the term index suggestions search."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

LANGUAGES = ("en", "fr", "pl", "de", "uk")
DEFAULT_LANGUAGE = "en"


class Article(models.Model):
    class Audience(models.TextChoices):
        INTERNAL = "internal", _("Internal (agents only)")
        PUBLIC = "public", _("Public (customers too)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    slug = models.SlugField(max_length=120, unique=True)
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.INTERNAL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="knowledge_articles",
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["slug"]
        indexes = [models.Index(fields=["status", "audience"], name="kb_article_visibility")]

    def __str__(self) -> str:
        return self.slug


class Translation(models.Model):
    """The article in one language."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=8)
    title = models.CharField(max_length=300)
    body = models.TextField()

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["article", "language"], name="kb_translation_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.article.slug} [{self.language}]"


class Term(models.Model):
    """One stemmed word of a translation: an inverted index that works the same on SQLite
    and PostgreSQL (which ships no Polish or Ukrainian text-search configuration).
    Written only by knowledge.actions when a translation is saved."""

    translation = models.ForeignKey(Translation, on_delete=models.CASCADE, related_name="terms")
    language = models.CharField(max_length=8)
    term = models.CharField(max_length=40)
    weight = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["translation", "term"], name="kb_term_unique"),
        ]
        indexes = [models.Index(fields=["language", "term"], name="kb_term_lookup")]

    def __str__(self) -> str:
        return self.term
