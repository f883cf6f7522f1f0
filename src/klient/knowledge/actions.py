"""The only writers of the knowledge base."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import events
from .models import LANGUAGES, Article, Term, Translation
from .stemming import stems

TITLE_WEIGHT = 3
BODY_WEIGHT = 1
MAX_TERMS = 2000
RESERVED_SLUGS = {"new"}  # /knowledge/new/ is the form


def _index(translation: Translation) -> None:
    """Rewrite the translation's search terms (title words weigh more than body words)."""
    Term.objects.filter(translation=translation).delete()
    weights: dict[str, int] = {}
    for stem in stems(translation.body, translation.language):
        weights[stem] = BODY_WEIGHT
    for stem in stems(translation.title, translation.language):
        weights[stem] = weights.get(stem, 0) + TITLE_WEIGHT
    Term.objects.bulk_create(
        Term(translation=translation, language=translation.language, term=stem, weight=weight)
        for stem, weight in list(weights.items())[:MAX_TERMS]
    )


def save_article(
    *,
    actor: Any,
    texts: Mapping[str, tuple[str, str]],
    slug: str = "",
    audience: str = Article.Audience.INTERNAL,
    status: str = Article.Status.DRAFT,
    article: Article | None = None,
) -> Article:
    """Create or update an article. `texts` maps a language to (title, body); a language
    whose title and body are both empty is removed. At least one language is needed."""
    cleaned = {
        lang: (title.strip(), body.strip())
        for lang, (title, body) in texts.items()
        if lang in LANGUAGES and (title.strip() or body.strip())
    }
    if not cleaned:
        raise ValidationError(_("Write the article in at least one language."))
    for lang, (title, body) in cleaned.items():
        if not title or not body:
            raise ValidationError(
                _("The %(language)s version needs both a title and a text.") % {"language": lang}
            )
    if audience not in Article.Audience.values or status not in Article.Status.values:
        raise ValidationError(_("Unknown audience or status."))
    first_title = next(iter(cleaned.values()))[0]
    slug = slugify(slug or (article.slug if article else "") or first_title)[:120]
    if not slug or slug in RESERVED_SLUGS:
        raise ValidationError(_("The article needs a slug made of letters or digits."))
    clash = Article.objects.filter(slug=slug)
    if article is not None:
        clash = clash.exclude(pk=article.pk)
    if clash.exists():
        raise ValidationError(
            _("Another article already uses the slug “%(slug)s”.") % {"slug": slug}
        )
    now = timezone.now()
    with transaction.atomic():
        created = article is None
        if article is None:
            article = Article(created_at=now)
        article.slug, article.audience, article.status = slug, audience, status
        article.updated_at = now
        if created:
            article.author = actor if getattr(actor, "is_authenticated", False) else None
        article.save()
        article.translations.exclude(language__in=list(cleaned)).delete()
        for lang, (title, body) in cleaned.items():
            translation, _created = Translation.objects.update_or_create(
                article=article, language=lang, defaults={"title": title, "body": body}
            )
            _index(translation)
        events.article_saved(article, created=created, actor=actor)
    return article


def delete_article(article: Article, *, actor: Any) -> None:
    with transaction.atomic():
        article_id, slug = article.pk, article.slug
        article.delete()
        events.article_deleted(article_id, slug, actor=actor)
