"""Agents' knowledge-base pages (/knowledge/). Thin: the rules are in actions, queries."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from klient.conversations.access import is_admin
from klient.core.pages import render_agent_page

from . import actions
from .forms import ArticleForm
from .models import LANGUAGES, Article
from .queries import article_text, search_articles


def _reading_language(request: HttpRequest) -> str:
    wanted = request.GET.get("language") or get_language() or ""
    return wanted if wanted in LANGUAGES else "en"


@login_required
def article_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    language = request.GET.get("language", "")
    language = language if language in LANGUAGES else ""
    reading = language or _reading_language(request)
    articles = [
        (article, article_text(article, reading))
        for article in search_articles(query, language=language)[:200]
    ]
    context = {
        "articles": articles,
        "query": query,
        "language": language,
        "languages": [(c, n) for c, n in settings.LANGUAGES if c in LANGUAGES],
    }
    return render_agent_page(request, "knowledge/list.html", context)


@login_required
def article_view(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article.objects.prefetch_related("translations"), slug=slug)
    text = article_text(article, _reading_language(request))
    if text is None:
        raise Http404("This article has no text.")
    context = {"article": article, "text": text, "may_delete": _may_delete(request, article)}
    return render_agent_page(request, "knowledge/view.html", context)


def _may_delete(request: HttpRequest, article: Article) -> bool:
    return is_admin(request.user) or article.author_id == request.user.pk


@login_required
def article_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    article = get_object_or_404(Article, slug=slug) if slug else None
    if request.method != "POST":
        form = ArticleForm.for_article(article) if article else ArticleForm()
    else:
        form = ArticleForm(request.POST)
        if form.is_valid():
            try:
                article = actions.save_article(
                    actor=request.user,
                    article=article,
                    slug=form.cleaned_data["slug"],
                    audience=form.cleaned_data["audience"],
                    status=form.cleaned_data["status"],
                    texts=form.texts(),
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Article saved."))
                return redirect("knowledge:view", article.slug)
    context = {"form": form, "article": article}
    return render_agent_page(
        request, "knowledge/edit.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def article_delete(request: HttpRequest, slug: str) -> HttpResponse:
    article = get_object_or_404(Article, slug=slug)
    if not _may_delete(request, article):
        raise PermissionDenied(_("Only its author or an administrator may delete this article."))
    actions.delete_article(article, actor=request.user)
    messages.success(request, _("Article deleted."))
    return redirect("knowledge:list")
