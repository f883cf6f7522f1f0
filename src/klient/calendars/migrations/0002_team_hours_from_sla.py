"""Every team's business hours move from sla.BusinessHoursConfig to
calendars.WorkingHoursConfig, unchanged; the events that recorded them are renamed to the
calendars' kind (their data, {"team": id, ...}, already fits it)."""

from django.db import migrations

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
    dependencies = [
        ("calendars", "0001_working_hours"),
        ("core", "0002_pendingevent"),
        ("sla", "0005_outcomes"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
