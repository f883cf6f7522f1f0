"""Full-text search over conversations' subjects and messages.

One search row per message, kept in sync by the code that writes messages (receive,
reply, note, acknowledgement call `index_messages` inside their own transaction; there are
no signals). The table is created by migration 0003 for the database in use:

- PostgreSQL: `conversations_search(message_id, conversation_id, document tsvector)` with a
  GIN index. A message's document is built with the text search configuration of its
  language (english, french, german; `simple` for Polish, Ukrainian and anything else,
  which PostgreSQL has no stemmer for). A query is `websearch_to_tsquery` in every one of
  those configurations, OR-ed, so "Rechnung" finds "Rechnungen" in a German message and
  "faktura" finds "faktura" in a Polish one.
- SQLite (embedded mode): an FTS5 virtual table with the `unicode61 remove_diacritics 2`
  tokenizer: case and diacritics never matter, and each word is matched as a prefix,
  which stands in for stemming ("faktur" finds "fakturę").
"""

# SQL is built from constants only (the table name, the configuration names); every value
# an agent types is a query parameter.
# ruff: noqa: S608, S611

from __future__ import annotations

import re
from collections.abc import Iterable

from django.db import connection
from django.db.models import Q
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
_WORD = re.compile(r'(-?)(?:"([^"]*)"|([^\s"]+))', re.UNICODE)
_TOKEN = re.compile(r"\w+", re.UNICODE)


def config_for(language: str) -> str:
    """The text search configuration of a message written in `language` ("pt-BR", "fr")."""
    return CONFIG_FOR_LANGUAGE.get(language.lower().split("-")[0], DEFAULT_CONFIG)


def document_text(message: Message) -> str:
    """What a message contributes to search: its subject, what it adds (its whole text when
    nothing was told apart as new) and, when a customer wrote it, their name, address and
    address domain (so "Zielińska" or "pracownia.example" find their conversations)."""
    parts = [message.subject, message.new_text.strip() or message.body_text]
    if message.sender == Message.Sender.CUSTOMER and message.from_address:
        domain = message.from_address.rpartition("@")[2]
        parts += [message.from_name, message.from_address, domain]
    return "\n".join(part for part in parts if part)


# --- writing ---------------------------------------------------------------------------


def index_messages(messages: Iterable[Message]) -> None:
    """Add (or refresh) the search rows of these stored messages, in one statement.

    Call it inside the transaction that writes the messages, so both commit together."""
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
            f"""INSERT INTO {TABLE} (message_id, conversation_id, document)
            SELECT m, c, to_tsvector(cfg::regconfig, t)
            FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[]) AS u(m, c, cfg, t)
            ON CONFLICT (message_id) DO UPDATE SET document = EXCLUDED.document""",
            [ids, conversations, configs, texts],
        )
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            ids = [row[0] for row in rows]
            cursor.execute(
                f"DELETE FROM {TABLE} WHERE rowid IN ({', '.join('%s' for _ in ids)})", ids
            )
            cursor.executemany(
                f"INSERT INTO {TABLE} (rowid, conversation_id, body) VALUES (%s, %s, %s)",
                [(pk, conversation, text) for pk, conversation, _cfg, text in rows],
            )


def rebuild_index() -> int:
    """Index every message again from scratch (after a restore, or for the benchmark);
    returns how many messages are indexed."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        if connection.vendor == "postgresql":
            cases = " ".join(
                f"WHEN '{code}' THEN '{cfg}'" for code, cfg in CONFIG_FOR_LANGUAGE.items()
            )
            cursor.execute(
                f"""INSERT INTO {TABLE} (message_id, conversation_id, document)
                SELECT id, conversation_id, to_tsvector(
                    (CASE lower(split_part(language, '-', 1)) {cases}
                     ELSE '{DEFAULT_CONFIG}' END)::regconfig,
                    concat_ws(E'\\n', NULLIF(subject, ''),
                        COALESCE(NULLIF(btrim(new_text), ''), body_text),
                        CASE WHEN sender = 'customer' AND from_address <> '' THEN
                            concat_ws(E'\\n', NULLIF(from_name, ''), from_address,
                                      split_part(from_address, '@', 2))
                        END))
                FROM conversations_message"""
            )
            return cursor.rowcount
    count = 0
    batch: list[Message] = []
    for message in Message.objects.only(
        "id",
        "conversation_id",
        "language",
        "subject",
        "new_text",
        "body_text",
        "sender",
        "from_name",
        "from_address",
    ).iterator(chunk_size=2000):
        batch.append(message)
        if len(batch) == 2000:
            index_messages(batch)
            count, batch = count + len(batch), []
    index_messages(batch)
    return count + len(batch)


# --- reading ---------------------------------------------------------------------------


def fts5_query(text: str) -> str:
    """A safe FTS5 query from what an agent typed, with websearch-like rules: words must
    all occur (as prefixes), "quoted words" as a phrase, -word must not occur. Only
    letters and digits reach FTS5, each inside double quotes, so no syntax gets through."""
    wanted: list[str] = []
    unwanted: list[str] = []
    for minus, phrase, word in _WORD.findall(text[:MAX_QUERY]):
        tokens = _TOKEN.findall(phrase if phrase else word)
        if not tokens:
            continue
        term = f'"{" ".join(tokens)}"' if phrase else " AND ".join(f'"{t}"*' for t in tokens)
        (unwanted if minus and not phrase else wanted).append(term)
    if not wanted:
        return ""
    query = " AND ".join(f"({t})" for t in wanted)
    for term in unwanted:
        query = f"({query}) NOT ({term})"
    return query


def matching_conversation_ids(text: str) -> RawSQL | None:
    """A subquery of the ids of conversations with a message matching `text`; None when
    the text holds no word to look for (or the database has no search table)."""
    text = text[:MAX_QUERY]
    if connection.vendor == "postgresql":
        if not _TOKEN.search(text):
            return None
        query = " || ".join(f"websearch_to_tsquery('{cfg}', %s)" for cfg in QUERY_CONFIGS)
        return RawSQL(
            f"SELECT conversation_id FROM {TABLE} WHERE document @@ ({query})",
            [text] * len(QUERY_CONFIGS),
        )
    if connection.vendor == "sqlite":
        query = fts5_query(text)
        if not query:
            return None
        return RawSQL(f"SELECT conversation_id FROM {TABLE} WHERE {TABLE} MATCH %s", [query])
    return None


# Up to this many matching messages, search hands the inbox a list of conversation ids;
# beyond, a subquery (see text_condition).
FEW_MATCHES = 2000


def text_condition(text: str) -> Q:
    """Conversations whose subject or messages match `text` (nothing when it has no word).

    On PostgreSQL a cheap probe first asks for a few matches: rare words come back as a
    short list of ids (the GIN index finds them; the inbox then sorts a handful of rows),
    common words as a subquery that the inbox checks row by row while it walks its own
    index in order (it meets enough matches early). Either plan alone is slow for the
    other kind of word."""
    ids = matching_conversation_ids(text)
    if ids is None:
        return Q(pk__in=[])
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"{ids.sql} LIMIT %s", [*ids.params, FEW_MATCHES])
            rows = cursor.fetchall()
        if len(rows) < FEW_MATCHES:  # every match is there: a short, exact list
            return Q(pk__in=sorted({row[0] for row in rows}))
    return Q(pk__in=ids)


def search_messages(text: str) -> list[int]:
    """Ids of messages matching `text` (newest first, at most 100), for tests and tools."""
    text = text[:MAX_QUERY]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            query = " || ".join(f"websearch_to_tsquery('{cfg}', %s)" for cfg in QUERY_CONFIGS)
            cursor.execute(
                f"SELECT message_id FROM {TABLE} WHERE document @@ ({query}) "
                "ORDER BY message_id DESC LIMIT 100",
                [text] * len(QUERY_CONFIGS),
            )
        else:
            query = fts5_query(text)
            if not query:
                return []
            cursor.execute(
                f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s ORDER BY rowid DESC LIMIT 100",
                [query],
            )
        return [row[0] for row in cursor.fetchall()]
