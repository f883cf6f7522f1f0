"""One constructor per knowledge-base Event kind."""

from __future__ import annotations

from typing import Any

from klient.core.events import append
from klient.core.models import Event

from .models import Article


def article_saved(article: Article, *, created: bool, actor: Any) -> Event:
    return append(
        "article.created" if created else "article.updated",
        actor=actor,
        data={
            "article": article.pk,
            "slug": article.slug,
            "status": article.status,
            "audience": article.audience,
            "languages": sorted(article.translations.values_list("language", flat=True)),
        },
    )


def article_deleted(article_id: int, slug: str, *, actor: Any) -> Event:
    return append("article.deleted", actor=actor, data={"article": article_id, "slug": slug})
