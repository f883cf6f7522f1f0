"""The only writers of surveys: a team's settings, a survey scheduled when a conversation
is solved, and the customer's answer. Sending is klient.surveys.sending."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from klient.conversations.models import Conversation
from klient.core.wiring import publish_on_commit
from klient.notifications.actions import notify
from klient.people.models import Team

from . import events, rules, texts
from .models import CsatSettings, Survey

_SALT = "klient.surveys.survey-link"
SETTING_FIELDS = ("enabled", "delay_minutes", "scale", "ask_comment")


# -- a team's settings ---------------------------------------------------------------------


def settings_of(team: Team) -> CsatSettings:
    """The team's settings; the defaults (disabled), unsaved, when it has none."""
    found = CsatSettings.objects.filter(team=team).first()
    return found if found is not None else CsatSettings(team=team)


def _check_settings(values: dict[str, Any]) -> dict[str, Any]:
    problems = []
    for name in ("enabled", "ask_comment"):
        if not isinstance(values[name], bool):
            problems.append(f"{name} is true or false.")
    delay = values["delay_minutes"]
    if (
        not isinstance(delay, int)
        or isinstance(delay, bool)
        or not 0 <= delay <= rules.MAX_DELAY_MINUTES
    ):
        problems.append(f"delay_minutes is a whole number from 0 to {rules.MAX_DELAY_MINUTES}.")
    if values["scale"] not in rules.SCALES:
        problems.append(f"scale is one of {', '.join(rules.SCALES)}.")
    if problems:
        raise ValidationError(problems)
    return values


def update_settings(team: Team, *, actor: Any, **values: Any) -> CsatSettings:
    """Set the team's survey settings (the fields not given keep their value). Surveys
    already scheduled keep the scale they were scheduled with."""
    current = settings_of(team)
    unknown = set(values) - set(SETTING_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown settings: {', '.join(sorted(unknown))}.")
    merged = _check_settings(
        {name: values.get(name, getattr(current, name)) for name in SETTING_FIELDS}
    )
    with transaction.atomic():
        row, created = CsatSettings.objects.select_for_update().get_or_create(team=team)
        before = {name: getattr(row, name) for name in SETTING_FIELDS}
        if before == merged and not created:
            return row  # nothing changes, nothing to record
        for name, value in merged.items():
            setattr(row, name, value)
        row.save()
        events.settings_saved(row, actor=actor, before=before)
    return row


# -- scheduling ----------------------------------------------------------------------------


def token_for(survey: Survey) -> str:
    """The link's token: a random nonce and its HMAC under the secret key, never stored
    (a database reader cannot answer for the customer) and not derived from any id."""
    return survey.nonce + salted_hmac(_SALT, survey.nonce, algorithm="sha256").hexdigest()[:32]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def schedule(conversation: Conversation, *, solved_at: datetime) -> Survey | None:
    """When a conversation is solved: schedule its survey, the team's delay after the
    solve, unless surveys are off for the team, the conversation is automatic, or it
    already had one sent (one per conversation, ever). A survey that was not sent because
    the conversation reopened first is scheduled again. None when nothing is scheduled."""
    if conversation.automatic:
        return None
    config = settings_of(conversation.team)
    if not config.enabled:
        return None
    due = solved_at + timedelta(minutes=config.delay_minutes)
    with transaction.atomic():
        existing = Survey.objects.select_for_update().filter(conversation=conversation).first()
        if existing is not None:
            if existing.state != Survey.State.CANCELLED or existing.sent_at is not None:
                return None  # scheduled, sending, sent or failed: never a second one
            existing.state = Survey.State.SCHEDULED
            existing.skip_reason = ""
            existing.team_id, existing.agent_id = conversation.team_id, conversation.assignee_id
            existing.scale, existing.ask_comment = config.scale, config.ask_comment
            existing.solved_at, existing.next_attempt_at = solved_at, due
            existing.attempts, existing.last_error, existing.lease_until = 0, "", None
            existing.save()
            events.survey_scheduled(existing)
            return existing
        survey = Survey(
            conversation=conversation,
            team_id=conversation.team_id,
            agent_id=conversation.assignee_id,
            scale=config.scale,
            ask_comment=config.ask_comment,
            nonce=secrets.token_hex(16),
            solved_at=solved_at,
            created_at=timezone.now(),
            next_attempt_at=due,
        )
        survey.token_hash = token_hash(token_for(survey))
        try:
            with transaction.atomic():
                survey.save(force_insert=True)
        except IntegrityError:  # another worker scheduled it at the same moment
            return None
        events.survey_scheduled(survey)
    return survey


# -- the answer ----------------------------------------------------------------------------


class Expired(Exception):
    """The link is older than 14 days."""


class Closed(Exception):
    """The answer was given more than 24 hours ago and can no longer be changed."""


def survey_for_token(token: str) -> Survey | None:
    """The sent survey of this token, or None (unknown, or never sent)."""
    if not token or len(token) > 128:
        return None
    survey = (
        Survey.objects.select_related("conversation", "team")
        .filter(token_hash=token_hash(token), state=Survey.State.SENT)
        .first()
    )
    if survey is None or not secrets.compare_digest(token_for(survey), token):
        return None
    return survey


def answer(
    survey: Survey, *, rating: str, comment: str = "", now: datetime | None = None
) -> Survey:
    """Record the customer's answer, or change it within 24 hours of the first. Raises
    Expired after 14 days, Closed after the 24 hours, ValidationError for a rating the
    scale does not offer. The same answer again changes nothing. A bad rating (bad, 1 or
    2) notifies the team lead, once for each time the answer becomes bad."""
    now = now or timezone.now()
    rating = str(rating).strip()
    comment = comment.strip()
    if not rules.valid_rating(survey.scale, rating):
        raise ValidationError(f"rating is one of {', '.join(rules.RATINGS.get(survey.scale, ()))}.")
    if len(comment) > rules.MAX_COMMENT:
        raise ValidationError(f"The comment is longer than {rules.MAX_COMMENT:,} characters.")
    if not survey.ask_comment:
        comment = ""
    with transaction.atomic():
        survey = (
            Survey.objects.select_for_update()
            .select_related("conversation", "team")
            .get(pk=survey.pk)
        )
        if rules.link_expired(survey.sent_at, now):
            raise Expired
        if not rules.change_allowed(survey.answered_at, now):
            raise Closed
        previous = survey.rating
        if survey.answered and previous == rating and survey.comment == comment:
            return survey
        survey.rating, survey.comment = rating, comment
        if survey.answered_at is None:
            survey.answered_at = now
            event = events.survey_answered(survey)
        else:
            survey.changed_at = now
            event = events.survey_changed(survey, previous=previous)
        survey.save(update_fields=["rating", "comment", "answered_at", "changed_at"])
        publish_on_commit(event)
        if rules.is_bad(rating) and not rules.is_bad(previous):
            _tell_the_lead(survey)
    return survey


def _tell_the_lead(survey: Survey) -> None:
    lead = survey.team.lead
    if lead is None:
        return
    conversation = survey.conversation
    notify(
        [lead],
        kind=texts.BAD_RATING,
        params={"ref": conversation.reference, "rating": survey.rating},
        conversation=conversation,
        url=reverse("workspace:conversation", args=[conversation.reference]),
    )
