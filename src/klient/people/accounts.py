"""An agent's password: the invitation that lets a new agent choose one, "forgot password"
by email, and setting it.

A link carries the agent's id and a token from Django's PasswordResetTokenGenerator, made
when the email is sent and never stored. It is good for a limited time (INVITATION_LIFETIME,
RESET_LIFETIME) and once: the token is a hash of the agent's password, last sign-in and
activity, so setting a password, signing in or being deactivated ends it. Invitation and
reset tokens have salts of their own: one never opens the other's page.

Asking for a reset answers the same whether or not the address is an agent's (no account
enumeration); an agent gets at most RESETS_PER_HOUR reset emails an hour."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from klient.core import ratelimit, wiring
from klient.core.events import append

from .events import Kind
from .identities import normalise_email
from .models import AccountEmail

INVITATION_LIFETIME = timedelta(days=7)
RESET_LIFETIME = timedelta(hours=2)
RESETS_PER_HOUR = 3
# Requests for reset links from one IP address an hour, whatever the addresses: above it
# the page says to wait (a script trying addresses one after another, or mailing bombs).
RESET_REQUESTS_PER_IP_HOUR = 20


class TooManyRequests(Exception):
    """This IP address asked for too many reset links this hour."""


MAX_TOKEN_LENGTH = 64
Purpose = AccountEmail.Purpose


class LinkTokens(PasswordResetTokenGenerator):
    """Django's reset tokens with a salt and a lifetime of their own, and ended by
    deactivation as well."""

    def __init__(self, salt: str, lifetime: timedelta) -> None:
        self.key_salt = salt
        self.lifetime = lifetime
        super().__init__()

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        return super()._make_hash_value(user, timestamp) + str(bool(user.is_active))

    def check_token(self, user: Any, token: str | None) -> bool:
        if not (user and token) or len(token) > MAX_TOKEN_LENGTH or token.count("-") != 1:
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        made = [
            self._make_token_with_timestamp(user, timestamp, secret)
            for secret in [self.secret, *self.secret_fallbacks]
        ]
        if not any(constant_time_compare(candidate, token) for candidate in made):
            return False
        age = self._num_seconds(self._now()) - timestamp
        return 0 <= age <= self.lifetime.total_seconds()


LINK_TOKENS = {
    Purpose.INVITATION: LinkTokens("klient.people.accounts.invitation", INVITATION_LIFETIME),
    Purpose.PASSWORD_RESET: LinkTokens("klient.people.accounts.reset", RESET_LIFETIME),
}


def link_parts(row: AccountEmail) -> tuple[str, str]:
    """(uid, token) of a link for this email, made now."""
    user = row.user
    return urlsafe_base64_encode(force_bytes(user.pk)), LINK_TOKENS[
        Purpose(row.purpose)
    ].make_token(user)


def agent_for_link(purpose: str, uid: str, token: str) -> Any:
    """The active agent a link of this purpose was made for while it is still good, or
    None (unknown, expired, used, or made for the other purpose)."""
    try:
        pk = int(urlsafe_base64_decode(uid[:32]).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    user = get_user_model().objects.filter(pk=pk, is_active=True, agent__isnull=False).first()
    if user is None or not LINK_TOKENS[Purpose(purpose)].check_token(user, token):
        return None
    return user


def _queue(user: Any, purpose: str, *, actor: Any, kind: Kind) -> AccountEmail:
    now = timezone.now()
    with transaction.atomic():
        row = AccountEmail.objects.create(
            user=user, purpose=purpose, email=user.email, created_at=now, next_attempt_at=now
        )
        queued = append(
            kind,
            actor=actor,
            actor_label="" if actor else "agent",
            data={"agent": user.pk, "account_email": row.pk},
        )
        # The email goes out once this commits (klient.mail.account_mail).
        wiring.publish_on_commit(queued)
    return row


def queue_invitation(user: Any, *, actor: Any) -> AccountEmail:
    """Email the agent a link to choose their password (again, if the first was lost)."""
    return _queue(user, Purpose.INVITATION, actor=actor, kind=Kind.AGENT_INVITED)


def request_password_reset(address: str, *, ip: str | None = None) -> None:
    """Email a reset link if `address` is an active agent's and they have not asked too
    often; otherwise do nothing, silently: the caller shows the same page either way.
    Raises TooManyRequests when the request's IP address (`ip`, from a web request) asked
    more than RESET_REQUESTS_PER_IP_HOUR times this hour, known addresses or not."""
    if ip is not None and not ratelimit.allow(
        "password-reset-ip", ip, limit=RESET_REQUESTS_PER_IP_HOUR, window_seconds=3600
    ):
        raise TooManyRequests
    value = normalise_email(address or "")
    if not value or len(value) > 320:
        return
    user = (
        get_user_model()
        .objects.filter(username__iexact=value, is_active=True, agent__isnull=False)
        .first()
    )
    if user is None:
        return
    recent = AccountEmail.objects.filter(
        user=user,
        purpose=Purpose.PASSWORD_RESET,
        created_at__gt=timezone.now() - timedelta(hours=1),
    )
    if recent.count() >= RESETS_PER_HOUR:
        return
    _queue(user, Purpose.PASSWORD_RESET, actor=None, kind=Kind.PASSWORD_RESET_REQUESTED)


def check_password(password: str, user: Any) -> None:
    """ValidationError unless the password passes AUTH_PASSWORD_VALIDATORS."""
    password_validation.validate_password(password, user)


def set_password(user: Any, password: str, *, actor: Any, via: str) -> None:
    """Give the agent a new password (`via`: "invitation", "reset" or "profile"). Their
    other sessions end: Django ties a session to the password it began with."""
    check_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        append(
            Kind.PASSWORD_SET,
            actor=actor,
            actor_label="" if actor else "agent",
            data={"agent": user.pk, "via": via},
        )
