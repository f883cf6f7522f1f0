"""Working hours, a team's or an agent's. Every team's business hours move here from
sla.BusinessHoursConfig, unchanged; the events that recorded them are renamed to the
calendars' kind (their data, {"team": id, ...}, already fits it)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

FIELDS = ("time_zone", "hours", "country", "subdivision", "closures", "extra_working_days")
OLD_KINDS = ("sla.business_hours_saved", "sla.business_hours_changed")
NEW_KIND = "calendars.working_hours_saved"


def forwards(apps, schema_editor):
    old = apps.get_model("sla", "BusinessHoursConfig")
    new = apps.get_model("calendars", "WorkingHoursConfig")
    rows = [
        new(team_id=row.team_id, **{name: getattr(row, name) for name in FIELDS})
        for row in old.objects.order_by("pk")
    ]
    new.objects.bulk_create(rows)
    # auto_now would have stamped them now; keep when each was really last changed.
    for row in old.objects.all():
        new.objects.filter(team_id=row.team_id).update(updated_at=row.updated_at)
    apps.get_model("core", "Event").objects.filter(kind__in=OLD_KINDS).update(kind=NEW_KIND)


def backwards(apps, schema_editor):
    old = apps.get_model("sla", "BusinessHoursConfig")
    new = apps.get_model("calendars", "WorkingHoursConfig")
    for row in new.objects.filter(team__isnull=False):
        old.objects.update_or_create(
            team_id=row.team_id, defaults={name: getattr(row, name) for name in FIELDS}
        )
    new.objects.filter(team__isnull=False).delete()
    events = apps.get_model("core", "Event").objects.filter(kind=NEW_KIND)
    events.filter(data__team__isnull=False).update(kind=OLD_KINDS[0])


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("core", "0001_squashed_0002_pendingevent"),
        ("people", "0001_squashed_0002_team_lead"),
        ("sla", "0001_squashed_0005_outcomes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="WorkingHoursConfig",
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
                    "agent",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="working_hours",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "team",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="working_hours",
                        to="people.team",
                    ),
                ),
            ],
            options={
                "verbose_name": "working hours",
                "verbose_name_plural": "working hours",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(("agent__isnull", True), ("team__isnull", False)),
                            models.Q(("agent__isnull", False), ("team__isnull", True)),
                            _connector="OR",
                        ),
                        name="working_hours_team_xor_agent",
                    )
                ],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
