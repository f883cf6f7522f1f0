"""Conversations (tickets), their messages, attachments and outbound deliveries."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from klient.core.texts import word
from klient.core.work import WorkItem

REFERENCE_PREFIX = "K-"
REFERENCE_OFFSET = 1000
# A reference as typed in a search box: any case, spaces around the dash, or no dash.
_TYPED_REFERENCE = re.compile(r"K\s*-?\s*(\d{1,15})", re.IGNORECASE)


class Tag(models.Model):
    """A label agents put on conversations; names are stored lower-case."""

    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Conversation(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        PENDING = "pending", _("Pending (waiting on customer)")
        ON_HOLD = "on_hold", _("On hold")
        SOLVED = "solved", _("Solved")
        CLOSED = "closed", _("Closed")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        WEB = "web", _("Web form")
        CHAT = "chat", _("Live chat")
        PHONE = "phone", _("Phone")

    subject = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    # The most pressing first (0 urgent … 3 low), kept by the database so the "priority"
    # sort walks an index (conv_open_priority) instead of ranking every open row.
    priority_rank = models.GeneratedField(
        expression=models.Case(
            models.When(priority="urgent", then=models.Value(0)),
            models.When(priority="high", then=models.Value(1)),
            models.When(priority="normal", then=models.Value(2)),
            default=models.Value(3),
        ),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    language = models.CharField(max_length=8, blank=True)
    team = models.ForeignKey("people.Team", on_delete=models.PROTECT, related_name="conversations")
    customer = models.ForeignKey(
        "people.Customer", on_delete=models.PROTECT, related_name="conversations"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_conversations",
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    waiting_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the customer's oldest unanswered message arrived; empty once answered.",
    )
    last_acknowledged_at = models.DateTimeField(null=True, blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="conversations")
    # Set when this conversation was merged into another (it is then closed; see
    # klient.conversations.merge and docs/merge.md). PROTECT: the survivor keeps its history.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
    )
    # Opened by an automatic reply (out of office, bounce) that answers nothing we could
    # find: kept for admins (the inbox's "Automatic" view), never in agents' queues or
    # counts, never waiting (docs/threading.md).
    automatic = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["status", "-updated_at", "-id"], name="conv_status_updated"),
            models.Index(fields=["team", "status", "-updated_at", "-id"], name="conv_team_status"),
            models.Index(fields=["assignee", "status", "-updated_at"], name="conv_assignee_status"),
            models.Index(fields=["customer", "-updated_at"], name="conv_customer"),
            models.Index(fields=["-updated_at", "-id"], name="conv_updated"),
            # Open's default order, waiting longest first (queries.WAITING_LONGEST): the
            # inbox walks it and stops at a page, instead of sorting every open row.
            models.Index(
                fields=["waiting_since", "-updated_at", "-id"],
                name="conv_open_waiting",
                condition=models.Q(status__in=["new", "open"]),
            ),
            models.Index(
                fields=["priority_rank", "waiting_since", "-updated_at", "-id"],
                name="conv_open_priority",
                condition=models.Q(status__in=["new", "open"]),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def reference(self) -> str:
        return f"{REFERENCE_PREFIX}{self.pk + REFERENCE_OFFSET}" if self.pk else ""

    @staticmethod
    def pk_from_typed_reference(text: str) -> int | None:
        """The primary key a reference as an agent types it names ("K-1042", "k1042",
        "K - 1042"), or None when the text is anything else."""
        found = _TYPED_REFERENCE.fullmatch(text.strip())
        return Conversation.pk_from_reference(f"K-{found[1]}") if found else None

    @staticmethod
    def pk_from_reference(reference: str) -> int | None:
        """The primary key a reference such as "K-1042" names, or None if it names none."""
        ref = reference.strip().upper()
        if not ref.startswith(REFERENCE_PREFIX):
            return None
        number = ref[len(REFERENCE_PREFIX) :]
        if not number.isdigit() or len(number) > 15:
            return None
        pk = int(number) - REFERENCE_OFFSET
        return pk if pk > 0 else None

    @property
    def is_answered(self) -> bool:
        return self.waiting_since is None


class ReadMarker(models.Model):
    """How far an agent has read a conversation: written each time they open its page
    (klient.conversations.reading.mark_read). A conversation is unread for an agent when
    a customer message came in after the newest message they were shown.

    Not history: an agent's reading changes nothing in the conversation, so it is one row
    per agent and conversation, overwritten, and no event (see docs/workspace.md). The
    rows go with their agent or conversation (CASCADE)."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="read_markers"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="read_markers"
    )
    read_at = models.DateTimeField()
    # The newest message id on the page when it was opened (0: none). Ids, not times: a
    # message stored late (a retried quarantine) keeps the time it was received.
    seen_message_id = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "agent"], name="read_marker_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} read {self.conversation_id} up to #{self.seen_message_id}"


class Participant(models.Model):
    """An email address, besides the customer's own, that may write into this conversation."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    address = models.CharField(max_length=320)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["conversation", "address"], name="participant_unique"),
        ]
        # Who may write by subject or auto-reply is looked up by address (thread_matching).
        indexes = [models.Index(fields=["address"], name="participant_address")]

    def __str__(self) -> str:
        return self.address


class AwaitedMessage(models.Model):
    """A Message-ID that a stored message answers but that was not stored yet: mail
    arrives out of order (a delayed relay, a worker that died holding the parent). When
    the awaited message arrives in another conversation, the two are merged, the later
    into the earlier (klient.conversations.awaited). Rows older than AWAITED_FOR are
    swept: a parent that late is not coming."""

    message_id = models.CharField(max_length=998)
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["message_id", "conversation"], name="awaited_message_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["created_at"], name="awaited_message_created"),
        ]

    def __str__(self) -> str:
        return f"{self.conversation_id} awaits {self.message_id}"


class Message(models.Model):
    class Kind(models.TextChoices):
        INBOUND = "inbound", _("Inbound")
        OUTBOUND = "outbound", _("Outbound")
        NOTE = "note", _("Internal note")

    class Sender(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        AGENT = "agent", _("Agent")
        SYSTEM = "system", _("System")

    conversation = models.ForeignKey(
        Conversation, on_delete=models.PROTECT, related_name="messages"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    sender = models.CharField(max_length=10, choices=Sender.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authored_messages",
    )
    from_address = models.CharField(max_length=320, blank=True)
    from_name = models.CharField(max_length=200, blank=True)
    to = models.JSONField(default=list, blank=True)
    cc = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=998, blank=True)
    body_text = models.TextField(blank=True, help_text="The whole plain text, quotes included.")
    new_text = models.TextField(blank=True, help_text="What this message adds, quotes removed.")
    body_html = models.TextField(blank=True, help_text="Sanitised HTML; remote images blocked.")
    raw_blob = models.CharField(max_length=64, blank=True, help_text="sha256 of the raw source")
    message_id = models.CharField(max_length=998, null=True, blank=True, unique=True)
    in_reply_to = models.CharField(max_length=998, blank=True)
    references = models.TextField(blank=True)
    language = models.CharField(max_length=8, blank=True)
    is_auto_reply = models.BooleanField(default=False)
    is_bounce = models.BooleanField(default=False)
    is_bulk = models.BooleanField(default=False)
    # Why a message was or was not taken for an automatic one (header hints, wording, the
    # score against its threshold): agents see the reasons, so a wrong call can be explained.
    auto_score = models.FloatField(null=True, blank=True)
    auto_reasons = models.JSONField(default=list, blank=True)
    has_remote_images = models.BooleanField(default=False)
    wording = models.JSONField(
        null=True,
        blank=True,
        help_text="A note Klient wrote: {kind, params}, worded in each reader's language.",
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["conversation", "created_at", "id"], name="msg_conv")]

    def __str__(self) -> str:
        return f"{self.kind} message #{self.pk}"

    @property
    def is_automatic(self) -> bool:
        return self.is_auto_reply or self.is_bounce or self.is_bulk

    def shown_text(self) -> str:
        """What the thread shows: a note Klient wrote worded in the active language (its
        body_text is the English wording, for search), else what the message adds."""
        text = self.new_text or self.body_text
        if self.wording:
            return word(self.wording.get("kind", ""), self.wording.get("params"), fallback=text)
        return text


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=255, default="application/octet-stream")
    size = models.PositiveBigIntegerField()
    blob = models.CharField(max_length=64, help_text="sha256 of the content")
    content_id = models.CharField(max_length=255, blank=True)

    def __str__(self) -> str:
        return self.filename


class Upload(models.Model):
    """A file an agent uploaded to attach to a reply, a note or a new conversation. It is
    the uploader's alone (conversations.access.access_uploads) until a message takes it:
    then it becomes that message's Attachment, once (conversations.uploads)."""

    uploader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="uploads",
    )
    filename = models.CharField(max_length=255, help_text="Normalised (mail.filenames).")
    content_type = models.CharField(max_length=255, default="application/octet-stream")
    size = models.PositiveBigIntegerField()
    blob = models.CharField(max_length=64, help_text="sha256 of the content")
    created_at = models.DateTimeField()
    attachment = models.OneToOneField(
        Attachment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="upload",
        help_text="The attachment it became; empty while it is not attached yet.",
    )

    def __str__(self) -> str:
        return self.filename


class Delivery(WorkItem):
    """One outbound message to send on its channel: a durable work item.

    pending(next_attempt_at) -> sending(lease_until) -> sent | failed (| bounced, later)
    A worker claims it with a lease; a sweeper re-drives rows whose lease expired. A failed
    or bounced delivery can be resent once (conversations.deliveries.resend): it is pending
    again, with the same message and so the same Message-ID."""

    class State(models.TextChoices):
        PENDING = "pending", pgettext_lazy("delivery state", "Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        BOUNCED = "bounced", _("Bounced")

    message = models.OneToOneField(Message, on_delete=models.PROTECT, related_name="delivery")
    channel = models.CharField(max_length=10, default="email")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    # When the state last changed (queued, claimed, sent, failed, bounced, resent).
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "deliveries"
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="delivery_due",
                condition=models.Q(state__in=["pending", "sending"]),
            ),
        ]

    def __str__(self) -> str:
        return f"delivery of message #{self.message_id}: {self.state}"

    @property
    def public_state(self) -> str:
        """The state as the API and the workspace name it: pending is "queued"."""
        return PUBLIC_DELIVERY_STATES.get(self.state, self.state)

    @property
    def resendable(self) -> bool:
        return self.state in RESENDABLE_STATES


# Delivery.State -> what the API calls it (docs: README, "delivery").
PUBLIC_DELIVERY_STATES: dict[str, str] = {Delivery.State.PENDING: "queued"}
RESENDABLE_STATES = frozenset({Delivery.State.FAILED, Delivery.State.BOUNCED})


class Draft(models.Model):
    """The reply an agent is writing in a conversation, saved as they type: one per agent
    and conversation. Private to its agent, and not part of the conversation's history:
    saving one appends no event (docs/workspace.md, "Drafts and undo send").

    `attachments` holds upload ids as given; they are checked when the reply is sent."""

    # CASCADE, unlike history: an unsent draft means nothing without its writer, and
    # agents are deactivated, not deleted, so this only ever removes drafts.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="drafts"
    )
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="drafts")
    body = models.TextField(blank=True)
    attachments = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agent", "conversation"], name="draft_unique"),
        ]

    def __str__(self) -> str:
        return f"draft of agent #{self.agent_id} in conversation #{self.conversation_id}"
