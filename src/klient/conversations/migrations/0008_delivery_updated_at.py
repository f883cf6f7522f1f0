"""Delivery.updated_at: when a delivery's state last changed (the API's delivery.updated_at).
Existing rows get their last known change: sent_at if they were sent, else created_at."""

import django.utils.timezone
from django.db import migrations, models
from django.db.models.functions import Coalesce


def backfill(apps, schema_editor):
    Delivery = apps.get_model("conversations", "Delivery")
    Delivery.objects.update(updated_at=Coalesce("sent_at", "created_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("conversations", "0001_squashed_0007_team_language_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="delivery",
            name="updated_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
