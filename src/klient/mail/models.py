"""Inbound mail as durable work items, and IMAP polling state."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from klient.core.sealing import unseal


class InboundMail(models.Model):
    """Raw bytes received by SMTP, IMAP or import, stored before they are acknowledged.

    received -> processing(lease_until) -> done | quarantined [-> discarded]
    Processing is idempotent; a quarantined mail keeps its reason and can be retried, or an
    administrator discards it with a reason of their own. Its raw bytes are kept either way
    (blobs are never deleted), so discarding never loses the source."""

    class State(models.TextChoices):
        RECEIVED = "received", "Received"
        PROCESSING = "processing", "Processing"
        DONE = "done", "Done"
        QUARANTINED = "quarantined", "Quarantined"
        DISCARDED = "discarded", "Discarded"

    class Source(models.TextChoices):
        SMTP = "smtp", "SMTP listener"
        IMAP = "imap", "IMAP poller"
        IMPORT = "import", "Import"

    raw_blob = models.CharField(max_length=64, unique=True, help_text="sha256 of the raw bytes")
    size = models.PositiveBigIntegerField()
    source = models.CharField(max_length=10, choices=Source.choices)
    envelope_from = models.CharField(max_length=998, blank=True)
    envelope_to = models.JSONField(default=list, blank=True)
    team = models.ForeignKey(
        "people.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.RECEIVED)
    attempts = models.PositiveIntegerField(default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True, help_text="Why it is quarantined.")
    message = models.ForeignKey(
        "conversations.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.CharField(max_length=20, blank=True, help_text="stored, duplicate, ...")
    received_at = models.DateTimeField()
    processed_at = models.DateTimeField(null=True, blank=True)
    discard_reason = models.TextField(blank=True, help_text="Why an administrator discarded it.")
    discarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    discarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["received_at"],
                name="inbound_open",
                condition=models.Q(state__in=["received", "processing"]),
            ),
            models.Index(
                fields=["-received_at"],
                name="inbound_quarantine",
                condition=models.Q(state="quarantined"),
            ),
        ]

    def __str__(self) -> str:
        return f"inbound mail #{self.pk} ({self.state})"


class ImapMailbox(models.Model):
    """An IMAP mailbox Klient polls for one team. UIDs above last_uid are new;
    a change of UIDVALIDITY means the server renumbered, so we start again (dedupe
    by Message-ID keeps that from duplicating anything). A disabled mailbox is kept with
    its state but not polled."""

    class Security(models.TextChoices):
        TLS = "tls", "TLS"
        STARTTLS = "starttls", "STARTTLS"
        NONE = "none", "none"

    team = models.ForeignKey("people.Team", on_delete=models.PROTECT, related_name="+")
    host = models.CharField(max_length=255)
    port = models.PositiveIntegerField(default=993)
    use_ssl = models.BooleanField(default=True, help_text="TLS from the first byte (IMAPS).")
    starttls = models.BooleanField(
        default=False,
        help_text="Without use_ssl: upgrade the connection with STARTTLS before signing in.",
    )
    is_active = models.BooleanField(default=True, help_text="Polled; a disabled one is not.")
    username = models.CharField(max_length=255)
    sealed_password = models.TextField(
        help_text="The password, sealed with klient.core.sealing; never stored in clear."
    )
    folder = models.CharField(max_length=255, default="INBOX")
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # Held by the worker polling it (klient.core.work), so that a poll longer than the
    # poll interval is not joined by a second worker.
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["host", "username", "folder"], name="imap_unique"),
            models.CheckConstraint(
                condition=~models.Q(use_ssl=True, starttls=True), name="imap_one_security"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.username}@{self.host}/{self.folder}"

    def password(self) -> str:
        return unseal(self.sealed_password)

    @property
    def security(self) -> str:
        if self.use_ssl:
            return self.Security.TLS
        return self.Security.STARTTLS if self.starttls else self.Security.NONE
