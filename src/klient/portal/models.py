"""The customers' side: magic sign-in links, request forms and their submissions."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from klient.core.work import WorkItem

LANGUAGE_CODES = ("en", "fr", "pl", "de", "uk")


def in_language(obj: object, prefix: str, language: str) -> str:
    """The `prefix_<language>` text of obj, else its English one."""
    code = language if language in LANGUAGE_CODES else "en"
    return str(getattr(obj, f"{prefix}_{code}", "") or getattr(obj, f"{prefix}_en", "") or "")


class SignInLink(WorkItem):
    """A magic sign-in link sent to one customer address: short-lived and single-use.

    Only a hash of the token is stored. The token is derived from `nonce` with the secret
    key (klient.portal.sign_in.token_for), so the email can be re-sent after a failed
    attempt without the token ever being written to the database.

    Sending is a durable work item: pending(next_attempt_at) -> sending(lease_until) ->
    sent | failed, re-driven by the sweeper (core.wiring.SWEEPS)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    customer = models.ForeignKey(
        "people.Customer", on_delete=models.CASCADE, related_name="sign_in_links"
    )
    email = models.CharField(max_length=320)
    language = models.CharField(max_length=8, blank=True)
    nonce = models.CharField(max_length=64, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="signin_link_due",
                condition=models.Q(state__in=["pending", "sending"]),
            ),
        ]

    def __str__(self) -> str:
        return f"sign-in link #{self.pk} for {self.email} ({self.state})"


class RequestForm(models.Model):
    """A public request form of a team, at /forms/<slug>/ (and /forms/<slug>/embed)."""

    team = models.ForeignKey("people.Team", on_delete=models.PROTECT, related_name="request_forms")
    slug = models.SlugField(max_length=80, unique=True)
    is_active = models.BooleanField(default=True)
    title_en = models.CharField(max_length=200)
    title_fr = models.CharField(max_length=200, blank=True)
    title_pl = models.CharField(max_length=200, blank=True)
    title_de = models.CharField(max_length=200, blank=True)
    title_uk = models.CharField(max_length=200, blank=True)
    intro_en = models.TextField(blank=True)
    intro_fr = models.TextField(blank=True)
    intro_pl = models.TextField(blank=True)
    intro_de = models.TextField(blank=True)
    intro_uk = models.TextField(blank=True)
    allowed_origins = models.TextField(
        blank=True,
        help_text=_(
            "Sites that may embed /forms/<slug>/embed in a frame, one origin a line "
            "(https://www.example.com). Empty: nobody may."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.slug

    def title(self, language: str) -> str:
        return in_language(self, "title", language)

    def intro(self, language: str) -> str:
        return in_language(self, "intro", language)

    def origins(self) -> list[str]:
        return [line.strip().rstrip("/") for line in self.allowed_origins.split() if line.strip()]


class FormField(models.Model):
    """One typed field of a request form. Every form also asks for the email address, the
    name and the subject; these are the fields it adds."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Text")
        TEXTAREA = "textarea", _("Long text")
        EMAIL = "email", _("Email address")
        CHOICE = "choice", _("Choice")
        CHECKBOX = "checkbox", _("Checkbox")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        VAT = "vat", _("VAT number")
        FILE = "file", _("File")
        CALLBACK = "callback", _("Call me back")

    form = models.ForeignKey(RequestForm, on_delete=models.CASCADE, related_name="fields")
    key = models.SlugField(max_length=60, help_text=_("Name of the field in the submission."))
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TEXT)
    order = models.PositiveIntegerField(default=0)
    required = models.BooleanField(default=False)
    required_if = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Required when this other field of the form has the value below."),
    )
    required_if_value = models.CharField(
        max_length=100, blank=True, help_text=_('A choice value, or "on" for a ticked checkbox.')
    )
    choices = models.TextField(
        blank=True,
        help_text=_(
            "For a choice: one option a line, "
            "value | English | Français | Polski | Deutsch | Українська."
        ),
    )
    label_en = models.CharField(max_length=200)
    label_fr = models.CharField(max_length=200, blank=True)
    label_pl = models.CharField(max_length=200, blank=True)
    label_de = models.CharField(max_length=200, blank=True)
    label_uk = models.CharField(max_length=200, blank=True)
    help_en = models.CharField(max_length=300, blank=True)
    help_fr = models.CharField(max_length=300, blank=True)
    help_pl = models.CharField(max_length=300, blank=True)
    help_de = models.CharField(max_length=300, blank=True)
    help_uk = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["form", "key"], name="form_field_unique_key"),
        ]

    def __str__(self) -> str:
        return f"{self.form.slug}.{self.key}"

    def label(self, language: str) -> str:
        return in_language(self, "label", language)

    def help(self, language: str) -> str:
        return in_language(self, "help", language)

    def options(self, language: str) -> list[tuple[str, str]]:
        """(value, label in `language`) for a choice field."""
        index = LANGUAGE_CODES.index(language) + 1 if language in LANGUAGE_CODES else 1
        result = []
        for line in self.choices.splitlines():
            parts = [p.strip() for p in line.split("|")]
            if not parts[0]:
                continue
            labels = parts[1:] or [parts[0]]
            label = labels[index - 1] if index - 1 < len(labels) and labels[index - 1] else ""
            result.append((parts[0], label or labels[0] or parts[0]))
        return result


class FormSubmission(models.Model):
    """What a form submission said, structured; its text is the conversation's message."""

    form = models.ForeignKey(RequestForm, on_delete=models.PROTECT, related_name="submissions")
    conversation = models.ForeignKey(
        "conversations.Conversation", on_delete=models.PROTECT, related_name="+"
    )
    message = models.ForeignKey("conversations.Message", on_delete=models.PROTECT, related_name="+")
    data = models.JSONField(default=dict)
    language = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"submission of {self.form_id} -> conversation {self.conversation_id}"
