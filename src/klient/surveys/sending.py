"""Sending a survey: the sweep that takes due Survey rows (klient.core.work) and hands
each email to the relay through the same path as the customer's other emails that belong
to no reply (klient.mail.system_mail.hand_over, the sign-in links' and invitations').

At send time the conditions are checked again, since the delay may have passed since the
solve: the conversation must still be solved (or closed), not automatic, and the
customer's address must have an address no delivery ever bounced from. Otherwise the
survey is cancelled with its reason and sends nothing."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from email import utils
from email.message import EmailMessage

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from klient.conversations.models import Conversation, Delivery
from klient.core import work
from klient.core.wiring import publish_on_commit
from klient.mail.senders import team_sender_name
from klient.mail.sending import OUTBOUND_POLICY, _address, _one_line
from klient.mail.system_mail import hand_over
from klient.people.languages import supported_language

from . import events, rules
from .actions import token_for
from .models import Survey

logger = logging.getLogger(__name__)

BATCH_SIZE = 100
MAX_ATTEMPTS = 6
SURVEY_WORK = work.WorkKind(
    Survey,
    policy=work.RetryPolicy(
        first_retry=timedelta(minutes=1), longest=timedelta(hours=1), max_attempts=MAX_ATTEMPTS
    ),
    ready=Survey.State.SCHEDULED,
    held=Survey.State.SENDING,
    failed=Survey.State.FAILED,
    order_by=("next_attempt_at",),
)
_STILL_SOLVED = (Conversation.Status.SOLVED, Conversation.Status.CLOSED)


def survey_url(survey: Survey, rating: str = "") -> str:
    url = settings.KLIENT_BASE_URL.rstrip("/") + reverse(
        "surveys:answer", kwargs={"token": token_for(survey)}
    )
    return f"{url}?rating={rating}" if rating else url


def bounced(address: str, customer_id: int) -> bool:
    """Whether a delivery to this address ever bounced (and was not resent since)."""
    recipients = Delivery.objects.filter(
        state=Delivery.State.BOUNCED, message__conversation__customer_id=customer_id
    ).values_list("message__to", flat=True)
    wanted = address.strip().lower()
    return any(wanted in [str(a).strip().lower() for a in to or []] for to in recipients)


def language_for(conversation: Conversation) -> str:
    """The customer's language, else the conversation's, else the site's."""
    for code in (conversation.customer.language, conversation.language):
        if found := supported_language(code or ""):
            return found
    return settings.LANGUAGE_CODE


def _rating_label(scale: str, rating: str) -> str:
    if scale == rules.GOOD_BAD:
        return _("Good") if rating == "good" else _("Bad")
    return rating


def survey_email(survey: Survey, *, to: str) -> EmailMessage:
    """The survey email in the survey's language: from the team, with one link per
    rating (each opens the page with that rating chosen; only the page's button stores
    it) and the plain link."""
    conversation = survey.conversation
    team = conversation.team
    with translation.override(survey.language or settings.LANGUAGE_CODE):
        subject = _("How did we do? Your request %(reference)s") % {
            "reference": conversation.reference
        }
        choices = "\n".join(
            f"  {_rating_label(survey.scale, rating)}: {survey_url(survey, rating)}"
            for rating in rules.RATINGS[survey.scale]
        )
        body = _(
            "Hello,\n\nyour request %(reference)s “%(subject)s” has been solved. How "
            "satisfied are you with our help? Choose an answer:\n\n%(choices)s\n\n"
            "Or open the survey: %(url)s\n\nThe link is valid for 14 days, and you can "
            "change your answer for 24 hours. Thank you!\n\n%(team)s"
        ) % {
            "reference": conversation.reference,
            "subject": conversation.subject or conversation.reference,
            "choices": choices,
            "url": survey_url(survey),
            "team": team_sender_name(team),
        }
    email = EmailMessage(policy=OUTBOUND_POLICY)
    email["From"] = _address(team.inbound_address, team_sender_name(team))
    email["To"] = _address(to)
    email["Subject"] = _one_line(subject)
    email["Date"] = utils.format_datetime(timezone.now())
    email["Message-ID"] = f"<survey.{uuid.uuid4().hex}@{settings.KLIENT_MAIL_DOMAIN}>"
    email["Auto-Submitted"] = "auto-generated"
    email["X-Auto-Response-Suppress"] = "All"
    email.set_content(body, charset="utf-8")
    # After set_content, which replaces every Content-* header.
    email["Content-Language"] = survey.language or settings.LANGUAGE_CODE
    return email


def _why_not(conversation: Conversation) -> tuple[str, str]:
    """("", address) when the survey may go to `address`, else (reason, "")."""
    if conversation.automatic:
        return "automatic conversation", ""
    if conversation.status not in _STILL_SOLVED:
        return "reopened before it was sent", ""
    address = conversation.customer.reachable_at("email")
    if not address:
        return "no email address", ""
    if bounced(address, conversation.customer_id):
        return "address bounced", ""
    return "", address


def _send(held: work.Claim, survey_id: int, now: datetime) -> str:
    survey = Survey.objects.select_related("conversation__customer", "conversation__team").get(
        pk=survey_id
    )
    conversation = survey.conversation
    reason, address = _why_not(conversation)
    if reason:
        with held.pinned(), transaction.atomic():
            if not work.complete(held, survey.pk, Survey.State.CANCELLED, skip_reason=reason):
                return "busy"
            events.survey_cancelled(survey, reason=reason)
        return "cancelled"
    survey.language = language_for(conversation)
    try:
        email = survey_email(survey, to=address)
    except ValueError as exc:
        work.fail(
            held, survey.pk, survey.attempts, f"cannot build the email: {exc}", permanent=True
        )
        return "failed"
    outcome, error = hand_over(email, email["From"].addresses[0].addr_spec, [address])
    if outcome != "sent":
        if outcome == "retry":
            logger.warning("survey %s deferred: %s", survey_id, error)
        # The claim counted this attempt (core.work).
        return work.fail(held, survey.pk, survey.attempts, error, permanent=outcome != "retry")
    sent_at = timezone.now()
    with held.pinned(), transaction.atomic():
        if not work.complete(
            held,
            survey.pk,
            Survey.State.SENT,
            sent_at=sent_at,
            expires_at=sent_at + rules.LINK_VALID,
            email=address,
            language=survey.language,
            last_error="",
        ):
            return "busy"
        survey.state, survey.sent_at = Survey.State.SENT, sent_at
        publish_on_commit(events.survey_sent(survey))
    return "sent"


def send_due_surveys(now: datetime | None = None, limit: int = 10_000) -> int:
    """For core.wiring.SWEEPS: send the surveys that are due (and those whose worker
    died). Returns how many rows were handled."""
    now = now or timezone.now()

    def handle(held: work.Claim, ids: list[int]) -> None:
        work.each_row(held, ids, lambda pk: _send(held, pk, now), what="survey", now=now)

    return work.drain_due(SURVEY_WORK, handle, now=now, batch=BATCH_SIZE, limit=limit)
