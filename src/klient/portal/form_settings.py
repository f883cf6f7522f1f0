"""The request form builder for administrators, at /settings/forms/ (others get 403).
Thin: each change is one action of klient.portal.form_admin."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from klient.conversations.access import admin_required
from klient.core.pages import render_agent_page

from . import form_admin
from .form_settings_forms import (
    FieldFormSet,
    FieldRowForm,
    RequestFormSettingsForm,
    kept_rows,
)
from .models import LANGUAGE_CODES, RequestForm

FIELDS_PREFIX = "fields"


@require_GET
@admin_required
def form_list(request: HttpRequest) -> HttpResponse:
    forms = (
        RequestForm.objects.select_related("team")
        .annotate(field_count=Count("fields"))
        .order_by("team__name", "slug")
    )
    return render_agent_page(request, "portal/settings/forms.html", {"forms": forms})


def _spec(settings_form: RequestFormSettingsForm, rows: Any) -> form_admin.FormSpec:
    data = settings_form.cleaned_data
    return form_admin.FormSpec(
        team=data["team"],
        slug=data["slug"],
        titles={code: data[f"title_{code}"] for code in LANGUAGE_CODES},
        intros={code: data[f"intro_{code}"] for code in LANGUAGE_CODES},
        allowed_origins=data["allowed_origins"],
        is_active=data["is_active"],
        fields=tuple(row.spec() for row in rows),
    )


def _show_errors(
    exc: ValidationError, settings_form: RequestFormSettingsForm, rows: list[FieldRowForm]
) -> None:
    """The action's errors where they belong: on the form's settings or on a field's row."""
    for name, problems in exc.message_dict.items():
        if name.startswith(f"{FIELDS_PREFIX}."):
            _prefix, index, field_name = name.split(".", 2)
            row = rows[int(index)]
            row.add_error(field_name if field_name in row.fields else None, problems)
        else:
            settings_form.add_error(name if name in settings_form.fields else None, problems)


@require_http_methods(["GET", "POST"])
@admin_required
def form_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    form = get_object_or_404(RequestForm.objects.select_related("team"), pk=pk) if pk else None
    if request.method != "POST":
        settings_form, fields = _unbound(form)
        return _page(request, form, settings_form, fields)
    settings_form = RequestFormSettingsForm(request.POST)
    fields = FieldFormSet(request.POST, prefix=FIELDS_PREFIX)
    if settings_form.is_valid() and fields.is_valid():
        rows = kept_rows(fields)
        spec = _spec(settings_form, rows)
        try:
            if form is None:
                saved = form_admin.create_form(spec, actor=request.user)
            else:
                saved = form_admin.change_form(form, spec, actor=request.user)
        except ValidationError as exc:
            _show_errors(exc, settings_form, rows)
        else:
            messages.success(request, _("Request form %(slug)s saved.") % {"slug": saved.slug})
            return redirect("form_settings:form", pk=saved.pk)
    return _page(request, form, settings_form, fields, status=400)


def _unbound(form: RequestForm | None) -> tuple[RequestFormSettingsForm, Any]:
    if form is None:
        return RequestFormSettingsForm(), FieldFormSet(prefix=FIELDS_PREFIX)
    spec = form_admin.form_spec(form)
    settings_form = RequestFormSettingsForm(initial=RequestFormSettingsForm.initial_for(spec))
    fields = FieldFormSet(
        prefix=FIELDS_PREFIX, initial=[FieldRowForm.initial_for(f) for f in spec.fields]
    )
    return settings_form, fields


def _page(
    request: HttpRequest,
    form: RequestForm | None,
    settings_form: RequestFormSettingsForm,
    fields: Any,
    status: int = 200,
) -> HttpResponse:
    context = {"request_form": form, "settings_form": settings_form, "fields": fields}
    return render_agent_page(request, "portal/settings/form_edit.html", context, status)


@require_POST
@admin_required
def form_active(request: HttpRequest, pk: int) -> HttpResponse:
    form = get_object_or_404(RequestForm, pk=pk)
    active = request.POST.get("active") == "1"
    form_admin.set_form_active(form, active, actor=request.user)
    if active:
        text = _("Request form %(slug)s published.")
    else:
        text = _("Request form %(slug)s withdrawn.")
    messages.success(request, text % {"slug": form.slug})
    return redirect("form_settings:forms")
