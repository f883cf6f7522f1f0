"""Reading the knowledge base: suggestions for a text, public articles for the portal,
and the agents' list and search."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum

from .models import DEFAULT_LANGUAGE, Article, Term, Translation
from .stemming import stems

EXCERPT_LENGTH = 240
MAX_QUERY_STEMS = 40


@dataclass(frozen=True)
class ArticleText:
    """An article as read in one language."""

    article_id: int
    slug: str
    language: str
    title: str
    body: str
    audience: str
    status: str

    @property
    def excerpt(self) -> str:
        text = " ".join(self.body.split())
        if len(text) <= EXCERPT_LENGTH:
            return text
        return text[:EXCERPT_LENGTH].rsplit(" ", 1)[0] + "…"


def _as_text(translation: Translation) -> ArticleText:
    article = translation.article
    return ArticleText(
        article_id=article.pk,
        slug=article.slug,
        language=translation.language,
        title=translation.title,
        body=translation.body,
        audience=article.audience,
        status=article.status,
    )


def suggest_articles(
    text: str, language: str, *, public_only: bool, limit: int = 5
) -> list[ArticleText]:
    """Published articles in `language` whose words best match `text` (title words count
    three times), best first. Internal articles are left out when `public_only`."""
    wanted = stems(text, language)[:MAX_QUERY_STEMS]
    if not wanted or limit <= 0:
        return []
    terms = Term.objects.filter(
        language=language,
        term__in=wanted,
        translation__article__status=Article.Status.PUBLISHED,
    )
    if public_only:
        terms = terms.filter(translation__article__audience=Article.Audience.PUBLIC)
    ranked = list(
        terms.values("translation_id")
        .annotate(score=Sum("weight"))
        .order_by("-score", "translation_id")[:limit]
    )
    order = [row["translation_id"] for row in ranked]
    found = Translation.objects.select_related("article").in_bulk(order)
    return [_as_text(found[pk]) for pk in order if pk in found]


def _in_language(translations: QuerySet[Translation], language: str) -> Translation | None:
    by_language = {t.language: t for t in translations}
    return (
        by_language.get(language)
        or by_language.get(DEFAULT_LANGUAGE)
        or next(iter(by_language.values()), None)
    )


def public_article(slug: str, language: str) -> ArticleText | None:
    """A published public article in `language` (else English, else any language it
    has), or None: drafts and internal articles do not exist for the public."""
    translations = Translation.objects.select_related("article").filter(
        article__slug=slug,
        article__status=Article.Status.PUBLISHED,
        article__audience=Article.Audience.PUBLIC,
    )
    translation = _in_language(translations, language)
    return _as_text(translation) if translation else None


def article_text(article: Article, language: str) -> ArticleText | None:
    """Any article (agents' view) in `language`, falling back like public_article."""
    translation = _in_language(article.translations.select_related("article"), language)
    return _as_text(translation) if translation else None


def search_articles(query: str = "", *, language: str = "") -> QuerySet[Article]:
    """The agents' list: every article, filtered by words of its titles or bodies."""
    articles = Article.objects.prefetch_related("translations").order_by("-updated_at", "pk")
    if language:
        articles = articles.filter(translations__language=language)
    for word in query.split()[:10]:
        articles = articles.filter(
            Q(slug__icontains=word)
            | Q(translations__title__icontains=word)
            | Q(translations__body__icontains=word)
        )
    return articles.distinct()
