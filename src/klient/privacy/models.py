"""What the privacy domain keeps: each team's retention rule, the daily retention runs, and
the raw files an erasure still has to delete from disk."""

from __future__ import annotations

from django.db import models


class RetentionRule(models.Model):
    """A team's rule: erase the personal content of conversations solved or closed (and
    untouched since) for this many months. No row, or null, keeps them for ever."""

    team = models.OneToOneField("people.Team", on_delete=models.CASCADE, related_name="+")
    erase_closed_after_months = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"retention of team {self.team_id}: {self.erase_closed_after_months} months"


class RetentionRun(models.Model):
    """One day's retention sweep. The unique day makes it run at most once a day; a run
    whose worker died (lease run out, not finished) is taken over and continues, and
    erasing is idempotent, so the taker-over only does what is left."""

    day = models.DateField(unique=True)
    started_at = models.DateTimeField()
    lease_until = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    conversations = models.PositiveIntegerField(default=0, help_text="How many were erased.")

    def __str__(self) -> str:
        return f"retention run of {self.day}"


class ErasedConversation(models.Model):
    """A conversation whose personal content was erased (a customer's erasure or a team's
    retention rule): the tombstone's marker, so retention never picks it again."""

    conversation = models.OneToOneField(
        "conversations.Conversation", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    erased_at = models.DateTimeField()
    reason = models.CharField(max_length=20)  # "customer" or "retention"

    def __str__(self) -> str:
        return f"conversation {self.conversation_id} erased ({self.reason})"


class BlobDeletion(models.Model):
    """A raw file (core.blobs) an erasure no longer references: written in the erasure's
    transaction, deleted from disk once it commits (or by the sweep, after a crash)."""

    digest = models.CharField(max_length=64, unique=True)
    queued_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"blob {self.digest[:12]} to delete"
