"""SLA up to 0005, squashed (decision 0014): the released migrations 0001–0005 as one, for
new databases. A database that applied all of them records this one as applied; the
outcomes backfill of 0005 had nothing to do on a new one."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    replaces = [
        ("sla", "0001_initial"),
        ("sla", "0002_escalationstep"),
        ("sla", "0003_pendingescalation"),
        ("sla", "0004_report_index"),
        ("sla", "0005_outcomes"),
    ]

    initial = True

    dependencies = [
        ("conversations", "0001_squashed_0007_team_language_index"),
        ("people", "0001_squashed_0002_team_lead"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="BusinessHoursConfig",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("time_zone", models.CharField(default="Europe/Warsaw", max_length=64)),
                ("hours", models.JSONField(default=dict)),
                ("country", models.CharField(blank=True, max_length=2)),
                ("subdivision", models.CharField(blank=True, max_length=10)),
                ("closures", models.JSONField(blank=True, default=list)),
                ("extra_working_days", models.JSONField(blank=True, default=dict)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "team",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="business_hours",
                        to="people.team",
                    ),
                ),
            ],
            options={
                "verbose_name": "business hours",
                "verbose_name_plural": "business hours",
            },
        ),
        migrations.CreateModel(
            name="SlaPolicy",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, unique=True)),
                (
                    "position",
                    models.PositiveIntegerField(default=0, help_text="Lower is tried first."),
                ),
                ("active", models.BooleanField(default=True)),
                ("channel", models.CharField(blank=True, max_length=10)),
                ("priority", models.CharField(blank=True, max_length=10)),
                (
                    "tag",
                    models.CharField(
                        blank=True,
                        help_text="Reserved: conversations have no tags yet.",
                        max_length=100,
                    ),
                ),
                ("first_reply_minutes", models.PositiveIntegerField(blank=True, null=True)),
                ("next_reply_minutes", models.PositiveIntegerField(blank=True, null=True)),
                ("periodic_update_minutes", models.PositiveIntegerField(blank=True, null=True)),
                ("resolution_minutes", models.PositiveIntegerField(blank=True, null=True)),
                (
                    "business_time",
                    models.BooleanField(
                        default=True,
                        help_text="Count the team's business hours, else calendar time.",
                    ),
                ),
                ("warning_percent", models.PositiveSmallIntegerField(default=75)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "organisation",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.organisation",
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
                "verbose_name": "SLA policy",
                "verbose_name_plural": "SLA policies",
                "ordering": ["position", "id"],
            },
        ),
        migrations.CreateModel(
            name="ConversationSla",
            fields=[
                (
                    "conversation",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="sla",
                        serialize=False,
                        to="conversations.conversation",
                    ),
                ),
                ("started_at", models.DateTimeField(blank=True, null=True)),
                ("first_reply_due", models.DateTimeField(blank=True, null=True)),
                ("next_reply_due", models.DateTimeField(blank=True, null=True)),
                ("update_due", models.DateTimeField(blank=True, null=True)),
                ("resolution_due", models.DateTimeField(blank=True, null=True)),
                (
                    "due_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="The earliest of the running targets' due times.",
                        null=True,
                    ),
                ),
                ("first_reply_at", models.DateTimeField(blank=True, null=True)),
                ("paused", models.BooleanField(default=False)),
                ("paused_since", models.DateTimeField(blank=True, null=True)),
                (
                    "pause_seconds",
                    models.BigIntegerField(
                        default=0,
                        help_text="Accumulated closed pauses (pending, on hold), wall clock.",
                    ),
                ),
                ("stopped", models.BooleanField(default=False, help_text="Solved or closed.")),
                (
                    "breached",
                    models.JSONField(
                        blank=True, default=list, help_text="Targets whose open cycle is past due."
                    ),
                ),
                (
                    "emitted",
                    models.JSONField(
                        blank=True,
                        default=list,
                        help_text="Keys of the warnings and breaches already emitted.",
                    ),
                ),
                ("next_due_at", models.DateTimeField(blank=True, null=True)),
                ("computed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "policy",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="sla.slapolicy",
                    ),
                ),
            ],
            options={
                "verbose_name": "conversation SLA",
            },
        ),
        migrations.AddConstraint(
            model_name="slapolicy",
            constraint=models.CheckConstraint(
                condition=models.Q(("warning_percent__gte", 1), ("warning_percent__lte", 100)),
                name="sla_policy_warning_percent",
            ),
        ),
        migrations.AddIndex(
            model_name="conversationsla",
            index=models.Index(
                condition=models.Q(("next_due_at__isnull", False)),
                fields=["next_due_at"],
                name="sla_next_due",
            ),
        ),
        migrations.AddIndex(
            model_name="conversationsla",
            index=models.Index(
                condition=models.Q(("due_at__isnull", False)), fields=["due_at"], name="sla_due"
            ),
        ),
        migrations.CreateModel(
            name="EscalationStep",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveIntegerField(default=0)),
                (
                    "trigger",
                    models.CharField(
                        choices=[("warning", "warning"), ("breach", "breach")],
                        default="breach",
                        max_length=10,
                    ),
                ),
                (
                    "target",
                    models.CharField(
                        choices=[
                            ("any", "any target"),
                            ("first_reply", "first reply"),
                            ("next_reply", "next reply"),
                            ("update", "periodic update"),
                            ("resolution", "resolution"),
                        ],
                        default="any",
                        max_length=12,
                    ),
                ),
                ("delay_minutes", models.PositiveIntegerField(default=0)),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("notify_assignee", "notify the assignee"),
                            ("notify_team_lead", "notify the team lead"),
                            ("raise_priority", "raise the priority"),
                            ("reassign", "reassign to the fallback"),
                        ],
                        max_length=20,
                    ),
                ),
                (
                    "email",
                    models.BooleanField(
                        default=True, help_text="Notifications also go out by email."
                    ),
                ),
                (
                    "fallback_agent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "fallback_team",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="people.team",
                    ),
                ),
                (
                    "policy",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="escalation_steps",
                        to="sla.slapolicy",
                    ),
                ),
            ],
            options={
                "ordering": ["policy", "position", "id"],
            },
        ),
        migrations.CreateModel(
            name="PendingEscalation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("target", models.CharField(help_text="The clock's target name.", max_length=20)),
                ("cycle_started_at", models.DateTimeField()),
                ("triggered_at", models.DateTimeField(help_text="The warning or breach moment.")),
                ("due_at", models.DateTimeField()),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("pending", "pending"),
                            ("done", "done"),
                            ("skipped", "skipped"),
                            ("failed", "failed"),
                        ],
                        default="pending",
                        max_length=10,
                    ),
                ),
                (
                    "plan",
                    models.JSONField(
                        blank=True,
                        help_text="The change decided at the first attempt, reused.",
                        null=True,
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("lease_until", models.DateTimeField(blank=True, null=True)),
                ("done_at", models.DateTimeField(blank=True, null=True)),
                ("error", models.TextField(blank=True)),
                (
                    "conversation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="conversations.conversation",
                    ),
                ),
                (
                    "step",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="sla.escalationstep",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        condition=models.Q(("state", "pending")),
                        fields=["due_at"],
                        name="sla_escalation_due",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("step", "conversation", "target", "cycle_started_at"),
                        name="sla_escalation_once_per_cycle",
                    )
                ],
            },
        ),
        migrations.AddIndex(
            model_name="conversationsla",
            index=models.Index(
                condition=models.Q(("started_at__isnull", False)),
                fields=["started_at"],
                name="sla_started",
            ),
        ),
        migrations.CreateModel(
            name="SlaOutcome",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("target", models.CharField(help_text="The clock's target name.", max_length=20)),
                ("cycle_started_at", models.DateTimeField()),
                ("due_at", models.DateTimeField(blank=True, null=True)),
                (
                    "ended_at",
                    models.DateTimeField(
                        help_text="When the outcome was decided: the answer or solve, the due moment, the end."
                    ),
                ),
                (
                    "outcome",
                    models.CharField(
                        choices=[
                            ("met", "met"),
                            ("breached", "breached"),
                            ("cancelled", "cancelled"),
                        ],
                        max_length=10,
                    ),
                ),
                ("recorded_at", models.DateTimeField()),
                (
                    "assignee",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "conversation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="conversations.conversation",
                    ),
                ),
                (
                    "policy",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="sla.slapolicy",
                    ),
                ),
                (
                    "team",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="people.team",
                    ),
                ),
            ],
            options={
                "indexes": [models.Index(fields=["ended_at"], name="sla_outcome_ended")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("conversation", "target", "cycle_started_at"),
                        name="sla_outcome_once_per_cycle",
                    )
                ],
            },
        ),
    ]
