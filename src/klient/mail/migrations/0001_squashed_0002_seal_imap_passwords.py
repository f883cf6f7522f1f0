"""Mail up to 0002, squashed (decision 0014): the released migrations 0001–0002 as one, for
new databases. A database that applied both records this one as applied; 0002 sealed the
IMAP passwords stored before, of which a new database has none."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    replaces = [("mail", "0001_initial"), ("mail", "0002_seal_imap_passwords")]

    initial = True

    dependencies = [
        ("conversations", "0001_squashed_0007_team_language_index"),
        ("people", "0001_squashed_0002_team_lead"),
    ]

    operations = [
        migrations.CreateModel(
            name="InboundMail",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "raw_blob",
                    models.CharField(
                        help_text="sha256 of the raw bytes", max_length=64, unique=True
                    ),
                ),
                ("size", models.PositiveBigIntegerField()),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("smtp", "SMTP listener"),
                            ("imap", "IMAP poller"),
                            ("import", "Import"),
                        ],
                        max_length=10,
                    ),
                ),
                ("envelope_from", models.CharField(blank=True, max_length=998)),
                ("envelope_to", models.JSONField(blank=True, default=list)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("received", "Received"),
                            ("processing", "Processing"),
                            ("done", "Done"),
                            ("quarantined", "Quarantined"),
                        ],
                        default="received",
                        max_length=12,
                    ),
                ),
                ("attempts", models.PositiveIntegerField(default=0)),
                ("lease_until", models.DateTimeField(blank=True, null=True)),
                ("reason", models.TextField(blank=True, help_text="Why it is quarantined.")),
                (
                    "outcome",
                    models.CharField(blank=True, help_text="stored, duplicate, ...", max_length=20),
                ),
                ("received_at", models.DateTimeField()),
                ("processed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "message",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="conversations.message",
                    ),
                ),
                (
                    "team",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.team",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        condition=models.Q(("state__in", ["received", "processing"])),
                        fields=["received_at"],
                        name="inbound_open",
                    ),
                    models.Index(
                        condition=models.Q(("state", "quarantined")),
                        fields=["-received_at"],
                        name="inbound_quarantine",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="ImapMailbox",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("host", models.CharField(max_length=255)),
                ("port", models.PositiveIntegerField(default=993)),
                ("use_ssl", models.BooleanField(default=True)),
                ("username", models.CharField(max_length=255)),
                ("password", models.CharField(max_length=255)),
                ("folder", models.CharField(default="INBOX", max_length=255)),
                ("uidvalidity", models.BigIntegerField(blank=True, null=True)),
                ("last_uid", models.BigIntegerField(default=0)),
                ("last_polled_at", models.DateTimeField(blank=True, null=True)),
                ("last_error", models.TextField(blank=True)),
                (
                    "team",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.team",
                    ),
                ),
                (
                    "sealed_password",
                    models.TextField(
                        help_text="The password, sealed with klient.core.sealing; never stored in clear."
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("host", "username", "folder"), name="imap_unique"
                    )
                ],
            },
        ),
        migrations.RemoveField(
            model_name="imapmailbox",
            name="password",
        ),
    ]
