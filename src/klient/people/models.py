"""Customers and their identities, organisations, agents and teams."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    name = models.CharField(max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="customers"
    )
    language = models.CharField(max_length=8, blank=True)
    time_zone = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name or f"Customer #{self.pk}"

    def primary_email(self) -> str:
        ident = self.identities.filter(kind=Identity.Kind.EMAIL).order_by("id").first()
        return ident.value if ident else ""


class Identity(models.Model):
    """One way to reach a customer: an email address or a phone number.

    Values are stored normalised (emails lower-cased, phones in E.164-ish digits) so
    lookups are exact matches on an index."""

    class Kind(models.TextChoices):
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(max_length=320)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="identity_unique_value"),
        ]
        verbose_name_plural = "identities"

    def __str__(self) -> str:
        return self.value


class Team(models.Model):
    name = models.CharField(max_length=100, unique=True)
    inbound_address = models.EmailField(
        max_length=320, unique=True, help_text="Mail to this address opens conversations here."
    )
    acknowledge = models.BooleanField(
        default=False, help_text="Send one automatic acknowledgement per conversation per day."
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="teams", blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
        help_text="Escalations that reach the team lead notify this agent.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("inbound_address"), name="team_address_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class AgentProfile(models.Model):
    """What Klient knows about an agent beyond the Django user: languages and time zone."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent"
    )
    languages = models.JSONField(default=list, blank=True)
    time_zone = models.CharField(max_length=64, default="Europe/Warsaw")

    def __str__(self) -> str:
        return str(self.user)


class ApiToken(models.Model):
    """A bearer token for the REST API. Only a hash is stored; the token is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    key_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"token for {self.user}"


# -- absences ---------------------------------------------------------------------------------


class Absence(models.Model):
    """An agent away from `starts_at` to `ends_at` (half-open), optionally covered by a
    substitute agent or a substitute team (never both). Their effective calendar subtracts
    it (klient.people.working_time); what the substitute then does is routing's.

    Written only by klient.people.actions (create_absence, delete_absence)."""

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="absences"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)
    substitute_agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    substitute_team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="absence_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=models.Q(substitute_agent__isnull=True)
                | models.Q(substitute_team__isnull=True),
                name="absence_one_substitute",
            ),
            models.CheckConstraint(
                condition=~models.Q(substitute_agent=models.F("agent")),
                name="absence_substitute_is_another_agent",
            ),
        ]
        indexes = [
            # An agent's current and future absences: agent = ? AND ends_at > now.
            models.Index(fields=["agent", "ends_at"], name="absence_agent_ends"),
        ]

    def __str__(self) -> str:
        return f"agent #{self.agent_id} away {self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"
