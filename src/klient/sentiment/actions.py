"""The only writers of sentiment: a message analysed, a recovery task opened or closed.

Idempotent for the handlers that call them (klient.sentiment.intake): a message is analysed
once; a recovery task is opened once per source ("message:<id>", "survey:<id>:<event>") and,
while one is open on a conversation, no second one is (a partial unique constraint)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from klient.conversations.models import Conversation, Message
from klient.core.models import Event
from klient.core.wiring import publish_on_commit
from klient.mail.language import detect_language
from klient.notifications.actions import notify
from klient.promises.events import Kind as PromiseKind
from klient.sla.events import Kind as SlaKind

from . import analyser, events, texts
from .models import MessageSentiment, RecoveryTask

# A recovery is a call or a message from the manager while the customer still listens.
RECOVERY_DUE_AFTER = timedelta(hours=24)
# Failures of the team a customer answers angrily (klient.promises, klient.sla).
FAILURE_KINDS: dict[str, str] = {
    PromiseKind.BROKEN.value: "after_broken_promise",
    SlaKind.BREACHED.value: "after_breach",
}
MAX_OUTCOME = 4000


def language_of(text: str, hint: str = "") -> str:
    """The language to analyse in: the one given or detected, else English's rules."""
    if hint in analyser.LANGUAGES:
        return hint
    return detect_language(text) or "en"


def is_analysed(message: Message) -> bool:
    """Inbound customer messages written by a person: not automatic replies or bounces."""
    return (
        message.kind == Message.Kind.INBOUND
        and message.sender == Message.Sender.CUSTOMER
        and not message.is_automatic
    )


def _failures_answered(message: Message) -> list[dict[str, Any]]:
    """Broken promises and breaches on the conversation since the customer last wrote: this
    message is the customer's answer to them."""
    previous = (
        Message.objects.filter(
            conversation_id=message.conversation_id,
            kind=Message.Kind.INBOUND,
            sender=Message.Sender.CUSTOMER,
            created_at__lt=message.created_at,
        )
        .order_by("-created_at", "-id")
        .values_list("created_at", flat=True)
        .first()
    )
    failures = Event.objects.filter(
        conversation_id=message.conversation_id,
        kind__in=list(FAILURE_KINDS),
        at__lte=message.created_at,
    )
    if previous is not None:
        failures = failures.filter(at__gt=previous)
    return [
        {"kind": FAILURE_KINDS[str(event.kind)], "event": event.pk, "at": event.at.isoformat()}
        for event in failures.order_by("at", "id")
    ]


def analyse_message(message: Message) -> MessageSentiment | None:
    """Analyse an inbound customer message's new text once; open a recovery task when the
    relationship is at risk. None for messages that are not analysed."""
    if not is_analysed(message):
        return None
    with transaction.atomic():
        existing = MessageSentiment.objects.filter(message=message).first()
        if existing is not None:
            return existing
        text = message.new_text or message.body_text
        language = language_of(text, message.language)
        result = analyser.analyse(text, language)
        reasons = [finding.as_dict() for finding in result.reasons]
        at_risk = result.at_risk
        if result.label == "negative":
            failures = _failures_answered(message)
            reasons.extend(failures)
            at_risk = at_risk or bool(failures)
        sentiment = MessageSentiment.objects.create(
            message=message,
            label=result.label,
            score=result.score,
            at_risk=at_risk,
            reasons=reasons,
            language=language,
            analysed_at=timezone.now(),
        )
        publish_on_commit(events.analysed(sentiment, message.conversation))
        if at_risk:
            risk = [
                reason
                for reason in reasons
                if reason["kind"] in analyser.AT_RISK_KINDS
                or reason["kind"] in FAILURE_KINDS.values()
            ]
            open_recovery_task(
                message.conversation,
                reasons=risk,
                source_key=f"message:{message.pk}",
                source_message=message,
            )
    return sentiment


def recovery_assignee(conversation: Conversation) -> Any:
    """The manager who wins the customer back: the lead of the customer's owner's team (the
    conversation's team first), else the conversation's team lead, else the owner."""
    customer = conversation.customer
    owner = None
    if customer is not None:
        owner_id = customer.personal_owner_id()
        if owner_id is not None:
            from django.contrib.auth import get_user_model

            owner = get_user_model().objects.filter(pk=owner_id, is_active=True).first()
    team = conversation.team
    if owner is not None:
        teams = list(owner.teams.select_related("lead").order_by("pk"))
        teams.sort(key=lambda t: t.pk != conversation.team_id)
        for candidate in teams:
            lead = candidate.lead
            if lead is not None and lead.is_active and lead.pk != owner.pk:
                return lead
    if team is not None and team.lead is not None and team.lead.is_active:
        return team.lead
    return owner


def open_recovery_task(
    conversation: Conversation,
    *,
    reasons: list[dict[str, Any]],
    source_key: str,
    source_message: Message | None = None,
) -> RecoveryTask:
    """The conversation's open recovery task, opened now if it has none. The same source
    again (a retried handler) returns the task it opened, even once closed."""
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        same_source = RecoveryTask.objects.filter(
            conversation=locked, source_key=source_key
        ).first()
        if same_source is not None:
            return same_source
        already_open = RecoveryTask.objects.filter(
            conversation=locked, state=RecoveryTask.State.OPEN
        ).first()
        if already_open is not None:
            return already_open
        now = timezone.now()
        task = RecoveryTask.objects.create(
            conversation=locked,
            reasons=reasons,
            assignee=recovery_assignee(locked),
            due_at=now + RECOVERY_DUE_AFTER,
            source_key=source_key,
            source_message=source_message,
            opened_at=now,
        )
        publish_on_commit(events.recovery_opened(task))
        if task.assignee is not None:
            notify(
                [task.assignee],
                kind=texts.RECOVERY_TASK,
                params={"ref": locked.reference, "task": task.pk},
                conversation=locked,
                url=reverse("sentiment:recovery_tasks"),
            )
    return task


def close_recovery_task(task: RecoveryTask, *, outcome: str, actor: Any) -> RecoveryTask:
    """Close an open task with what came of it (won back, lost, ...)."""
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("Say what came of the recovery.")})
    if len(outcome) > MAX_OUTCOME:
        raise ValidationError({"outcome": _("The outcome is too long.")})
    with transaction.atomic():
        locked = RecoveryTask.objects.select_for_update().get(pk=task.pk)
        if locked.state != RecoveryTask.State.OPEN:
            raise ValidationError({"state": _("This recovery task is already closed.")})
        locked.state = RecoveryTask.State.CLOSED
        locked.outcome = outcome
        locked.closed_at = timezone.now()
        locked.closed_by = actor if getattr(actor, "is_authenticated", False) else None
        locked.save(update_fields=["state", "outcome", "closed_at", "closed_by"])
        publish_on_commit(events.recovery_closed(locked, actor=actor))
    return locked
