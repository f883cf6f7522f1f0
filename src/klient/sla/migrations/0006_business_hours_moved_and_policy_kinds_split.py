"""Team business hours now live in calendars.WorkingHoursConfig (copied there by
calendars 0001), so sla.BusinessHoursConfig goes.

`sla.policy_changed` meant two things: a conversation moved to another policy (it has a
conversation) and, from the old save_policy, an administrator's edit (no conversation).
The first becomes sla.conversation_policy_changed, the second, like the old
sla.policy_created, becomes sla.policy_saved (the one kind for a policy saved)."""

from django.db import migrations


def forwards(apps, schema_editor):
    events = apps.get_model("core", "Event").objects
    events.filter(kind="sla.policy_changed", conversation__isnull=False).update(
        kind="sla.conversation_policy_changed"
    )
    for kind, created in (("sla.policy_changed", False), ("sla.policy_created", True)):
        for event in events.filter(kind=kind, conversation__isnull=True):
            event.kind = "sla.policy_saved"
            event.data = {"created": created, "changed": [], **event.data}
            event.save(update_fields=["kind", "data"])


def backwards(apps, schema_editor):
    events = apps.get_model("core", "Event").objects
    events.filter(kind="sla.conversation_policy_changed").update(kind="sla.policy_changed")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_squashed_0002_pendingevent"),
        ("sla", "0001_squashed_0005_outcomes"),
        # Its rows are copied there first.
        ("calendars", "0001_working_hours"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="BusinessHoursConfig"),
    ]
