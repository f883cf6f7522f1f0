"""An agent's external calendars (CalDAV or an ICS feed) and the busy intervals last read
from each."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from klient.core.sealing import unseal


class ExternalCalendar(models.Model):
    """A calendar Klient reads an agent's busy times from. Synced in the background
    (klient.external_calendars.sync) under a lease, so two workers never sync it at once;
    a failed sync keeps the busy times of the last good one and says why in last_error."""

    class Kind(models.TextChoices):
        CALDAV = "caldav", _("CalDAV calendar")
        ICS = "ics", _("ICS feed")

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="external_calendars"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    url = models.CharField(max_length=2000)
    username = models.CharField(max_length=255, blank=True)
    sealed_password = models.TextField(
        blank=True, help_text="The password, sealed with klient.core.sealing; never in clear."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # last_attempted_at schedules the next sync (every KLIENT_CALENDAR_SYNC_MINUTES, after a
    # failure too); last_synced_at is the last sync that succeeded.
    last_attempted_at = models.DateTimeField(null=True, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # A digest of the busy intervals last stored: a sync that finds the same ones writes
    # no event (one every few minutes would flood the audit log).
    busy_digest = models.CharField(max_length=64, blank=True)
    # A digest of what the last good sync read (texts, window, zone): the same again is
    # not expanded again (a busy year takes a second or two of CPU).
    source_digest = models.CharField(max_length=64, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["last_attempted_at"], name="extcal_due")]

    def __str__(self) -> str:
        return f"{self.kind} calendar #{self.pk} of agent #{self.agent_id}"

    def password(self) -> str:
        return unseal(self.sealed_password) if self.sealed_password else ""


class BusyInterval(models.Model):
    """One busy occurrence [starts_at, ends_at) in UTC, as the last good sync of its
    calendar read it; a sync replaces all of a calendar's rows at once."""

    calendar = models.ForeignKey(ExternalCalendar, on_delete=models.CASCADE, related_name="busy")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    uid = models.CharField(max_length=255, blank=True, help_text="The event's UID, to debug.")

    class Meta:
        indexes = [models.Index(fields=["calendar", "starts_at"], name="extcal_busy_start")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_at__lt=models.F("ends_at")), name="extcal_busy_order"
            )
        ]

    def __str__(self) -> str:
        return f"busy {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M} UTC"
