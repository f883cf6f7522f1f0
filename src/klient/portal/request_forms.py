"""Checking a request form's submission against its fields (no writes), and the readable
text agents get. Error messages are in the visitor's language (portal.texts)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from klient.people.actions import phone_region
from klient.people.identities import InvalidIdentity, normalise_phone
from klient.phone.callback_window import day_window, zone_or_default

from .models import FormField
from .texts import text
from .vat import VatError, normalise_vat

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_LENGTH: dict[str, int] = {FormField.Kind.TEXTAREA: 10_000}
DEFAULT_MAX_LENGTH = 500
SUBJECT_MAX_LENGTH = 200
FIELD_PREFIX = "f_"
# The inputs of a "call me back" field, after its own name: f_<key>_phone, f_<key>_day …
CALLBACK_PARTS = ("phone", "day", "from", "until")


@dataclass(frozen=True)
class UploadedData:
    """A file from a form, read into memory after its size was checked."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class Submission:
    email: str
    name: str
    subject: str
    values: dict[str, Any] = field(default_factory=dict)
    files: dict[str, UploadedData] = field(default_factory=dict)


def input_name(form_field: FormField) -> str:
    return FIELD_PREFIX + form_field.key


def _raw(post: Mapping[str, Any], form_field: FormField) -> str:
    value = post.get(input_name(form_field), "")
    return value.strip() if isinstance(value, str) else ""


def callback_input_names(form_field: FormField) -> dict[str, str]:
    return {part: f"{input_name(form_field)}_{part}" for part in CALLBACK_PARTS}


def _callback(
    form_field: FormField, post: Mapping[str, Any], language: str
) -> dict[str, str] | None:
    """A "call me back" field's phone and window (in the browser's time zone, the form's
    `time_zone` input), as stored in the submission; None when left empty; ValueError
    with the visitor's message when the phone or the window is wrong."""
    raw = {}
    for part, name in callback_input_names(form_field).items():
        value = post.get(name, "")
        raw[part] = value.strip()[:40] if isinstance(value, str) else ""
    if not raw["phone"] and not raw["day"]:
        return None
    try:
        phone = normalise_phone(raw["phone"], phone_region())
    except InvalidIdentity:
        raise ValueError(text("phone_invalid", language)) from None
    zone = zone_or_default(str(post.get("time_zone", "")))
    try:
        start, end = day_window(raw["day"], raw["from"], raw["until"], zone)
    except ValueError:
        raise ValueError(text("callback_window_invalid", language)) from None
    return {
        "phone": phone,
        "window_start": start.isoformat(),
        "window_end": end.isoformat(),
        "time_zone": zone.key,
    }


def _required_now(form_field: FormField, post: Mapping[str, Any], language: str) -> str:
    """The error message if the field is required for this submission and empty."""
    if form_field.required:
        return text("required", language)
    other = form_field.required_if
    wanted = form_field.required_if_value.strip().lower()
    if other is not None and wanted and _raw(post, other).lower() == wanted:
        shown = dict(other.options(language)).get(
            form_field.required_if_value, form_field.required_if_value
        )
        return text("required_if", language, other=other.label(language), value=shown)
    return ""


def clean_submission(
    fields: Sequence[FormField],
    post: Mapping[str, Any],
    files: Mapping[str, Any],
    language: str,
) -> tuple[Submission | None, dict[str, str]]:
    """(submission, {}) when valid, else (None, errors by input name)."""
    errors: dict[str, str] = {}
    email = str(post.get("email", "")).strip()
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = text("email_invalid" if email else "required", language)
    name = str(post.get("name", "")).strip()[:200]
    subject = str(post.get("subject", "")).strip()
    if not subject:
        errors["subject"] = text("required", language)
    elif len(subject) > SUBJECT_MAX_LENGTH:
        errors["subject"] = text("too_long", language)
    submission = Submission(email=email, name=name, subject=subject)
    for form_field in fields:
        key = input_name(form_field)
        if form_field.kind == FormField.Kind.FILE:
            upload = files.get(key)
            if upload is None or not upload.size:
                if message := _required_now(form_field, post, language):
                    errors[key] = message
                continue
            if upload.size > MAX_FILE_BYTES:
                errors[key] = text("file_too_large", language, size=MAX_FILE_BYTES // 2**20)
                continue
            submission.files[form_field.key] = UploadedData(
                filename=str(upload.name or ""),
                content_type=str(upload.content_type or ""),
                data=upload.read(),
            )
            continue
        if form_field.kind == FormField.Kind.CALLBACK:
            try:
                wanted = _callback(form_field, post, language)
            except ValueError as exc:
                errors[key] = str(exc)
                continue
            if wanted is not None:
                submission.values[form_field.key] = wanted
            elif message := _required_now(form_field, post, language):
                errors[key] = message
            continue
        raw = _raw(post, form_field)
        if form_field.kind == FormField.Kind.CHECKBOX:
            raw = "on" if raw else ""
        if not raw:
            if message := _required_now(form_field, post, language):
                errors[key] = message
            continue
        try:
            submission.values[form_field.key] = _typed(form_field, raw, language)
        except ValueError as exc:
            errors[key] = str(exc)
    return (None, errors) if errors else (submission, {})


def _typed(form_field: FormField, raw: str, language: str) -> Any:
    kind = form_field.kind
    if len(raw) > MAX_LENGTH.get(str(kind), DEFAULT_MAX_LENGTH):
        raise ValueError(text("too_long", language))
    if kind == FormField.Kind.EMAIL:
        try:
            validate_email(raw)
        except ValidationError:
            raise ValueError(text("email_invalid", language)) from None
        return raw.lower()
    if kind == FormField.Kind.CHOICE:
        if raw not in dict(form_field.options(language)):
            raise ValueError(text("choice_invalid", language))
        return raw
    if kind == FormField.Kind.CHECKBOX:
        return True
    if kind == FormField.Kind.NUMBER:
        try:
            number = Decimal(raw.replace(",", ".").replace(" ", ""))
        except InvalidOperation:
            raise ValueError(text("number_invalid", language)) from None
        if not number.is_finite():
            raise ValueError(text("number_invalid", language))
        return str(number)
    if kind == FormField.Kind.DATE:
        try:
            return date.fromisoformat(raw).isoformat()
        except ValueError:
            raise ValueError(text("date_invalid", language)) from None
    if kind == FormField.Kind.VAT:
        try:
            return normalise_vat(raw, hint=language)
        except VatError as exc:
            raise ValueError(text(f"vat_{exc.reason}", language)) from None
    return raw


def readable_text(
    fields: Sequence[FormField], submission: Submission, language: str, *, form_title: str
) -> str:
    """The submission as the message agents read: one "Label: value" per answered field."""
    lines = [f"[{form_title}]", ""]
    for form_field in fields:
        label = form_field.label(language)
        if form_field.kind == FormField.Kind.FILE:
            if form_field.key in submission.files:
                lines.append(f"{label}: {submission.files[form_field.key].filename}")
            continue
        if form_field.key not in submission.values:
            continue
        value = submission.values[form_field.key]
        if form_field.kind == FormField.Kind.CHOICE:
            value = dict(form_field.options(language)).get(value, value)
        elif form_field.kind == FormField.Kind.CHECKBOX:
            value = "✓"
        elif form_field.kind == FormField.Kind.CALLBACK:
            value = _readable_callback(value)
        if form_field.kind == FormField.Kind.TEXTAREA:
            lines.extend([f"{label}:", str(value), ""])
        else:
            lines.append(f"{label}: {value}")
    return "\n".join(lines).strip() + "\n"


def _readable_callback(wanted: dict[str, str]) -> str:
    """ "+48601234567, 2030-03-12 09:00–11:30 (Europe/Warsaw)": the customer's own clock."""
    start = datetime.fromisoformat(wanted["window_start"])
    end = datetime.fromisoformat(wanted["window_end"])
    return f"{wanted['phone']}, {start:%Y-%m-%d %H:%M}–{end:%H:%M} ({wanted['time_zone']})"
