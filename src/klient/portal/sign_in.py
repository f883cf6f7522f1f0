"""Passwordless sign-in: magic links that are short-lived, single-use and rate-limited.

The answer to a request never depends on whether the address is known (no account
enumeration): callers show the same page either way."""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac

from klient.core import ratelimit, work
from klient.mail.portal_mail import send_sign_in_email
from klient.mail.senders import customer_sender_name
from klient.people.actions import normalise_email
from klient.people.models import Identity

from . import events
from .models import SignInLink

logger = logging.getLogger(__name__)

LINK_MINUTES = 15
PER_ADDRESS_LIMIT = 5  # links per address per window
PER_IP_LIMIT = 20  # requests per IP per window
WINDOW_SECONDS = 3600
MAX_ATTEMPTS = 5
RETRY_AFTER = timedelta(seconds=30)
# A link is good for minutes: retries are flat (no doubling) and few.
SIGN_IN_WORK = work.WorkKind(
    SignInLink,
    policy=work.RetryPolicy(
        first_retry=RETRY_AFTER, longest=RETRY_AFTER, max_attempts=MAX_ATTEMPTS, jitter=0
    ),
    ready=SignInLink.State.PENDING,
    held=SignInLink.State.SENDING,
    failed=SignInLink.State.FAILED,
    order_by=("next_attempt_at",),
)
_SALT = "klient.portal.sign-in-link"


class RateLimited(Exception):
    """Too many requests from this IP address."""


def token_for(link: SignInLink) -> str:
    """The link's token, derived from its nonce with the secret key: never stored."""
    return link.nonce + salted_hmac(_SALT, link.nonce, algorithm="sha256").hexdigest()[:32]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_sign_in(address: str, *, ip: str, language: str) -> None:
    """Email a sign-in link if `address` belongs to a customer. Raises RateLimited when
    this IP asked too often; over the per-address limit nothing is sent, silently (the
    answer must not tell whether the address is known)."""
    if not ratelimit.allow("signin-ip", ip, limit=PER_IP_LIMIT, window_seconds=WINDOW_SECONDS):
        raise RateLimited
    value = normalise_email(address)
    if not value or len(value) > 320:
        return
    if not ratelimit.allow(
        "signin-address", value, limit=PER_ADDRESS_LIMIT, window_seconds=WINDOW_SECONDS
    ):
        return
    identity = Identity.objects.filter(kind=Identity.Kind.EMAIL, value=value).first()
    if identity is None:
        return
    now = timezone.now()
    with transaction.atomic():
        link = SignInLink(
            customer_id=identity.customer_id,
            email=value,
            language=language,
            nonce=secrets.token_hex(16),
            created_at=now,
            expires_at=now + timedelta(minutes=LINK_MINUTES),
            next_attempt_at=now,
        )
        link.token_hash = _hash(token_for(link))
        link.save(force_insert=True)
        events.sign_in_link_requested(identity.customer_id, link.pk)
        transaction.on_commit(lambda: _wake(link.pk))


def _wake(link_id: int) -> None:
    try:
        from .tasks import send_sign_in_link_task

        send_sign_in_link_task.enqueue(link_id)
    except Exception:  # the sweep sends it anyway
        logger.exception("could not queue sign-in link %s", link_id)


def send_sign_in_link(link_id: int) -> str:
    """Send a link's email if it is due: sent, deferred, failed or skipped. Claimed with
    one conditional UPDATE so two workers never both send it; an expired link is dropped."""
    now = timezone.now()
    held = work.claim_one(SIGN_IN_WORK, link_id)
    if held is None:
        return "skipped"
    with work.holding(held):
        link = SignInLink.objects.get(pk=link_id)
        if link.expires_at <= now or link.used_at is not None:
            work.fail(
                held, link.pk, link.attempts, "expired before it could be sent", permanent=True
            )
            return "failed"
        url = settings.KLIENT_BASE_URL.rstrip("/") + reverse(
            "portal:redeem", kwargs={"token": token_for(link)}
        )
        outcome, error = send_sign_in_email(
            link.email,
            language=link.language,
            url=url,
            minutes=LINK_MINUTES,
            sender_name=customer_sender_name(link.customer_id),
        )
        if outcome == "sent":
            work.complete(
                held, link.pk, SignInLink.State.SENT, last_error="", sent_at=timezone.now()
            )
            return "sent"
        if outcome == "retry":
            logger.warning("sign-in link %s deferred: %s", link_id, error)
        return work.fail(held, link.pk, link.attempts, error, permanent=outcome != "retry")


def redrive_sign_in_links(limit: int = 100) -> int:
    """Sweeper: send links whose task was lost, whose retry is due or whose worker died."""
    ids = work.due(SIGN_IN_WORK, limit=limit)
    return sum(1 for pk in ids if send_sign_in_link(pk) != "skipped")


def valid_link(token: str) -> SignInLink | None:
    """The unused, unexpired link of this token, or None (without using it)."""
    if not token or len(token) > 128:
        return None
    link = SignInLink.objects.filter(token_hash=_hash(token)).first()
    if link is None or not hmac.compare_digest(link.token_hash, _hash(token)):
        return None
    if link.used_at is not None or link.expires_at <= timezone.now():
        return None
    return link


def redeem(token: str) -> SignInLink | None:
    """Use the link of this token: only the first call within its lifetime gets it."""
    link = valid_link(token)
    if link is None:
        return None
    now = timezone.now()
    with transaction.atomic():
        used = SignInLink.objects.filter(
            pk=link.pk, used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if not used:
            return None
        events.signed_in(link.customer_id, link.pk)
    link.used_at = now
    return link
