"""The article form: audience, status, slug, and a title and text per language."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import LANGUAGES, Article


def _language_name(code: str) -> str:
    return dict(settings.LANGUAGES).get(code, code)


class ArticleForm(forms.Form):
    slug = forms.SlugField(
        label=_("Address (slug)"),
        max_length=120,
        required=False,
        help_text=_("Made from the first title when left empty."),
    )
    audience = forms.ChoiceField(label=_("Audience"), choices=Article.Audience.choices)
    status = forms.ChoiceField(label=_("Status"), choices=Article.Status.choices)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code in LANGUAGES:
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title"),
                required=False,
                max_length=300,
                widget=forms.TextInput(attrs={"lang": code}),
            )
            self.fields[f"body_{code}"] = forms.CharField(
                label=_("Text"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 6, "lang": code}),
            )

    def languages(self) -> list[tuple[str, str, forms.BoundField, forms.BoundField]]:
        return [
            (code, _language_name(code), self[f"title_{code}"], self[f"body_{code}"])
            for code in LANGUAGES
        ]

    def texts(self) -> dict[str, tuple[str, str]]:
        data = self.cleaned_data
        return {
            code: (data.get(f"title_{code}", ""), data.get(f"body_{code}", ""))
            for code in LANGUAGES
        }

    @classmethod
    def for_article(cls, article: Article) -> ArticleForm:
        initial: dict[str, Any] = {
            "slug": article.slug,
            "audience": article.audience,
            "status": article.status,
        }
        for translation in article.translations.all():
            initial[f"title_{translation.language}"] = translation.title
            initial[f"body_{translation.language}"] = translation.body
        return cls(initial=initial)
