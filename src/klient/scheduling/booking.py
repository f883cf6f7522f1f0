"""Booking a slot without an account: the only writer of new appointments.

`book()` runs inside the request's transaction. For each agent who could take the slot (the
type's agent, or the team's free members in the order `assignment.assign` gives: through
the routing rules when they have a say, else round-robin) it writes their `BookingLock`
rows (in id order, so two bookings never wait on each other), so concurrent bookings of
one agent take turns (SQLite's IMMEDIATE transactions already serialise every writer),
then re-checks the slot against the appointments committed so far, then inserts the
appointment. On PostgreSQL an exclusion constraint (migration 0002) refuses an overlap
even if the check were wrong; the insert runs in a savepoint so a refusal leaves the
transaction usable to compute alternatives.

The appointment belongs to the customer's conversation: the customer is found or created
by their email identity, and the booking arrives as their web message in the type's team
(the agent's first team for an agent's type), so it is in the timeline with the
`scheduling.appointment_booked` event."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from klient.conversations.actions import update_conversation
from klient.conversations.incoming import IncomingMessage
from klient.conversations.receive import receive_message
from klient.core import wiring
from klient.people.actions import find_or_create_customer_by_email
from klient.people.languages import supported_language
from klient.people.models import Team

from . import assignment, events, invitation_mail, queries, reminders
from .models import Appointment, AppointmentEmail, BookingLock, BookingType

ALTERNATIVES = 5
ALTERNATIVES_DAYS = 14
WEB_CHANNEL = "web"


class SlotTaken(Exception):
    """The slot is not (or no longer) free; `alternatives` are the next free slots."""

    def __init__(self, alternatives: list[tuple[datetime, datetime]]) -> None:
        super().__init__("slot taken")
        self.alternatives = alternatives


@dataclass(frozen=True)
class Booking:
    appointment: Appointment
    manage_token: str = field(repr=False)


def manage_url(token: str) -> str:
    """The customer's manage link: /b/<token>/ (the token is 32 random bytes)."""
    return settings.KLIENT_BASE_URL.rstrip("/") + f"/b/{token}/"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_answers(booking_type: BookingType, answers: dict[str, str]) -> dict[str, str]:
    labels = {q["label"]: q["required"] for q in booking_type.questions}
    unknown = sorted(set(answers) - set(labels))
    problems = []
    if unknown:
        problems.append(_("answers: no such question: %s.") % ", ".join(unknown))
    for label, required in labels.items():
        if required and not str(answers.get(label, "")).strip():
            problems.append(_("answers: %s needs an answer.") % label)
    if any(not isinstance(v, str) or len(v) > 2000 for v in answers.values()):
        problems.append(_("answers: texts of at most 2000 characters."))
    if problems:
        raise ValidationError(problems)
    return {label: answers[label].strip() for label in labels if label in answers}


def check_request(
    booking_type: BookingType, *, start: datetime, name: str, email: str, time_zone: str
) -> None:
    problems = []
    if start.tzinfo is None or start.utcoffset() is None:
        problems.append(_("start: a time with its offset, e.g. 2027-03-29T09:00:00+03:00."))
    if not name.strip() or len(name) > 200:
        problems.append(_("name: a text of 1 to 200 characters."))
    try:
        validate_email(email)
    except ValidationError:
        problems.append(_("email: an email address."))
    if queries.zone_named(time_zone) is None:
        problems.append(_("time_zone: an IANA time zone such as Europe/Kyiv."))
    if problems:
        raise ValidationError(problems)


def alternatives(booking_type: BookingType, after: datetime) -> list[tuple[datetime, datetime]]:
    """The next free slots from `after`'s day on (at most ALTERNATIVES)."""
    start = after - timedelta(days=1)
    slots = queries.free_slots(booking_type, start, start + timedelta(days=ALTERNATIVES_DAYS))
    later = [slot for slot in slots if slot[0] >= after - timedelta(hours=12)]
    return later[:ALTERNATIVES] or slots[:ALTERNATIVES]


def _free_agents(booking_type: BookingType, start: datetime) -> list[Any]:
    """The members free for a slot starting at `start`."""
    members = queries.members(booking_type)
    by_agent = queries.slots_by_agent(
        booking_type, start - timedelta(minutes=1), start + timedelta(minutes=1), agents=members
    )
    return [a for a in members if any(s == start for s, _e in by_agent.get(a.pk, ()))]


def _lock(agent: Any) -> None:
    BookingLock.objects.get_or_create(agent=agent)
    BookingLock.objects.filter(agent=agent).update(bookings=F("bookings") + 1)


def _team_of(booking_type: BookingType, agent: Any) -> Team | None:
    if booking_type.team_id is not None:
        return booking_type.team
    return Team.objects.filter(members=agent).order_by("pk").first()


def _conversation(
    booking_type: BookingType, appointment: Appointment, *, name: str, email: str, language: str
) -> Any:
    team = _team_of(booking_type, appointment.agent)
    if team is None:
        return None
    zone = queries.zone_named(appointment.time_zone)
    local = appointment.start.astimezone(zone)
    lines = [
        f"Booked: {booking_type.name}",
        f"{local:%Y-%m-%d %H:%M} ({appointment.time_zone}), {booking_type.duration_minutes} min",
        *(f"{label}: {answer}" for label, answer in appointment.answers.items()),
    ]
    body = "\n".join(lines)
    message, _created = receive_message(
        IncomingMessage(
            team_id=team.pk,
            from_address=email,
            from_name=name,
            subject=f"{booking_type.name} — {local:%Y-%m-%d %H:%M}",
            body_text=body,
            new_text=body,
            received_at=timezone.now(),
            message_id=f"<booking-{uuid.uuid4().hex}@klient.invalid>",
            language=language,
            channel=WEB_CHANNEL,
        )
    )
    return message.conversation


def book(
    booking_type: BookingType,
    *,
    start: datetime,
    name: str,
    email: str,
    time_zone: str,
    phone: str = "",
    language: str = "",
    answers: dict[str, str] | None = None,
) -> Booking:
    """Book `start` for a customer; SlotTaken (with alternatives) when it is not free."""
    check_request(booking_type, start=start, name=name, email=email, time_zone=time_zone)
    kept = _check_answers(booking_type, answers or {})
    end = start + timedelta(minutes=booking_type.duration_minutes)
    before = timedelta(minutes=booking_type.buffer_before_minutes)
    after = timedelta(minutes=booking_type.buffer_after_minutes)
    with transaction.atomic():
        chosen = assignment.assign(
            booking_type,
            _free_agents(booking_type, start),
            start=start,
            email=email,
            language=supported_language(language) or "",
        )
        for agent in sorted(chosen.agents, key=lambda a: a.pk):  # one order: no deadlock
            _lock(agent)
        for agent in chosen.agents:
            # Re-checked under the lock: what was committed before it is what counts.
            if not any(s == start for s, _e in _free_for(booking_type, agent, start)):
                continue
            token = secrets.token_urlsafe(32)
            try:
                with transaction.atomic():
                    appointment = Appointment.objects.create(
                        booking_type=booking_type,
                        agent=agent,
                        start=start,
                        end=end,
                        buffer_before_minutes=booking_type.buffer_before_minutes,
                        buffer_after_minutes=booking_type.buffer_after_minutes,
                        blocked_from=start - before,
                        blocked_until=end + after,
                        reference=f"B-{secrets.token_hex(4).upper()}",
                        manage_token_hash=_token_hash(token),
                        time_zone=time_zone,
                        answers=kept,
                        language=supported_language(language) or "",
                    )
            except IntegrityError:
                continue  # the database refused an overlap: another booking was first
            customer = find_or_create_customer_by_email(email, name)
            conversation = _conversation(
                booking_type, appointment, name=name, email=email, language=language
            )
            appointment.customer = customer
            appointment.conversation = conversation
            appointment.save(update_fields=["customer", "conversation"])
            routed = chosen.reason in (assignment.OWNER, assignment.RULE)
            if routed and conversation is not None and conversation.assignee_id is None:
                # Routing chose whom they meet: the conversation is theirs too (routing's
                # own intake then leaves an assigned conversation alone).
                update_conversation(conversation, actor=None, assignee=agent)
            reminders.remember_contact(appointment, token=token, phone=phone, language=language)
            wiring.publish_on_commit(
                events.appointment_booked(
                    appointment, phone=phone, assigned=chosen.reason, rule=chosen.rule
                )
            )
            # The confirmation with its invitation, durable: written in this transaction.
            invitation_mail.queue(
                appointment, AppointmentEmail.Change.BOOKED, manage_url=manage_url(token)
            )
            return Booking(appointment, token)
    raise SlotTaken(alternatives(booking_type, start))


def _free_for(booking_type: BookingType, agent: Any, start: datetime) -> list[Any]:
    window = (start - timedelta(minutes=1), start + timedelta(minutes=1))
    return queries.slots_by_agent(booking_type, *window, agents=[agent]).get(agent.pk, [])
