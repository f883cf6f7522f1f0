"""Configuring the IMAP mailboxes Klient polls: the only writers of their settings (add,
change, enable, disable, delete), and the "test connection" check (`check_connection`),
which signs in and reads nothing.

Passwords are sealed (klient.core.sealing) as soon as they arrive and never leave this
module in clear: no event, error or page carries one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from klient.core.events import append
from klient.core.sealing import UnsealError, seal
from klient.people.models import Team

from . import imap
from .events import Kind
from .models import ImapMailbox

# A test is a person waiting for an answer: each network step (connect, TLS, sign in,
# STATUS) waits at most this long, well under the poller's own timeout.
TEST_TIMEOUT_SECONDS = 10
SECURITY_CHOICES = tuple(ImapMailbox.Security.values)
# The settings that name the mailbox: changing one makes it another mailbox on the server,
# whose UIDs mean something else, so its polling starts again (dedupe keeps that safe).
_IDENTITY = ("host", "port", "username", "folder")


@dataclass(frozen=True)
class MailboxSettings:
    """What an administrator configures. `password` None keeps the stored one."""

    team: Team
    host: str
    port: int
    security: str
    username: str
    password: str | None
    folder: str = "INBOX"

    def cleaned(self) -> MailboxSettings:
        host, username = self.host.strip(), self.username.strip()
        folder = self.folder.strip() or "INBOX"
        errors: dict[str, list[str]] = {}
        if not host:
            errors["host"] = [_("An IMAP mailbox needs a host.")]
        if not username:
            errors["username"] = [_("An IMAP mailbox needs a user name.")]
        if not 0 < self.port < 65536:
            errors["port"] = [_("%(port)s is not a valid port.") % {"port": self.port}]
        if self.security not in SECURITY_CHOICES:
            errors["security"] = [_("Choose TLS, STARTTLS or none.")]
        if errors:
            raise ValidationError(errors)
        return MailboxSettings(
            team=self.team,
            host=host,
            port=self.port,
            security=self.security,
            username=username,
            password=self.password,
            folder=folder,
        )

    def columns(self) -> dict[str, Any]:
        return {
            "team": self.team,
            "host": self.host,
            "port": self.port,
            "use_ssl": self.security == ImapMailbox.Security.TLS,
            "starttls": self.security == ImapMailbox.Security.STARTTLS,
            "username": self.username,
            "folder": self.folder,
        }


def _described(mailbox: ImapMailbox) -> dict[str, Any]:
    """What an event says about a mailbox: everything but the password."""
    return {
        "mailbox": mailbox.pk,
        "team": mailbox.team_id,
        "host": mailbox.host,
        "port": mailbox.port,
        "ssl": mailbox.use_ssl,
        "starttls": mailbox.starttls,
        "username": mailbox.username,
        "folder": mailbox.folder,
    }


def _already_polled(values: MailboxSettings) -> ValidationError:
    return ValidationError(
        _("%(mailbox)s is already polled.")
        % {"mailbox": f"{values.username}@{values.host}/{values.folder}"}
    )


def _actor_label(actor: Any) -> str:
    return "" if actor else "cli"


def add_mailbox(
    *,
    team: Team,
    host: str,
    port: int,
    use_ssl: bool,
    username: str,
    password: str,
    folder: str = "INBOX",
    starttls: bool = False,
    actor: Any = None,
) -> ImapMailbox:
    """Start polling an IMAP mailbox for a team. Nothing is fetched until the next poll."""
    security = "tls" if use_ssl else ("starttls" if starttls else "none")
    return create_mailbox(
        MailboxSettings(team, host, port, security, username, password, folder), actor=actor
    )


def create_mailbox(values: MailboxSettings, *, actor: Any = None) -> ImapMailbox:
    values = values.cleaned()
    if not values.password:
        raise ValidationError({"password": [_("An IMAP mailbox needs a password.")]})
    columns = values.columns()
    taken = ImapMailbox.objects.filter(
        host=values.host, username=values.username, folder=values.folder
    )
    if taken.exists():
        raise _already_polled(values)
    try:
        with transaction.atomic():
            mailbox = ImapMailbox.objects.create(**columns, sealed_password=seal(values.password))
            append(
                Kind.IMAP_MAILBOX_ADDED,
                actor=actor,
                actor_label=_actor_label(actor),
                data=_described(mailbox),
            )
    except IntegrityError as exc:
        raise _already_polled(values) from exc
    return mailbox


def change_mailbox(mailbox: ImapMailbox, values: MailboxSettings, *, actor: Any) -> ImapMailbox:
    """Save new settings. A new password replaces the sealed one (None or "" keeps it);
    another host, port, user or folder restarts the polling from the first message."""
    values = values.cleaned()
    columns = values.columns()
    changed = sorted(name for name, value in columns.items() if getattr(mailbox, name) != value) + (
        ["password"] if values.password else []
    )
    if not changed:
        return mailbox
    taken = ImapMailbox.objects.filter(
        host=values.host, username=values.username, folder=values.folder
    ).exclude(pk=mailbox.pk)
    if taken.exists():
        raise _already_polled(values)
    if values.password:
        columns["sealed_password"] = seal(values.password)
    if any(name in changed for name in _IDENTITY):
        columns.update(uidvalidity=None, last_uid=0)
    try:
        with transaction.atomic():
            ImapMailbox.objects.filter(pk=mailbox.pk).update(**columns)
            mailbox.refresh_from_db()
            append(
                Kind.IMAP_MAILBOX_CHANGED,
                actor=actor,
                data={**_described(mailbox), "changed": changed},
            )
    except IntegrityError as exc:
        raise _already_polled(values) from exc
    return mailbox


def set_mailbox_active(mailbox: ImapMailbox, active: bool, *, actor: Any) -> ImapMailbox:
    """Enable or disable polling. A poll under way finishes; no new one starts."""
    if mailbox.is_active == active:
        return mailbox
    with transaction.atomic():
        ImapMailbox.objects.filter(pk=mailbox.pk).update(is_active=active)
        mailbox.is_active = active
        append(
            Kind.IMAP_MAILBOX_ENABLED if active else Kind.IMAP_MAILBOX_DISABLED,
            actor=actor,
            data={"mailbox": mailbox.pk, "host": mailbox.host, "username": mailbox.username},
        )
    return mailbox


def delete_mailbox(mailbox: ImapMailbox, *, actor: Any) -> None:
    """Stop polling for good and forget the settings. Mail already fetched stays: it is
    stored apart from the mailbox. Refused while a worker is polling it (its lease is
    held), so a poll is never cut off half-way; disabling first is the way to retire one."""
    now = timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    with transaction.atomic():
        described = _described(mailbox)
        deleted, _rows = ImapMailbox.objects.filter(free, pk=mailbox.pk).delete()
        if not deleted:
            raise ValidationError(
                _("This mailbox is being polled right now; try again in a moment.")
            )
        append(Kind.IMAP_MAILBOX_DELETED, actor=actor, data=described)


@dataclass(frozen=True)
class ConnectionCheck:
    ok: bool
    detail: str  # the server's or the network's own words when it failed
    messages: int | None = None  # in the folder, when signing in worked


def check_connection(
    values: MailboxSettings, *, mailbox: ImapMailbox | None = None
) -> ConnectionCheck:
    """Connect and sign in as configured (TLS, STARTTLS or none), and ask how many messages
    the folder holds. Nothing is fetched, flagged or recorded. Without a new password, the
    stored one of `mailbox` is used."""
    values = values.cleaned()
    password = values.password
    if not password and mailbox is not None:
        try:
            password = mailbox.password()
        except UnsealError as exc:
            return ConnectionCheck(ok=False, detail=str(exc))
    if not password:
        return ConnectionCheck(ok=False, detail=_("Type the password to test the connection."))
    columns = values.columns()
    try:
        client = imap.connect(
            host=values.host,
            port=values.port,
            use_ssl=columns["use_ssl"],
            starttls=columns["starttls"],
            username=values.username,
            password=password,
            timeout=TEST_TIMEOUT_SECONDS,
        )
    except imap.CONNECTION_ERRORS as exc:
        return ConnectionCheck(ok=False, detail=imap.describe_error(exc))
    try:
        status = client.folder_status(values.folder, [b"MESSAGES"])
    except imap.CONNECTION_ERRORS as exc:
        return ConnectionCheck(ok=False, detail=imap.describe_error(exc))
    finally:
        imap.logout(client)
    return ConnectionCheck(ok=True, detail="", messages=int(status.get(b"MESSAGES", 0)))
