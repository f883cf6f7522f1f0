"""The only writers of booking types (appointments: klient.scheduling.booking).

Who may change a booking type: an administrator any; an agent only their own (a type whose
`agent` is them). A team's type is the administrators'. `check_booking_type` validates a
whole set of fields, so the API, the agents' pages and any later entry point refuse the
same things with the same words."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeGuard
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from klient.core import wiring
from klient.people.access import is_admin
from klient.people.models import Team

from . import events
from .models import BookingType

SLUG_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?")
PHONE_RE = re.compile(r"\+?[0-9][0-9 ()./-]{4,30}")
# (field, lowest, highest): the bounds of each number, None for no upper bound.
NUMBERS: tuple[tuple[str, int, int], ...] = (
    ("duration_minutes", 5, 12 * 60),
    ("buffer_before_minutes", 0, 24 * 60),
    ("buffer_after_minutes", 0, 24 * 60),
    ("minimum_notice_minutes", 0, 90 * 24 * 60),
    ("horizon_days", 1, 3 * 366),
    ("step_minutes", 5, 12 * 60),
    ("cancel_notice_minutes", 0, 90 * 24 * 60),
    ("max_reschedules", 0, 100),
)
MAX_QUESTIONS = 20
MAX_REMINDERS = 5
REMINDER_CHANNELS = ("email", "sms")
FIELDS = (
    "name",
    "slug",
    "agent",
    "team",
    "kind",
    "location",
    *(name for name, _lo, _hi in NUMBERS),
    "max_per_day",
    "questions",
    "reminders",
)
DEFAULTS: dict[str, Any] = {
    "location": "",
    "buffer_before_minutes": 0,
    "buffer_after_minutes": 0,
    "minimum_notice_minutes": 0,
    "horizon_days": 60,
    "step_minutes": 30,
    "max_per_day": None,
    "questions": [],
    "cancel_notice_minutes": 0,
    "max_reschedules": 3,
    "reminders": [],
}


def may_edit(user: Any, booking_type: BookingType) -> bool:
    """Administrators any booking type; an agent their own. No user (None) is Klient
    itself: the CLI, the demo, a benchmark."""
    return (
        user is None
        or is_admin(user)
        or (booking_type.agent_id is not None and booking_type.agent_id == user.pk)
    )


def _whole(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_questions(value: Any) -> tuple[list[dict[str, Any]], list[str]]:
    if not isinstance(value, list) or len(value) > MAX_QUESTIONS:
        return [], [_("questions: a list of at most %d questions.") % MAX_QUESTIONS]
    out, problems = [], []
    for index, item in enumerate(value):
        label = item.get("label") if isinstance(item, dict) else None
        required = item.get("required", False) if isinstance(item, dict) else None
        extra = set(item) - {"label", "required"} if isinstance(item, dict) else set()
        if not isinstance(label, str) or not label.strip() or len(label) > 200:
            problems.append(_("questions[%d].label: a text of 1 to 200 characters.") % index)
        elif not isinstance(required, bool) or extra:
            problems.append(
                _('questions[%d]: {"label": text, "required": true or false}, nothing else.')
                % index
            )
        else:
            out.append({"label": label.strip(), "required": required})
    return out, problems


def _check_reminders(value: Any) -> tuple[list[dict[str, Any]], list[str]]:
    if not isinstance(value, list) or len(value) > MAX_REMINDERS:
        return [], [_("reminders: a list of at most %d reminders.") % MAX_REMINDERS]
    out, problems, seen = [], [], set()
    for index, item in enumerate(value):
        before = item.get("before_minutes") if isinstance(item, dict) else None
        channel = item.get("channel") if isinstance(item, dict) else None
        extra = set(item) - {"before_minutes", "channel"} if isinstance(item, dict) else set()
        if not _whole(before) or not 1 <= before <= 30 * 24 * 60:
            problems.append(
                _("reminders[%d].before_minutes: a whole number from 1 to 43200.") % index
            )
        elif channel not in REMINDER_CHANNELS or extra:
            problems.append(_('reminders[%d].channel: "email" or "sms".') % index)
        elif (before, channel) in seen:
            problems.append(_("reminders[%d]: the same reminder twice.") % index)
        else:
            seen.add((before, channel))
            out.append({"before_minutes": before, "channel": channel})
    return sorted(out, key=lambda r: (-r["before_minutes"], r["channel"])), problems


def _check_location(kind: str, location: str) -> str | None:
    if kind == BookingType.Kind.VIDEO:
        parts = urlsplit(location)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return _("location: a video call needs its link (http:// or https://).")
    elif kind == BookingType.Kind.IN_PERSON:
        if not location.strip():
            return _("location: a meeting in person needs its address.")
    elif location and PHONE_RE.fullmatch(location) is None:
        return _("location: a phone number (or empty when the agent calls the customer).")
    return None


def check_booking_type(booking_type: BookingType, fields: Mapping[str, Any]) -> BookingType:
    """`booking_type` set from the whole set of `fields` (the type's current values
    overlaid with the change); ValidationError listing every problem otherwise."""
    problems: list[str] = []
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        problems.append(_("Unknown fields: %s.") % ", ".join(unknown))
    name = fields.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > 200:
        problems.append(_("name: a text of 1 to 200 characters."))
    slug = fields.get("slug")
    if not isinstance(slug, str) or SLUG_RE.fullmatch(slug) is None:
        problems.append(
            _("slug: lower-case letters, digits and hyphens (1 to 80), as in the booking link.")
        )
    elif (
        BookingType.objects.filter(slug=slug, deleted_at__isnull=True)
        .exclude(pk=booking_type.pk)
        .exists()
    ):
        problems.append(_("slug: another booking type already uses %s.") % slug)
    agent_id, team_id = fields.get("agent"), fields.get("team")
    agent = team = None
    if (agent_id is None) == (team_id is None):
        problems.append(_("Give exactly one of agent and team."))
    elif agent_id is not None:
        agent = (
            get_user_model()
            .objects.filter(pk=agent_id, is_active=True, agent__isnull=False)
            .first()
            if _whole(agent_id)
            else None
        )
        if agent is None:
            problems.append(_("agent: no such active agent."))
    else:
        team = Team.objects.filter(pk=team_id).first() if _whole(team_id) else None
        if team is None:
            problems.append(_("team: no such team."))
    kind = fields.get("kind")
    if kind not in BookingType.Kind.values:
        problems.append(_("kind: video, phone or in_person."))
    location = fields.get("location", "")
    if not isinstance(location, str) or len(location) > 500:
        problems.append(_("location: a text of at most 500 characters."))
    elif kind in BookingType.Kind.values and (trouble := _check_location(kind, location)):
        problems.append(trouble)
    for field, lowest, highest in NUMBERS:
        value = fields.get(field)
        if not _whole(value) or not lowest <= value <= highest:
            problems.append(
                _("%(field)s: a whole number from %(lowest)d to %(highest)d.")
                % {"field": field, "lowest": lowest, "highest": highest}
            )
    max_per_day = fields.get("max_per_day")
    if max_per_day is not None and (not _whole(max_per_day) or not 1 <= max_per_day <= 200):
        problems.append(_("max_per_day: a whole number from 1 to 200, or null for no limit."))
    questions, trouble_q = _check_questions(fields.get("questions", []))
    reminders, trouble_r = _check_reminders(fields.get("reminders", []))
    problems += trouble_q + trouble_r
    if problems:
        raise ValidationError(problems)
    booking_type.name = str(name).strip()
    booking_type.slug = str(slug)
    booking_type.agent, booking_type.team = agent, team
    booking_type.kind = str(kind)
    booking_type.location = str(location).strip()
    for field, _lo, _hi in NUMBERS:
        setattr(booking_type, field, fields[field])
    booking_type.max_per_day = max_per_day
    booking_type.questions = questions
    booking_type.reminders = reminders
    return booking_type


def current_fields(booking_type: BookingType) -> dict[str, Any]:
    """The type's fields as the API and `check_booking_type` exchange them."""
    values = {field: getattr(booking_type, field) for field in FIELDS}
    values["agent"], values["team"] = booking_type.agent_id, booking_type.team_id
    return values


def _check_permission(actor: Any, fields: Mapping[str, Any]) -> None:
    if actor is None or is_admin(actor):
        return
    if fields.get("team") is not None or fields.get("agent") != actor.pk:
        raise PermissionDenied(
            _("Agents manage only their own booking types; team types are administrators'.")
        )


def create_booking_type(*, actor: Any, **fields: Any) -> BookingType:
    """A new booking type. An agent may create one only for themself."""
    values = {**DEFAULTS, **fields}
    _check_permission(actor, values)
    with transaction.atomic():
        booking_type = check_booking_type(BookingType(created_by=actor), values)
        booking_type.save()
        wiring.publish_on_commit(events.booking_type_created(booking_type, actor=actor))
    return booking_type


def update_booking_type(booking_type: BookingType, *, actor: Any, **changes: Any) -> BookingType:
    """Change some fields (the others stay). `agent` and `team` move together: giving one
    clears the other, so a type can move from an agent to a team in one change."""
    if not may_edit(actor, booking_type):
        raise PermissionDenied(_("Only its agent or an administrator may change this type."))
    with transaction.atomic():
        locked = BookingType.objects.select_for_update().get(pk=booking_type.pk)
        before = current_fields(locked)
        values = {**before, **changes}
        if "agent" in changes and "team" not in changes:
            values["team"] = None
        elif "team" in changes and "agent" not in changes:
            values["agent"] = None
        _check_permission(actor, values)
        check_booking_type(locked, values)
        changed = sorted(f for f, v in current_fields(locked).items() if before[f] != v)
        if changed:
            locked.save()
            wiring.publish_on_commit(
                events.booking_type_updated(locked, actor=actor, changed=changed)
            )
    return locked


def delete_booking_type(booking_type: BookingType, *, actor: Any) -> None:
    """Delete a booking type: it offers no more slots and leaves the lists; the row stays
    for its appointments' history, and its slug is free for a new type."""
    if not may_edit(actor, booking_type):
        raise PermissionDenied(_("Only its agent or an administrator may delete this type."))
    with transaction.atomic():
        locked = BookingType.objects.select_for_update().get(pk=booking_type.pk)
        if locked.deleted_at is None:
            locked.deleted_at = timezone.now()
            locked.save(update_fields=["deleted_at"])
            wiring.publish_on_commit(events.booking_type_deleted(locked, actor=actor))
