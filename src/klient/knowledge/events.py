"""The knowledge-base Event kinds, and one constructor per kind."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from klient.core.events import EventKind, append

if TYPE_CHECKING:
    from klient.core.models import Event

    from .models import Article


class Kind(EventKind):
    ARTICLE_CREATED = "article.created", _("Help article created")
    ARTICLE_UPDATED = "article.updated", _("Help article changed")
    ARTICLE_DELETED = "article.deleted", _("Help article deleted")


def article_saved(article: Article, *, created: bool, actor: Any) -> Event:
    return append(
        Kind.ARTICLE_CREATED if created else Kind.ARTICLE_UPDATED,
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
    return append(Kind.ARTICLE_DELETED, actor=actor, data={"article": article_id, "slug": slug})
