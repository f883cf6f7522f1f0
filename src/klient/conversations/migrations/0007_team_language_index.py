"""An index for the inbox's language filter inside an agent's teams
(klient.conversations.queries.in_language): a language these teams rarely get is found
from the index (alone: the id is in it) instead of by walking every conversation in scope.

On PostgreSQL, statistics on team and language together tell the planner which teams get
which languages; without them it assumes every team gets every language, expects a
language to be frequent in any team, and scans the table to collect a few."""

from django.db import migrations

INDEX = (
    "CREATE INDEX IF NOT EXISTS conv_team_language ON conversations_conversation "
    "(team_id, upper(language), id)"
)
STATISTICS = (
    "CREATE STATISTICS IF NOT EXISTS conv_team_language_stats (mcv) "
    "ON team_id, upper(language::text) FROM conversations_conversation"
)


def create(apps, schema_editor):
    schema_editor.execute(INDEX)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(STATISTICS)
        schema_editor.execute("ANALYZE conversations_conversation")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP STATISTICS IF EXISTS conv_team_language_stats")
    schema_editor.execute("DROP INDEX IF EXISTS conv_team_language")


class Migration(migrations.Migration):
    dependencies = [("conversations", "0006_search_per_conversation")]

    operations = [migrations.RunPython(create, drop)]
