"""The first full-text search table, one row per message: a tsvector table with a GIN index
on PostgreSQL, an FTS5 virtual table on SQLite. Migration 0006 replaces it with one
document per conversation and indexes the existing messages."""

from django.db import migrations

POSTGRESQL = [
    """CREATE TABLE conversations_search (
        message_id bigint PRIMARY KEY,
        conversation_id bigint NOT NULL,
        document tsvector NOT NULL
    )""",
    "CREATE INDEX conversations_search_document ON conversations_search USING GIN (document)",
    "CREATE INDEX conversations_search_conversation ON conversations_search (conversation_id)",
]
SQLITE = [
    """CREATE VIRTUAL TABLE conversations_search USING fts5(
        body, conversation_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2'
    )""",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": POSTGRESQL, "sqlite": SQLITE}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor in ("postgresql", "sqlite"):
        schema_editor.execute("DROP TABLE IF EXISTS conversations_search")


class Migration(migrations.Migration):
    dependencies = [("conversations", "0002_tag_conversation_tags")]

    operations = [migrations.RunPython(create, drop)]
