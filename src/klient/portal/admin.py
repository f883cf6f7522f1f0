"""Configuring request forms: the Django admin is the form builder."""

from __future__ import annotations

from django.contrib import admin

from .models import FormField, FormSubmission, RequestForm

LANGS = ("en", "fr", "pl", "de", "uk")


class FormFieldInline(admin.StackedInline):
    model = FormField
    extra = 0
    fk_name = "form"
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("key", "kind", "order"),
                    ("required", "required_if", "required_if_value"),
                )
            },
        ),
        ("Labels", {"fields": tuple(f"label_{c}" for c in LANGS)}),
        ("Help", {"classes": ("collapse",), "fields": tuple(f"help_{c}" for c in LANGS)}),
        ("Choices", {"classes": ("collapse",), "fields": ("choices",)}),
    )


@admin.register(RequestForm)
class RequestFormAdmin(admin.ModelAdmin):
    list_display = ("slug", "title_en", "team", "is_active")
    list_filter = ("team", "is_active")
    prepopulated_fields = {"slug": ("title_en",)}
    inlines = [FormFieldInline]
    fieldsets = (
        (None, {"fields": ("team", "slug", "is_active", "allowed_origins")}),
        ("Titles", {"fields": tuple(f"title_{c}" for c in LANGS)}),
        ("Introductions", {"classes": ("collapse",), "fields": tuple(f"intro_{c}" for c in LANGS)}),
    )


@admin.register(FormSubmission)
class FormSubmissionAdmin(admin.ModelAdmin):
    list_display = ("created_at", "form", "conversation", "language")
    list_filter = ("form",)
    readonly_fields = ("form", "conversation", "message", "data", "language", "created_at")

    def has_add_permission(self, request: object) -> bool:
        return False
