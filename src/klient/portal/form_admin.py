"""Configuring request forms: the only writers of forms and their fields (create, change
with its fields added, removed and reordered, enable, disable). The public form at
/forms/<slug>/ reads them on every request, so a change shows at once.

Submissions keep what they said (FormSubmission.data, by field key): removing or renaming
a field never changes a stored submission."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from klient.people.models import Team

from . import events
from .models import LANGUAGE_CODES, FormField, RequestForm

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
KEY = re.compile(r"[a-z0-9]+(?:[_-][a-z0-9]+)*")
ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(?::\d{1,5})?")
# Fields whose value a "required if" rule can test.
CONDITIONS = (FormField.Kind.CHOICE, FormField.Kind.CHECKBOX)


@dataclass(frozen=True)
class FieldSpec:
    """One field as the administrator wants it; `id` names an existing field of the form."""

    key: str
    kind: str
    labels: dict[str, str]
    helps: dict[str, str] = field(default_factory=dict)
    required: bool = False
    required_if: str = ""  # the key of another field of the form
    required_if_value: str = ""
    choices: str = ""
    id: int | None = None

    def columns(self) -> dict[str, Any]:
        columns: dict[str, Any] = {
            "key": self.key,
            "kind": self.kind,
            "required": self.required,
            "required_if_value": self.required_if_value.strip() if self.required_if else "",
            "choices": self.choices.strip() if self.kind == FormField.Kind.CHOICE else "",
        }
        for code in LANGUAGE_CODES:
            columns[f"label_{code}"] = self.labels.get(code, "").strip()
            columns[f"help_{code}"] = self.helps.get(code, "").strip()
        return columns


@dataclass(frozen=True)
class FormSpec:
    """A whole form: its settings and its fields in the order the public form shows them."""

    team: Team
    slug: str
    titles: dict[str, str]
    intros: dict[str, str] = field(default_factory=dict)
    allowed_origins: str = ""
    is_active: bool = True
    fields: tuple[FieldSpec, ...] = ()

    def columns(self) -> dict[str, Any]:
        columns: dict[str, Any] = {
            "team_id": self.team.pk,
            "slug": self.slug.strip(),
            "allowed_origins": "\n".join(
                line.strip().rstrip("/") for line in self.allowed_origins.split() if line.strip()
            ),
            "is_active": self.is_active,
        }
        for code in LANGUAGE_CODES:
            columns[f"title_{code}"] = self.titles.get(code, "").strip()
            columns[f"intro_{code}"] = self.intros.get(code, "").strip()
        return columns


def field_error_key(index: int, name: str) -> str:
    """Where an error about the index-th field's `name` is reported."""
    return f"fields.{index}.{name}"


def form_spec(form: RequestForm) -> FormSpec:
    """A form as it is stored, in the shape create_form and change_form take."""
    fields = list(form.fields.select_related("required_if").order_by("order", "id"))
    return FormSpec(
        team=form.team,
        slug=form.slug,
        titles={code: getattr(form, f"title_{code}") for code in LANGUAGE_CODES},
        intros={code: getattr(form, f"intro_{code}") for code in LANGUAGE_CODES},
        allowed_origins=form.allowed_origins,
        is_active=form.is_active,
        fields=tuple(
            FieldSpec(
                id=f.pk,
                key=f.key,
                kind=f.kind,
                labels={code: getattr(f, f"label_{code}") for code in LANGUAGE_CODES},
                helps={code: getattr(f, f"help_{code}") for code in LANGUAGE_CODES},
                required=f.required,
                required_if=f.required_if.key if f.required_if else "",
                required_if_value=f.required_if_value,
                choices=f.choices,
            )
            for f in fields
        ),
    )


def _check_form(spec: FormSpec, columns: dict[str, Any], form: RequestForm | None) -> dict:
    errors: dict[str, list[str]] = {}
    slug = columns["slug"]
    if not SLUG.fullmatch(slug) or len(slug) > 80:
        errors["slug"] = [_("Lower-case letters, digits and hyphens only (at most 80).")]
    elif RequestForm.objects.filter(slug=slug).exclude(pk=form.pk if form else -1).exists():
        errors["slug"] = [_("Another form has this address.")]
    if not columns["title_en"]:
        errors["title_en"] = [_("A form needs an English title.")]
    for code in LANGUAGE_CODES:
        if len(columns[f"title_{code}"]) > 200:
            errors[f"title_{code}"] = [_("At most %(n)s characters.") % {"n": 200}]
    wrong = [o for o in columns["allowed_origins"].split() if not ORIGIN.fullmatch(o)]
    if wrong:
        message = _("Not an origin (https://www.example.com): %(origins)s")
        errors["allowed_origins"] = [message % {"origins": ", ".join(wrong)}]
    return errors


def _check_fields(fields: tuple[FieldSpec, ...], form: RequestForm | None) -> dict:
    errors: dict[str, list[str]] = {}
    kinds = {f.key.strip(): f.kind for f in fields}
    seen: set[str] = set()
    own_ids = set(form.fields.values_list("pk", flat=True)) if form else set()

    def add(index: int, name: str, message: str) -> None:
        errors.setdefault(field_error_key(index, name), []).append(message)

    for index, spec in enumerate(fields):
        key = spec.key.strip()
        if spec.id is not None and spec.id not in own_ids:
            add(index, "key", _("This field is not part of this form any more."))
        if not KEY.fullmatch(key) or len(key) > 60:
            add(index, "key", _("Lower-case letters, digits, - and _ only (at most 60)."))
        elif key in seen:
            add(index, "key", _("Two fields have the key %(key)s.") % {"key": key})
        seen.add(key)
        if spec.kind not in FormField.Kind.values:
            add(index, "kind", _("Choose a kind of field."))
        if not spec.labels.get("en", "").strip():
            add(index, "label_en", _("A field needs an English label."))
        for code in LANGUAGE_CODES:
            if len(spec.labels.get(code, "").strip()) > 200:
                add(index, f"label_{code}", _("At most %(n)s characters.") % {"n": 200})
            if len(spec.helps.get(code, "").strip()) > 300:
                add(index, f"help_{code}", _("At most %(n)s characters.") % {"n": 300})
        options: list[str] = []
        if spec.kind == FormField.Kind.CHOICE:
            options = [o for o, _label in FormField(choices=spec.choices).options("en")]
            if not options:
                add(index, "choices", _("A choice needs at least one option."))
        _check_condition(spec, index, key, kinds, fields, add)
    return errors


def _check_condition(
    spec: FieldSpec,
    index: int,
    key: str,
    kinds: dict[str, str],
    fields: tuple[FieldSpec, ...],
    add: Any,
) -> None:
    other = spec.required_if.strip()
    if not other:
        return
    if other == key or other not in kinds:
        add(index, "required_if", _("Name another field of this form."))
        return
    if kinds[other] not in CONDITIONS:
        add(index, "required_if", _("Only a choice or a checkbox can make a field required."))
        return
    value = spec.required_if_value.strip()
    if kinds[other] == FormField.Kind.CHECKBOX and value != "on":
        add(index, "required_if_value", _('A ticked checkbox has the value "on".'))
    elif kinds[other] == FormField.Kind.CHOICE:
        choices = next(f.choices for f in fields if f.key.strip() == other)
        values = [o for o, _label in FormField(choices=choices).options("en")]
        if value not in values:
            add(index, "required_if_value", _("Give one of the values of that choice."))


def _validated(spec: FormSpec, form: RequestForm | None) -> dict[str, Any]:
    columns = spec.columns()
    errors = {**_check_form(spec, columns, form), **_check_fields(spec.fields, form)}
    if errors:
        raise ValidationError(errors)
    return columns


def create_form(spec: FormSpec, *, actor: Any) -> RequestForm:
    """A new request form with its fields, public at /forms/<slug>/ when active."""
    columns = _validated(spec, None)
    with transaction.atomic():
        form = RequestForm.objects.create(**columns)
        _save_fields(form, spec.fields)
        events.form_created(
            form.pk, actor=actor, slug=form.slug, fields=[f.key.strip() for f in spec.fields]
        )
    return form


def change_form(form: RequestForm, spec: FormSpec, *, actor: Any) -> RequestForm:
    """Save a form's settings and its whole list of fields: fields left out are removed,
    new ones (no id) added, and all take the order given."""
    columns = _validated(spec, form)
    with transaction.atomic():
        form = RequestForm.objects.select_for_update().get(pk=form.pk)
        changed = [name for name, value in columns.items() if getattr(form, name) != value]
        if changed:
            RequestForm.objects.filter(pk=form.pk).update(**columns)
            form.refresh_from_db()
        changes = _save_fields(form, spec.fields)
        if changed or any(changes.values()):
            events.form_changed(
                form.pk,
                actor=actor,
                changes={"changed": [n.removesuffix("_id") for n in changed], **changes},
            )
    return form


def _save_fields(form: RequestForm, fields: tuple[FieldSpec, ...]) -> dict[str, Any]:
    """Write the fields as given; what changed, by key, for the event."""
    existing = {f.pk: f for f in form.fields.select_related("required_if")}
    kept = {spec.id for spec in fields if spec.id is not None}
    removed = [f.key for pk, f in existing.items() if pk not in kept]
    form.fields.exclude(pk__in=kept).delete()
    # Keys are unique per form: park the renamed ones first, so a swap never collides.
    for spec in fields:
        if spec.id is not None and existing[spec.id].key != spec.key.strip():
            FormField.objects.filter(pk=spec.id).update(key=f"~{spec.id}")
    saved: dict[str, FormField] = {}
    added, edited = [], []
    for order, spec in enumerate(fields):
        columns = {**spec.columns(), "key": spec.key.strip(), "order": order, "required_if": None}
        if spec.id is None:
            saved[columns["key"]] = FormField.objects.create(form=form, **columns)
            added.append(columns["key"])
            continue
        old = existing[spec.id]
        condition = old.required_if.key if old.required_if else ""
        if condition != spec.required_if.strip() or any(
            getattr(old, n) != v for n, v in columns.items() if n not in ("order", "required_if")
        ):
            edited.append(columns["key"])
        FormField.objects.filter(pk=spec.id).update(**columns)
        saved[columns["key"]] = FormField(pk=spec.id, **columns)
    for spec in fields:
        if spec.required_if.strip():
            FormField.objects.filter(pk=saved[spec.key.strip()].pk).update(
                required_if=saved[spec.required_if.strip()].pk
            )
    order_before = [f.pk for f in sorted(existing.values(), key=lambda f: (f.order, f.pk))]
    order_after = [spec.id for spec in fields if spec.id is not None]
    return {
        "fields_added": added,
        "fields_removed": removed,
        "fields_changed": edited,
        "reordered": [pk for pk in order_before if pk in kept] != order_after,
    }


def set_form_active(form: RequestForm, active: bool, *, actor: Any) -> RequestForm:
    """Publish or withdraw the public form (a disabled one answers 404)."""
    if form.is_active == active:
        return form
    with transaction.atomic():
        RequestForm.objects.filter(pk=form.pk).update(is_active=active)
        form.is_active = active
        events.form_active_set(form.pk, actor=actor, active=active)
    return form
