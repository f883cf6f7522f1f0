"""One search document per conversation (klient.conversations.search; decision 0006).

PostgreSQL: the document table with the conversation's team and assignee, kept by a
trigger; every lexeme carries the team (`klient_search_tag`, `klient_search_scoped`); `klient_search_append` concatenates two documents and keeps the first alone when
the result would pass PostgreSQL's 1 MB limit for a tsvector (a message must never fail
to be stored because its conversation is long); `klient_search_agg` folds many messages'
vectors with it. SQLite: an FTS5 table with a row per message, naming its conversation.
Both are then filled from the stored messages."""

# SQL from constants only.
# ruff: noqa: S608

from django.db import migrations

POSTGRESQL = [
    "DROP TABLE IF EXISTS conversations_search",
    """CREATE TABLE conversations_search (
        conversation_id bigint PRIMARY KEY,
        team_id bigint,
        assignee_id bigint,
        document tsvector NOT NULL
    )""",
]
# Every lexeme of a document carries its conversation's team: "faktura" is stored as
# "t4.faktura" ("t0." without a team), so one GIN lookup answers "in these teams". The
# text form of a tsvector or tsquery quotes every lexeme (doubling the quotes inside) and
# nothing else, so the pattern below matches exactly the lexemes. No indexed word is over
# 200 characters (klient.conversations.search), so a prefix never pushes a lexeme past
# PostgreSQL's 2 KB limit.
POSTGRESQL_FUNCTIONS = [
    r"""CREATE FUNCTION klient_search_tag(v tsvector, team bigint) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
        SELECT regexp_replace(v::text, $re$'((?:[^']|'')*)'$re$,
                              $r$'t$r$ || COALESCE(team, 0) || $r$.\1'$r$, 'g')::tsvector
    $fn$""",
    r"""CREATE FUNCTION klient_search_retag(v tsvector, team bigint) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
        SELECT regexp_replace(v::text, $re$'t[0-9]*\.((?:[^']|'')*)'$re$,
                              $r$'t$r$ || COALESCE(team, 0) || $r$.\1'$r$, 'g')::tsvector
    $fn$""",
    # The query for conversations of these teams (0: without a team): a copy per team.
    r"""CREATE FUNCTION klient_search_scoped(q tsquery, teams bigint[]) RETURNS tsquery
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
        SELECT CASE WHEN numnode(q) = 0 OR COALESCE(cardinality(teams), 0) = 0
                    THEN ''::tsquery
        ELSE (
            SELECT string_agg('(' || regexp_replace(q::text, $re$'((?:[^']|'')*)'$re$,
                                                    $r$'t$r$ || team || $r$.\1'$r$, 'g')
                              || ')', ' | ')
            FROM unnest(teams) AS team
        )::tsquery END
    $fn$""",
    """CREATE FUNCTION klient_search_append(a tsvector, b tsvector) RETURNS tsvector
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
    BEGIN
        RETURN a || b;
    EXCEPTION WHEN program_limit_exceeded THEN
        RETURN a;
    END
    $$""",
    """CREATE AGGREGATE klient_search_agg(tsvector) (
        SFUNC = klient_search_append, STYPE = tsvector, INITCOND = ''
    )""",
    """CREATE FUNCTION klient_search_follow() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE conversations_search
        SET team_id = NEW.team_id,
            assignee_id = NEW.assignee_id,
            document = CASE WHEN OLD.team_id IS DISTINCT FROM NEW.team_id
                            THEN klient_search_retag(document, NEW.team_id)
                            ELSE document END
        WHERE conversation_id = NEW.id;
        RETURN NULL;
    END
    $$""",
    """CREATE TRIGGER conversations_search_follow
    AFTER UPDATE OF team_id, assignee_id ON conversations_conversation
    FOR EACH ROW
    WHEN (OLD.team_id IS DISTINCT FROM NEW.team_id
          OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id)
    EXECUTE FUNCTION klient_search_follow()""",
]
POSTGRESQL_INDEXES = [
    "CREATE INDEX conversations_search_document ON conversations_search USING GIN (document)",
    # Conversations assigned to an agent outside their teams (klient.conversations.search).
    "CREATE INDEX conversations_search_assignee "
    "ON conversations_search (assignee_id, team_id, conversation_id)",
]
POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS conversations_search_follow ON conversations_conversation",
    "DROP FUNCTION IF EXISTS klient_search_follow()",
    "DROP AGGREGATE IF EXISTS klient_search_agg(tsvector)",
    "DROP FUNCTION IF EXISTS klient_search_append(tsvector, tsvector)",
    "DROP FUNCTION IF EXISTS klient_search_scoped(tsquery, bigint[])",
    "DROP FUNCTION IF EXISTS klient_search_retag(tsvector, bigint)",
    "DROP FUNCTION IF EXISTS klient_search_tag(tsvector, bigint)",
    "DROP TABLE IF EXISTS conversations_search",
]
# SQLite keeps a row per message (cheap to write in embedded mode); the query assembles
# each conversation from its messages' rows.
SQLITE = [
    "DROP TABLE IF EXISTS conversations_search",
    """CREATE VIRTUAL TABLE conversations_search USING fts5(
        body, conversation_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2'
    )""",
]

MESSAGE_TEXT = """concat_ws(E'\\n', NULLIF(subject, ''),
    COALESCE(NULLIF(trim(new_text), ''), body_text))"""
PER_MESSAGE_POSTGRESQL = [
    """CREATE TABLE conversations_search (
        message_id bigint PRIMARY KEY,
        conversation_id bigint NOT NULL,
        document tsvector NOT NULL
    )""",
    f"""INSERT INTO conversations_search (message_id, conversation_id, document)
    SELECT id, conversation_id, to_tsvector(
        (CASE lower(split_part(language, '-', 1)) WHEN 'en' THEN 'english'
         WHEN 'fr' THEN 'french' WHEN 'de' THEN 'german' ELSE 'simple' END)::regconfig,
        {MESSAGE_TEXT})
    FROM conversations_message""",
    "CREATE INDEX conversations_search_document ON conversations_search USING GIN (document)",
    "CREATE INDEX conversations_search_conversation ON conversations_search (conversation_id)",
]
PER_MESSAGE_SQLITE = [
    "DROP TABLE IF EXISTS conversations_search",
    """CREATE VIRTUAL TABLE conversations_search USING fts5(
        body, conversation_id UNINDEXED, tokenize = 'unicode61 remove_diacritics 2'
    )""",
    """INSERT INTO conversations_search (rowid, conversation_id, body)
    SELECT id, conversation_id, COALESCE(NULLIF(subject, '') || char(10), '')
        || COALESCE(NULLIF(trim(new_text), ''), body_text)
    FROM conversations_message""",
]


def create(apps, schema_editor):
    from klient.conversations.search import rebuild_index

    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in [*POSTGRESQL, *POSTGRESQL_FUNCTIONS]:
            schema_editor.execute(statement)
        rebuild_index()  # before the indexes: building them once is faster
        for statement in POSTGRESQL_INDEXES:
            schema_editor.execute(statement)
        schema_editor.execute("ANALYZE conversations_search")
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)
        rebuild_index()


def drop(apps, schema_editor):
    """Back to migration 0003's per-message table, filled again."""
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in [*POSTGRESQL_DROP, *PER_MESSAGE_POSTGRESQL]:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        for statement in PER_MESSAGE_SQLITE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("conversations", "0005_waiting_index")]

    operations = [migrations.RunPython(create, drop)]
