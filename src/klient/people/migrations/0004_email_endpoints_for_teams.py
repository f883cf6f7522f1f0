"""Every existing team gets an email endpoint for its inbound address, and every existing
identity counts as verified (they were all trusted as they are)."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def forwards(apps, schema_editor):
    team_model = apps.get_model("people", "Team")
    endpoint_model = apps.get_model("people", "Endpoint")
    identity_model = apps.get_model("people", "Identity")
    customer_model = apps.get_model("people", "Customer")
    endpoint_model.objects.bulk_create(
        [
            endpoint_model(team_id=pk, kind="email", value=address.strip().lower())
            for pk, address in team_model.objects.values_list("pk", "inbound_address")
        ],
        ignore_conflicts=True,
    )
    identity_model.objects.filter(verified_at__isnull=True).update(
        verified_at=Subquery(
            customer_model.objects.filter(pk=OuterRef("customer_id")).values("created_at")[:1]
        )
    )


def backwards(apps, schema_editor):
    apps.get_model("people", "Endpoint").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0003_endpoints_identities_and_absences"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
