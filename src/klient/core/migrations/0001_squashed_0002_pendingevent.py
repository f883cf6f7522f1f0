"""Core up to 0002, squashed (decision 0014): the released migrations 0001–0002 as one, for
new databases. A database that applied both records this one as applied."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    replaces = [("core", "0001_initial"), ("core", "0002_pendingevent")]

    initial = True

    dependencies = [
        ("conversations", "0001_squashed_0007_team_language_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Event",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("actor_label", models.CharField(blank=True, max_length=200)),
                ("kind", models.CharField(max_length=60)),
                ("data", models.JSONField(blank=True, default=dict)),
                ("at", models.DateTimeField(db_index=True)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        help_text="The agent who caused the change; empty for the customer or the system.",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "conversation",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="events",
                        to="conversations.conversation",
                    ),
                ),
            ],
            options={
                "ordering": ["at", "id"],
                "indexes": [
                    models.Index(fields=["conversation", "at", "id"], name="event_conv_at"),
                    models.Index(fields=["kind", "at"], name="event_kind_at"),
                ],
            },
        ),
        migrations.CreateModel(
            name="PendingEvent",
            fields=[
                (
                    "event",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="core.event",
                    ),
                ),
                ("queued_at", models.DateTimeField()),
                ("lease_until", models.DateTimeField(blank=True, null=True)),
            ],
        ),
    ]
