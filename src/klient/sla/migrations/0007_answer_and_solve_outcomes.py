"""Answer-and-solve outcomes corrected. Until now a reply sent with "Then set status to:
Solved" had its first (or next) reply recorded as cancelled by the solve, because the
reply is delivered after it. The clock now waits for that reply's delivery; this
recomputes the recorded outcomes from the events (`backfill_outcomes`: idempotent, it
neither changes the clock state nor appends events). Like 0005 it runs the current clock
code, so on a database where that fails it is skipped with a warning, and
`klient.sla.actions.backfill_outcomes()` can be run afterwards."""

import logging

from django.db import DatabaseError, migrations, transaction

logger = logging.getLogger(__name__)


def correct(apps, schema_editor):
    started = apps.get_model("sla", "ConversationSla").objects.filter(started_at__isnull=False)
    if not started.exists():
        return
    from klient.sla.actions import backfill_outcomes

    try:
        with transaction.atomic():
            backfill_outcomes()
    except DatabaseError:
        logger.warning("SLA outcomes not corrected; run klient.sla.actions.backfill_outcomes()")


class Migration(migrations.Migration):
    dependencies = [("sla", "0006_business_hours_moved_and_policy_kinds_split")]

    operations = [migrations.RunPython(correct, migrations.RunPython.noop)]
