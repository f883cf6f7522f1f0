"""Conversations up to 0007, squashed (decision 0014): the released migrations 0001–0007
as one, for new databases. A database that applied all of them records this one as
applied and moves on; the data steps of the originals had nothing to do on a new one.

Search (klient.conversations.search; decision 0006): one document per conversation on
PostgreSQL (with its team's tagged lexemes, kept by a trigger), an FTS5 table with a row
per message on SQLite. The inbox's language filter has its index (and, on PostgreSQL, the
team/language statistics)."""

# SQL from constants only.
# ruff: noqa: S608

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

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

INDEX = (
    "CREATE INDEX IF NOT EXISTS conv_team_language ON conversations_conversation "
    "(team_id, upper(language), id)"
)
STATISTICS = (
    "CREATE STATISTICS IF NOT EXISTS conv_team_language_stats (mcv) "
    "ON team_id, upper(language::text) FROM conversations_conversation"
)


def create_search(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in [*POSTGRESQL, *POSTGRESQL_FUNCTIONS, *POSTGRESQL_INDEXES]:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)


def drop_search(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for statement in POSTGRESQL_DROP:
            schema_editor.execute(statement)
    elif vendor == "sqlite":
        schema_editor.execute("DROP TABLE IF EXISTS conversations_search")


def create_language_index(apps, schema_editor):
    schema_editor.execute(INDEX)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(STATISTICS)


def drop_language_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP STATISTICS IF EXISTS conv_team_language_stats")
    schema_editor.execute("DROP INDEX IF EXISTS conv_team_language")


class Migration(migrations.Migration):
    replaces = [
        ("conversations", "0001_initial"),
        ("conversations", "0002_tag_conversation_tags"),
        ("conversations", "0003_search"),
        ("conversations", "0004_conversation_merged_into"),
        ("conversations", "0005_waiting_index"),
        ("conversations", "0006_search_per_conversation"),
        ("conversations", "0007_team_language_index"),
    ]

    initial = True

    dependencies = [
        ("people", "0001_squashed_0002_team_lead"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Conversation",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("subject", models.CharField(blank=True, max_length=500)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("new", "New"),
                            ("open", "Open"),
                            ("pending", "Pending (waiting on customer)"),
                            ("on_hold", "On hold"),
                            ("solved", "Solved"),
                            ("closed", "Closed"),
                        ],
                        default="new",
                        max_length=10,
                    ),
                ),
                (
                    "priority",
                    models.CharField(
                        choices=[
                            ("low", "Low"),
                            ("normal", "Normal"),
                            ("high", "High"),
                            ("urgent", "Urgent"),
                        ],
                        default="normal",
                        max_length=10,
                    ),
                ),
                (
                    "channel",
                    models.CharField(
                        choices=[
                            ("email", "Email"),
                            ("web", "Web form"),
                            ("chat", "Live chat"),
                            ("phone", "Phone"),
                        ],
                        default="email",
                        max_length=10,
                    ),
                ),
                ("language", models.CharField(blank=True, max_length=8)),
                ("created_at", models.DateTimeField()),
                ("updated_at", models.DateTimeField()),
                (
                    "waiting_since",
                    models.DateTimeField(
                        blank=True,
                        help_text="When the customer's oldest unanswered message arrived; empty once answered.",
                        null=True,
                    ),
                ),
                ("last_acknowledged_at", models.DateTimeField(blank=True, null=True)),
                (
                    "assignee",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="assigned_conversations",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "customer",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="conversations",
                        to="people.customer",
                    ),
                ),
                (
                    "team",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="conversations",
                        to="people.team",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Message",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("inbound", "Inbound"),
                            ("outbound", "Outbound"),
                            ("note", "Internal note"),
                        ],
                        max_length=10,
                    ),
                ),
                (
                    "sender",
                    models.CharField(
                        choices=[
                            ("customer", "Customer"),
                            ("agent", "Agent"),
                            ("system", "System"),
                        ],
                        max_length=10,
                    ),
                ),
                ("from_address", models.CharField(blank=True, max_length=320)),
                ("from_name", models.CharField(blank=True, max_length=200)),
                ("to", models.JSONField(blank=True, default=list)),
                ("cc", models.JSONField(blank=True, default=list)),
                ("subject", models.CharField(blank=True, max_length=998)),
                (
                    "body_text",
                    models.TextField(
                        blank=True, help_text="The whole plain text, quotes included."
                    ),
                ),
                (
                    "new_text",
                    models.TextField(
                        blank=True, help_text="What this message adds, quotes removed."
                    ),
                ),
                (
                    "body_html",
                    models.TextField(
                        blank=True, help_text="Sanitised HTML; remote images blocked."
                    ),
                ),
                (
                    "raw_blob",
                    models.CharField(
                        blank=True, help_text="sha256 of the raw source", max_length=64
                    ),
                ),
                (
                    "message_id",
                    models.CharField(blank=True, max_length=998, null=True, unique=True),
                ),
                ("in_reply_to", models.CharField(blank=True, max_length=998)),
                ("references", models.TextField(blank=True)),
                ("language", models.CharField(blank=True, max_length=8)),
                ("is_auto_reply", models.BooleanField(default=False)),
                ("is_bounce", models.BooleanField(default=False)),
                ("is_bulk", models.BooleanField(default=False)),
                ("has_remote_images", models.BooleanField(default=False)),
                ("created_at", models.DateTimeField()),
                (
                    "author",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="authored_messages",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "conversation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="messages",
                        to="conversations.conversation",
                    ),
                ),
            ],
            options={
                "ordering": ["created_at", "id"],
            },
        ),
        migrations.CreateModel(
            name="Delivery",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("channel", models.CharField(default="email", max_length=10)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("sending", "Sending"),
                            ("sent", "Sent"),
                            ("failed", "Failed"),
                            ("bounced", "Bounced"),
                        ],
                        default="pending",
                        max_length=10,
                    ),
                ),
                ("attempts", models.PositiveIntegerField(default=0)),
                ("next_attempt_at", models.DateTimeField()),
                ("lease_until", models.DateTimeField(blank=True, null=True)),
                ("last_error", models.TextField(blank=True)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField()),
                (
                    "message",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="delivery",
                        to="conversations.message",
                    ),
                ),
            ],
            options={
                "verbose_name_plural": "deliveries",
            },
        ),
        migrations.CreateModel(
            name="Attachment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("filename", models.CharField(max_length=255)),
                (
                    "content_type",
                    models.CharField(default="application/octet-stream", max_length=255),
                ),
                ("size", models.PositiveBigIntegerField()),
                ("blob", models.CharField(help_text="sha256 of the content", max_length=64)),
                ("content_id", models.CharField(blank=True, max_length=255)),
                (
                    "message",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="attachments",
                        to="conversations.message",
                    ),
                ),
            ],
        ),
        migrations.CreateModel(
            name="Participant",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("address", models.CharField(max_length=320)),
                (
                    "conversation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="participants",
                        to="conversations.conversation",
                    ),
                ),
            ],
        ),
        migrations.AddIndex(
            model_name="conversation",
            index=models.Index(fields=["status", "-updated_at", "-id"], name="conv_status_updated"),
        ),
        migrations.AddIndex(
            model_name="conversation",
            index=models.Index(
                fields=["team", "status", "-updated_at", "-id"], name="conv_team_status"
            ),
        ),
        migrations.AddIndex(
            model_name="conversation",
            index=models.Index(
                fields=["assignee", "status", "-updated_at"], name="conv_assignee_status"
            ),
        ),
        migrations.AddIndex(
            model_name="conversation",
            index=models.Index(fields=["customer", "-updated_at"], name="conv_customer"),
        ),
        migrations.AddIndex(
            model_name="conversation",
            index=models.Index(fields=["-updated_at", "-id"], name="conv_updated"),
        ),
        migrations.AddIndex(
            model_name="message",
            index=models.Index(fields=["conversation", "created_at", "id"], name="msg_conv"),
        ),
        migrations.AddIndex(
            model_name="delivery",
            index=models.Index(
                condition=models.Q(("state__in", ["pending", "sending"])),
                fields=["next_attempt_at"],
                name="delivery_due",
            ),
        ),
        migrations.AddConstraint(
            model_name="participant",
            constraint=models.UniqueConstraint(
                fields=("conversation", "address"), name="participant_unique"
            ),
        ),
        migrations.CreateModel(
            name="Tag",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=60, unique=True)),
            ],
            options={
                "ordering": ["name"],
            },
        ),
        migrations.AddField(
            model_name="conversation",
            name="tags",
            field=models.ManyToManyField(
                blank=True, related_name="conversations", to="conversations.tag"
            ),
        ),
        migrations.AddField(
            model_name="conversation",
            name="merged_into",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="merged_from",
                to="conversations.conversation",
            ),
        ),
        migrations.RunSQL(
            sql="CREATE INDEX IF NOT EXISTS conv_waiting ON conversations_conversation (waiting_since, id) WHERE waiting_since IS NOT NULL",
            reverse_sql="DROP INDEX IF EXISTS conv_waiting",
        ),
        migrations.RunPython(create_search, drop_search),
        migrations.RunPython(create_language_index, drop_language_index),
    ]
