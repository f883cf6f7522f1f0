"""Full-text search over conversations, each searched as a whole.

A conversation's document holds its subject and what every message in it says, so the
words of a search may occur in different messages ("faktura" in the question, "korekta"
in a note), and an excluded word (-word) excludes the conversation. The document grows
with each message, in the transaction that stores the message (receive, reply, note and
acknowledgement call `index_messages`; there are no signals); on SQLite it is kept as one
row per message and assembled by the query. Only the first
MAX_MESSAGE_TEXT characters of a message are indexed, and a document that has reached
PostgreSQL's size limit for a tsvector (1 MB) stops growing rather than failing the
message that was being stored.

The table is created by migration 0006 for the database in use:

- PostgreSQL: `conversations_search(conversation_id, team_id, assignee_id, document
  tsvector)` with a GIN index on the document. Each message's words go through the text
  search configuration of its language (english, french, german; `simple` for Polish,
  Ukrainian and anything else, which PostgreSQL has no stemmer for). A query is
  `websearch_to_tsquery` in every one of those configurations, OR-ed, so "Rechnung"
  finds "Rechnungen" in a German message and "faktura" finds "faktura" in a Polish one.
  Every lexeme carries the conversation's team ("t4.faktura"), so a search inside an
  agent's teams is one GIN lookup of those teams' words; the team (and the assignee)
  follow the conversation through a trigger, whatever code changes them. See
  docs/decisions/0006-search-per-conversation.md and `klient.conversations.queries`,
  which chooses how to page through matches.
- SQLite (embedded mode): an FTS5 virtual table with a row per message (rowid: the
  message's id) naming its conversation, with the `unicode61 remove_diacritics 2`
  tokenizer: case and diacritics never matter, and each word is matched as a prefix,
  which stands in for stemming ("faktur" finds "fakturę"). Rows are only ever inserted
  (cheap for embedded ingest); a query looks up each word and intersects the
  conversations, so the semantics are those of a document per conversation.
"""

# SQL is built from constants only (the table name, the configuration names); every value
# an agent types is a query parameter.
# ruff: noqa: S608, S611

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models.expressions import RawSQL

from klient.core import bulk

from .models import Message

TABLE = "conversations_search"
# Message language -> PostgreSQL text search configuration. Only built-in configurations:
# PostgreSQL has no Polish or Ukrainian stemmer, so those use `simple` (lower-case words).
CONFIG_FOR_LANGUAGE = {"en": "english", "fr": "french", "de": "german"}
DEFAULT_CONFIG = "simple"
QUERY_CONFIGS = (DEFAULT_CONFIG, *sorted(set(CONFIG_FOR_LANGUAGE.values())))
MAX_QUERY = 200
# A pasted log or a base64 blob must not make a message unstorable: a tsvector is capped
# at 1 MB, and 100,000 characters of any text stay well below it.
MAX_MESSAGE_TEXT = 100_000
_WORD = re.compile(r'(-?)(?:"([^"]*)"|([^\s"]+))', re.UNICODE)
_TOKEN = re.compile(r"\w+", re.UNICODE)
# Nobody searches for a base64 blob or a 300-character URL, and a lexeme must stay well
# below PostgreSQL's 2 KB limit once it carries its team.
LONGEST_WORD = 200
_OVERLONG = re.compile(rf"\S{{{LONGEST_WORD + 1},}}")


def config_for(language: str) -> str:
    """The text search configuration of a message written in `language` ("pt-BR", "fr")."""
    return CONFIG_FOR_LANGUAGE.get(language.lower().split("-")[0], DEFAULT_CONFIG)


def document_text(message: Message) -> str:
    """What a message contributes to its conversation's document: its subject, what it
    adds (its whole text when nothing was told apart as new) and, when a customer wrote
    it, their name, address and address domain (so "Zielińska" or "pracownia.example"
    find their conversations)."""
    parts = [message.subject, message.new_text.strip() or message.body_text]
    if message.sender == Message.Sender.CUSTOMER and message.from_address:
        domain = message.from_address.rpartition("@")[2]
        parts += [message.from_name, message.from_address, domain]
    text = "\n".join(part for part in parts if part)[:MAX_MESSAGE_TEXT]
    return _OVERLONG.sub(" ", text)


# --- writing ---------------------------------------------------------------------------


def index_messages(messages: Iterable[Message]) -> None:
    """Add these stored messages' words to their conversations' documents, in one
    statement (one per conversation on SQLite).

    Call it inside the transaction that writes the messages, so both commit together.
    Each message is added once: indexing it again would count its words twice (harmless
    for matching, but `rebuild_index` is the way to start over)."""
    rows = [
        (m.pk, m.conversation_id, config_for(m.language), document_text(m))
        for m in messages
        if m.pk is not None
    ]
    if not rows:
        return
    if connection.vendor == "postgresql":
        ids, conversations, configs, texts = (list(column) for column in zip(*rows, strict=True))
        # Bound in binary on the server: message bodies are not quoted in Python.
        bulk.execute(
            f"""INSERT INTO {TABLE} AS s (conversation_id, team_id, assignee_id, document)
            SELECT u.c, conv.team_id, conv.assignee_id, klient_search_agg(
                klient_search_tag(to_tsvector(u.cfg::regconfig, u.t), conv.team_id)
                ORDER BY u.m)
            FROM unnest(%b::bigint[], %b::bigint[], %b::text[], %b::text[]) AS u(m, c, cfg, t)
            JOIN conversations_conversation conv ON conv.id = u.c
            GROUP BY u.c, conv.team_id, conv.assignee_id
            ON CONFLICT (conversation_id)
            DO UPDATE SET document = klient_search_append(s.document, EXCLUDED.document)""",
            [ids, conversations, configs, texts],
        )
        return
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            ids = [row[0] for row in rows]
            cursor.execute(
                f"DELETE FROM {TABLE} WHERE rowid IN ({', '.join('%s' for _ in ids)})", ids
            )
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, conversation_id, body) VALUES (%s, %s, %s)",
                [(pk, conversation, text) for pk, conversation, _cfg, text in rows],
            )


def forget_message(message: Message) -> None:
    """Take a message that is being deleted (a reply undone before it was sent) out of its
    conversation's document. On PostgreSQL the document is one tsvector, so it is built
    again from the conversation's other messages; on SQLite the message has its own row."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {TABLE} WHERE conversation_id = %s", [message.conversation_id]
            )
        index_messages(
            Message.objects.filter(conversation_id=message.conversation_id)
            .exclude(pk=message.pk)
            .order_by("id")
        )
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE rowid = %s", [message.pk])


def merge_documents(source_id: int, survivor_id: int) -> None:
    """The survivor of a merge is found by everything the source said; the source (closed
    and read-only) no longer has a document of its own."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {TABLE} AS s (conversation_id, team_id, assignee_id, document)
                SELECT conv.id, conv.team_id, conv.assignee_id,
                       klient_search_retag(src.document, conv.team_id)
                FROM {TABLE} src JOIN conversations_conversation conv ON conv.id = %s
                WHERE src.conversation_id = %s
                ON CONFLICT (conversation_id)
                DO UPDATE SET document = klient_search_append(s.document, EXCLUDED.document)""",
                [survivor_id, source_id],
            )
            cursor.execute(f"DELETE FROM {TABLE} WHERE conversation_id = %s", [source_id])
    elif connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {TABLE} SET conversation_id = %s WHERE conversation_id = %s",
                [survivor_id, source_id],
            )


def rebuild_index() -> int:
    """Build every conversation's document again from its messages (after a restore, or
    for the benchmark); returns how many conversations have a document."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        if connection.vendor == "postgresql":
            cases = " ".join(
                f"WHEN '{code}' THEN '{cfg}'" for code, cfg in CONFIG_FOR_LANGUAGE.items()
            )
            # The same text as document_text(), built by the server.
            cursor.execute(
                f"""INSERT INTO {TABLE} (conversation_id, team_id, assignee_id, document)
                SELECT conv.id, conv.team_id, conv.assignee_id,
                       klient_search_tag(d.document, conv.team_id)
                FROM (
                    SELECT m.conversation_id, klient_search_agg(to_tsvector(
                        (CASE lower(split_part(m.language, '-', 1)) {cases}
                         ELSE '{DEFAULT_CONFIG}' END)::regconfig,
                        regexp_replace(left(concat_ws(E'\\n', NULLIF(m.subject, ''),
                            COALESCE(NULLIF(btrim(m.new_text), ''), m.body_text),
                            CASE WHEN m.sender = 'customer' AND m.from_address <> '' THEN
                                concat_ws(E'\\n', NULLIF(m.from_name, ''), m.from_address,
                                          split_part(m.from_address, '@', 2))
                            END), {MAX_MESSAGE_TEXT}), '\\S{{{LONGEST_WORD + 1},}}', ' ', 'g')
                        ) ORDER BY m.id) AS document
                    FROM conversations_message m
                    GROUP BY m.conversation_id
                ) d
                JOIN conversations_conversation conv ON conv.id = d.conversation_id"""
            )
            return cursor.rowcount
    count = 0
    batch: list[Message] = []
    for message in (
        Message.objects.only(
            "id",
            "conversation_id",
            "language",
            "subject",
            "new_text",
            "body_text",
            "sender",
            "from_name",
            "from_address",
        )
        .order_by("conversation_id", "id")
        .iterator(chunk_size=2000)
    ):
        batch.append(message)
        if len(batch) == 2000:
            count += _count_conversations(batch)
            index_messages(batch)
            batch = []
    count += _count_conversations(batch)
    index_messages(batch)
    return count


def _count_conversations(messages: Sequence[Message]) -> int:
    return len({m.conversation_id for m in messages})


# --- reading ---------------------------------------------------------------------------


def fts5_terms(text: str) -> tuple[list[str], list[str]]:
    """Safe FTS5 queries from what an agent typed, with websearch-like rules: (the terms
    that must occur, those that must not). A word is matched as a prefix, "quoted words"
    as a phrase. Only letters and digits reach FTS5, each inside double quotes, so no
    syntax gets through."""
    wanted: list[str] = []
    unwanted: list[str] = []
    for minus, phrase, word in _WORD.findall(text[:MAX_QUERY]):
        tokens = _TOKEN.findall(phrase if phrase else word)
        if not tokens:
            continue
        term = f'"{" ".join(tokens)}"' if phrase else " AND ".join(f'"{t}"*' for t in tokens)
        (unwanted if minus and not phrase else wanted).append(term)
    return (wanted, unwanted) if wanted else ([], [])


def _fts5_conversations(text: str) -> tuple[str, list[Any]]:
    """The ids of conversations whose messages, together, hold every wanted term and none
    of the unwanted ones (the rows are per message: each term is looked up, then the
    conversations are intersected)."""
    wanted, unwanted = fts5_terms(text)
    one = f"SELECT conversation_id FROM {TABLE} WHERE {TABLE} MATCH %s"
    sql = " INTERSECT ".join(one for _ in wanted)
    if unwanted:
        sql += "".join(f" EXCEPT {one}" for _ in unwanted)
    return f"SELECT conversation_id FROM ({sql})", [*wanted, *unwanted]


@dataclass(frozen=True)
class Scope:
    """Where a search looks: the conversations of `teams` (0 stands for "no team") and
    those assigned to `assignee_id` in other teams. It only narrows what the index
    proposes: the inbox applies the real access rules (klient.conversations.access)."""

    teams: tuple[int, ...] = ()
    assignee_id: int | None = None
    everywhere: bool = False


def has_words(text: str) -> bool:
    """Whether `text` holds anything to look for (typed syntax alone does not)."""
    text = text[:MAX_QUERY]
    if connection.vendor == "sqlite":
        return bool(fts5_terms(text)[0])
    return bool(_TOKEN.search(text))


def _query(text: str, teams: str) -> tuple[str, list[Any]]:
    """`document @@ …` for `text` in conversations of the teams `teams` (SQL of a bigint[]
    or a %s placeholder for one): the query in every configuration, copied per team."""
    text = text[:MAX_QUERY]
    either = " || ".join(f"websearch_to_tsquery('{cfg}', %s)" for cfg in QUERY_CONFIGS)
    return f"document @@ klient_search_scoped({either}, {teams})", [text] * len(QUERY_CONFIGS)


def _every_team() -> list[int]:
    from klient.people.models import Team

    return [0, *Team.objects.values_list("pk", flat=True)]


def matching_conversation_ids(text: str, scope: Scope) -> RawSQL | None:
    """A subquery of the ids of conversations in `scope` matching `text` (or, on SQLite,
    anywhere: the inbox's own scope rules narrow it); None when there is no word."""
    if not has_words(text):
        return None
    if connection.vendor == "postgresql":
        teams = _every_team() if scope.everywhere else list(scope.teams)
        condition, params = _query(text, "%s::bigint[]")
        sql = f"SELECT conversation_id FROM {TABLE} WHERE {condition}"
        params.append(teams)
        if not scope.everywhere and scope.assignee_id is not None:
            assigned, more = _query(text, "ARRAY[team_id]")
            sql += (
                f" UNION ALL SELECT conversation_id FROM {TABLE} WHERE assignee_id = %s"
                f" AND team_id <> ALL(%s::bigint[]) AND {assigned}"
            )
            params += [scope.assignee_id, list(scope.teams), *more]
        return RawSQL(sql, params)
    if connection.vendor == "sqlite":
        sql, params = _fts5_conversations(text)
        return RawSQL(sql, params)
    return None


def matches_in_scope(text: str, scope: Scope, *, at_most: int) -> list[int] | None:
    """The ids of conversations in `scope` matching `text`, if there are fewer than
    `at_most`; None when there are more. One GIN lookup of the scope's teams' words, then
    a check of each conversation assigned to the agent in another team (read from the
    (assignee, team, conversation) index alone)."""
    if not has_words(text):
        return []
    condition, params = _query(text, "%s::bigint[]")
    teams = _every_team() if scope.everywhere else list(scope.teams)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT conversation_id FROM {TABLE} WHERE {condition} LIMIT %s",
            [*params, teams, at_most],
        )
        found = {row[0] for row in cursor.fetchall()}
        if len(found) >= at_most:
            return None
        if scope.everywhere or scope.assignee_id is None:
            return sorted(found)
        cursor.execute(
            f"SELECT conversation_id, team_id FROM {TABLE} "
            "WHERE assignee_id = %s AND team_id <> ALL(%s::bigint[]) LIMIT %s",
            [scope.assignee_id, list(scope.teams), at_most],
        )
        elsewhere = cursor.fetchall()
    if len(elsewhere) >= at_most:
        return None
    found |= matches_among(text, elsewhere)
    return None if len(found) >= at_most else sorted(found)


def matches_among(text: str, candidates: Sequence[tuple[int, int | None]]) -> set[int]:
    """Which of these conversations (id, team id) match `text`: each is looked up by its
    id and its document checked, so the cost follows the number of candidates, however
    common the words are."""
    if not candidates or not has_words(text):
        return set()
    ids = [pk for pk, _team in candidates]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            teams = sorted({team or 0 for _pk, team in candidates})
            condition, params = _query(text, "%s::bigint[]")
            cursor.execute(
                f"SELECT conversation_id FROM {TABLE} "
                f"WHERE conversation_id = ANY(%s::bigint[]) AND {condition}",
                [ids, *params, teams],
            )
        else:
            sql, params = _fts5_conversations(text)
            cursor.execute(
                f"{sql} WHERE conversation_id IN ({', '.join('%s' for _ in ids)})",
                [*params, *ids],
            )
        return {row[0] for row in cursor.fetchall()}


def search_conversations(text: str) -> list[int]:
    """Ids of conversations matching `text` (newest first, at most 100), for tests and
    tools; no access rules."""
    ids = matching_conversation_ids(text, Scope(everywhere=True))
    if ids is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM ({ids.sql}) AS found ORDER BY 1 DESC LIMIT 100", ids.params)
        return [row[0] for row in cursor.fetchall()]
