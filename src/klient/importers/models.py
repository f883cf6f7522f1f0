"""Imports from other help desks: a run, and one checkpoint row per object it brought in.

A checkpoint is written in the transaction that writes its object, so after a crash the
rows say exactly what is in Klient: a rerun skips them and never duplicates."""

from __future__ import annotations

from django.db import models


class ImportRun(models.Model):
    """One import of one export folder. A rerun of an unfinished run continues it (same row);
    a rerun of a finished one opens a new run that finds everything already imported."""

    class State(models.TextChoices):
        RUNNING = "running", "Running"
        FINISHED = "finished", "Finished"

    source = models.CharField(max_length=20, help_text='The help desk: "zendesk".')
    path = models.CharField(max_length=1000, help_text="The export folder, resolved.")
    team = models.ForeignKey("people.Team", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # How many times it was started: 2 or more means it was resumed after a crash or a stop.
    attempts = models.PositiveIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["source", "path", "state"], name="import_run_path")]

    def __str__(self) -> str:
        return f"{self.source} import #{self.pk} of {self.path} ({self.state})"


class ImportedObject(models.Model):
    """The checkpoint of one object of the source (a ticket, a user, an organisation, an
    attachment, a malformed line): what it became in Klient, or why it was skipped.

    Unique per (source, kind, source id) across runs: the same export imported twice, or
    resumed, never imports an object twice."""

    class Kind(models.TextChoices):
        ORGANIZATION = "organization", "Organisation"
        USER = "user", "Customer"
        AGENT = "agent", "Agent"
        TICKET = "ticket", "Conversation"
        COMMENT = "comment", "Message"
        ATTACHMENT = "attachment", "Attachment"
        LINE = "line", "Line"

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="checkpoints")
    source = models.CharField(max_length=20)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    source_id = models.CharField(max_length=200, help_text="The id in the source, as text.")
    klient_id = models.BigIntegerField(
        null=True, blank=True, help_text="The primary key it became; empty when skipped."
    )
    skipped = models.CharField(max_length=500, blank=True, help_text="Why it was not imported.")
    # What did not map onto Klient's fields (custom fields as text, unmapped fields).
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "source_id"], name="imported_object_unique"
            ),
        ]
        indexes = [models.Index(fields=["run", "kind"], name="imported_object_run")]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} {self.source_id} -> {self.klient_id}"


class ImportWarning(models.Model):
    """Something the report must tell, once per run: an unknown custom field type read as
    text, a field with no place in Klient, an attachment whose file is missing."""

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="warnings")
    code = models.CharField(max_length=40)
    subject = models.CharField(max_length=300)
    message = models.CharField(max_length=500)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "code", "subject"], name="import_warning_once"),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.subject}"
