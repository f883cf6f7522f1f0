"""Teams get endpoints, customers' identities a proof (verified_at), agents absences."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_squashed_0002_team_lead"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Endpoint",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("email", "Email address"),
                            ("web_form", "Web form"),
                            ("chat", "Chat widget"),
                            ("phone", "Phone number"),
                        ],
                        max_length=10,
                    ),
                ),
                ("value", models.CharField(max_length=320)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
        migrations.RemoveConstraint(
            model_name="identity",
            name="identity_unique_value",
        ),
        migrations.AddField(
            model_name="identity",
            name="verified_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="identity",
            name="kind",
            field=models.CharField(
                choices=[("email", "Email"), ("phone", "Phone"), ("chat", "Chat visitor")],
                max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="identity",
            constraint=models.UniqueConstraint(
                condition=models.Q(("verified_at__isnull", False)),
                fields=("kind", "value"),
                name="identity_unique_verified",
            ),
        ),
        migrations.AddConstraint(
            model_name="identity",
            constraint=models.UniqueConstraint(
                fields=("customer", "kind", "value"), name="identity_unique_per_customer"
            ),
        ),
        migrations.AddField(
            model_name="endpoint",
            name="team",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="endpoints",
                to="people.team",
            ),
        ),
        migrations.AddConstraint(
            model_name="endpoint",
            constraint=models.UniqueConstraint(
                fields=("kind", "value"), name="endpoint_unique_value"
            ),
        ),
        migrations.CreateModel(
            name="Absence",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("starts_at", models.DateTimeField()),
                ("ends_at", models.DateTimeField()),
                ("reason", models.CharField(blank=True, max_length=200)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "agent",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="absences",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "substitute_agent",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "substitute_team",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="people.team",
                    ),
                ),
            ],
            options={
                "ordering": ["starts_at", "id"],
                "indexes": [models.Index(fields=["agent", "ends_at"], name="absence_agent_ends")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("ends_at__gt", models.F("starts_at"))),
                        name="absence_ends_after_it_starts",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("substitute_agent__isnull", True),
                            ("substitute_team__isnull", True),
                            _connector="OR",
                        ),
                        name="absence_one_substitute",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("substitute_agent", models.F("agent")), _negated=True),
                        name="absence_substitute_is_another_agent",
                    ),
                ],
            },
        ),
    ]
