"""Customers and their identities, organisations, agents and teams."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from klient.core.work import WorkItem


class Organisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    # The account manager: new conversations of its customers without an owner of their
    # own go to this agent first (klient.routing).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_organisations",
    )
    tier = models.CharField(max_length=40, blank=True, help_text="e.g. premium; rules match it.")
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
    # The personal advisor: the customer's new conversations go to them first (routing).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_customers",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name or f"Customer #{self.pk}"

    def personal_owner_id(self) -> int | None:
        """The customer's own owner, else their organisation's (needs organisation loaded)."""
        if self.owner_id is not None:
            return self.owner_id
        return self.organisation.owner_id if self.organisation is not None else None

    def primary_email(self) -> str:
        return self.reachable_at(Identity.Kind.EMAIL)

    def reachable_at(self, kind: str) -> str:
        """The customer's first verified identity of this kind ("" if none): where a reply
        on a channel of that kind goes."""
        ident = self.identities.filter(kind=kind, verified_at__isnull=False).order_by("id").first()
        return ident.value if ident else ""


class Identity(models.Model):
    """One way to recognise and reach a customer: an email address, a phone number, a
    chat visitor id (normal forms in klient.people.identities).

    Values are stored normalised so lookups are exact matches on an index. A verified
    identity belongs to one customer only. An unverified one (verified_at empty: say, an
    email a chat visitor typed) is only a claim: it finds no one and reaches no one
    until it is proven (conversations.visitors.confirm_identity)."""

    class Kind(models.TextChoices):
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone"
        CHAT = "chat", "Chat visitor"

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(max_length=320)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "value"],
                condition=models.Q(verified_at__isnull=False),
                name="identity_unique_verified",
            ),
            models.UniqueConstraint(
                fields=["customer", "kind", "value"], name="identity_unique_per_customer"
            ),
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
    signature = models.TextField(
        blank=True, help_text="Added below replies from this team when the agent has none."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("inbound_address"), name="team_address_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.name


# -- endpoints: where customers reach a team ------------------------------------------------


class Endpoint(models.Model):
    """One way in to a team: an email address, a web form, a chat widget, a phone number.

    Values are stored normalised (people.identities for email and phone), unique per kind,
    so an inbound message finds its team by one exact lookup. The team's inbound_address
    is its primary email endpoint, and the address its replies come from."""

    class Kind(models.TextChoices):
        EMAIL = "email", "Email address"
        WEB_FORM = "web_form", "Web form"
        CHAT = "chat", "Chat widget"
        PHONE = "phone", "Phone number"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="endpoints")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    value = models.CharField(max_length=320)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "value"], name="endpoint_unique_value"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


# -- agents ---------------------------------------------------------------------------------


class AgentProfile(models.Model):
    """What Klient knows about an agent beyond the Django user: the language Klient speaks
    to them in (UI, notifications), the languages they speak with customers (routing),
    their time zone and the signature below their replies."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agent"
    )
    language = models.CharField(
        max_length=8,
        blank=True,
        help_text="UI and notification language; empty: the browser's, then English.",
    )
    # Emails have no browser to ask: while `language` is empty they follow the browser
    # the agent last signed in with (klient.people.languages).
    browser_language = models.CharField(
        max_length=8,
        blank=True,
        help_text="The browser's language when they last signed in; for emails while "
        "language is empty.",
    )
    languages = models.JSONField(default=list, blank=True)
    time_zone = models.CharField(max_length=64, default="Europe/Warsaw")
    signature = models.TextField(blank=True)
    # Routing (klient.routing): what they can take and how much of it at once.
    skills = models.JSONField(default=list, blank=True)
    capacity = models.FloatField(
        default=3.0, help_text="Weighted open work at once (a chat 0.34, an email 0.1)."
    )
    # The status the agent chose; "online" counts only while the workspace's heartbeat
    # is fresh (last_seen_at, klient.people.presence).
    status = models.CharField(
        max_length=10,
        choices=[("online", _("Online")), ("away", _("Away")), ("offline", _("Offline"))],
        default="online",
    )
    last_seen_at = models.DateTimeField(null=True, blank=True)

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


# -- account emails ---------------------------------------------------------------------------


class AccountEmail(WorkItem):
    """An email that lets an agent choose a password: an invitation, or a reset they asked
    for on the sign-in page.

    The link's token is not stored: it is made when the email is sent, from the agent's
    current password and last sign-in (Django's PasswordResetTokenGenerator, in
    klient.people.accounts), so it expires, and works once: setting a password or signing
    in changes what it was made from.

    Sending is durable work (klient.mail.account_mail): pending(next_attempt_at) ->
    sending(lease_until) -> sent | failed, re-driven by the sweeper."""

    class Purpose(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        PASSWORD_RESET = "reset", _("Password reset")

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="account_emails"
    )
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    email = models.CharField(max_length=320)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="account_email_due",
                condition=models.Q(state__in=["pending", "sending"]),
            ),
            # How many resets an agent asked for lately (the rate limit).
            models.Index(fields=["user", "purpose", "created_at"], name="account_email_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} email #{self.pk} to {self.email} ({self.state})"
