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
