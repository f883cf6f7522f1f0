"""An index for the "waiting on us" inbox view: unanswered conversations, longest waiting
first (klient.sla.inbox.BY_DUE_TIME reads those without a due time in this order)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("conversations", "0004_conversation_merged_into")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS conv_waiting ON conversations_conversation "
            "(waiting_since, id) WHERE waiting_since IS NOT NULL",
            "DROP INDEX IF EXISTS conv_waiting",
        ),
    ]
