"""Agents' account emails: the invitation to choose a password, and the password reset
link (klient.people.accounts queues them as people.AccountEmail rows).

Each is written in the agent's language (AgentProfile.language, else English) and comes
from the organisation (KLIENT_ORGANISATION_NAME), else from the agent's first team, never
from "Klient". Sending is durable work like a sign-in link: claimed under a lease, sent,
retried with the deliveries' backoff, re-driven by the sweep (core.wiring.SWEEPS); the
`agent.invited` and `agent.password_reset_requested` handlers send promptly."""

from __future__ import annotations

import logging
import uuid
from email import utils
from email.message import EmailMessage
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from klient.core import work
from klient.core.models import Event
from klient.people.accounts import INVITATION_LIFETIME, RESET_LIFETIME, link_parts
from klient.people.models import AccountEmail, AgentProfile, Team

from .sending import DELIVERY_WORK, OUTBOUND_POLICY, _address, _one_line
from .system_mail import hand_over

logger = logging.getLogger(__name__)

State = AccountEmail.State
Purpose = AccountEmail.Purpose
ACCOUNT_EMAIL_WORK = work.WorkKind(
    AccountEmail,
    policy=DELIVERY_WORK.policy,
    ready=State.PENDING,
    held=State.SENDING,
    failed=State.FAILED,
    order_by=("next_attempt_at",),
)
# The pages that open the links (klient.administration.urls).
LINK_PAGES = {
    Purpose.INVITATION: "administration:welcome",
    Purpose.PASSWORD_RESET: "administration:reset",
}


def sender_address() -> str:
    return f"no-reply@{settings.KLIENT_MAIL_DOMAIN}"


def organisation_name(agent: Any) -> str:
    """Who the email is from: KLIENT_ORGANISATION_NAME, else the first team the agent
    joined, else the first team of the desk, else the mail domain."""
    name = str(getattr(settings, "KLIENT_ORGANISATION_NAME", "") or "").strip()
    if name:
        return name
    memberships = Team.members.through.objects.filter(user_id=agent.pk).order_by("id")
    team = memberships.values_list("team__name", flat=True).first()
    team = team or Team.objects.order_by("pk").values_list("name", flat=True).first()
    return str(team or settings.KLIENT_MAIL_DOMAIN)


def agent_email_language(agent: Any) -> str:
    """The agent's own language if Klient speaks it, else English."""
    code = AgentProfile.objects.filter(user=agent).values_list("language", flat=True).first()
    return code if code in dict(settings.LANGUAGES) else "en"


def account_email(row: AccountEmail) -> EmailMessage:
    """The email of this row, with a link made now. ValueError if the address is not
    exactly one mailbox."""
    agent = row.user
    uid, token = link_parts(row)
    url = settings.KLIENT_BASE_URL.rstrip("/") + reverse(
        LINK_PAGES[Purpose(row.purpose)], kwargs={"uid": uid, "token": token}
    )
    organisation = organisation_name(agent)
    with translation.override(agent_email_language(agent)):
        subject, body = _texts(row, agent=agent, organisation=organisation, url=url)
    email = EmailMessage(policy=OUTBOUND_POLICY)
    email["From"] = _address(sender_address(), organisation)
    email["To"] = _address(row.email, agent.get_full_name())
    email["Subject"] = _one_line(subject)
    email["Date"] = utils.format_datetime(timezone.now())
    email["Message-ID"] = f"<account.{uuid.uuid4().hex}@{settings.KLIENT_MAIL_DOMAIN}>"
    email["Auto-Submitted"] = "auto-generated"
    email["X-Auto-Response-Suppress"] = "All"
    email.set_content(body, charset="utf-8")
    return email


def _texts(row: AccountEmail, *, agent: Any, organisation: str, url: str) -> tuple[str, str]:
    names = {
        "name": agent.get_full_name() or agent.email,
        "organisation": organisation,
        "email": agent.email,
        "url": url,
    }
    greeting = _("Hello %(name)s,") % names
    if row.purpose == Purpose.INVITATION:
        days = INVITATION_LIFETIME.days
        subject = _("Your agent account at %(organisation)s") % names
        text = (
            _(
                "You now have an agent account at %(organisation)s, to answer customers. "
                "Choose your password here:"
            )
            % names
        )
        lasts = ngettext(
            "The link is valid for %(count)d day and works once.",
            "The link is valid for %(count)d days and works once.",
            days,
        ) % {"count": days}
        after = _("Then sign in with your email address, %(email)s.") % names
    else:
        hours = int(RESET_LIFETIME.total_seconds() // 3600)
        subject = _("Reset your password at %(organisation)s") % names
        text = (
            _(
                "Someone, probably you, asked to reset the password of your agent account at "
                "%(organisation)s. Choose a new password here:"
            )
            % names
        )
        lasts = ngettext(
            "The link is valid for %(count)d hour and works once.",
            "The link is valid for %(count)d hours and works once.",
            hours,
        ) % {"count": hours}
        after = _("If you did not ask for it, ignore this email: your password stays as it is.")
    body = f"{greeting}\n\n{text}\n\n{url}\n\n{lasts} {after}\n"
    return subject, body


def send_account_email(row_id: int) -> str:
    """Send one account email if it is due: sent, deferred, failed or skipped."""
    held = work.claim_one(ACCOUNT_EMAIL_WORK, row_id)
    if held is None:
        return "skipped"
    with work.holding(held):
        row = AccountEmail.objects.select_related("user").get(pk=row_id)
        if not row.user.is_active:
            return work.fail(held, row.pk, row.attempts, "the agent is deactivated", permanent=True)
        try:
            email = account_email(row)
        except ValueError as exc:
            return work.fail(
                held, row.pk, row.attempts, f"cannot build the email: {exc}", permanent=True
            )
        outcome, error = hand_over(email, sender_address(), [row.email])
        if outcome == "sent":
            work.complete(held, row.pk, State.SENT, last_error="", sent_at=timezone.now())
            return "sent"
        if outcome == "retry":
            logger.warning("account email %s deferred: %s", row_id, error)
        return work.fail(held, row.pk, row.attempts, error, permanent=outcome != "retry")


def send_for_events(event_ids: list[int]) -> None:
    """Handler of agent.invited and agent.password_reset_requested: send their emails."""
    rows = Event.objects.filter(pk__in=event_ids).values_list("data", flat=True)
    for data in rows:
        if data.get("account_email"):
            send_account_email(int(data["account_email"]))


def redrive_account_emails(limit: int = 100) -> int:
    """Sweeper: send account emails whose wake-up was lost, whose retry is due or whose
    worker died."""
    ids = work.due(ACCOUNT_EMAIL_WORK, limit=limit)
    return sum(1 for pk in ids if send_account_email(pk) != "skipped")
