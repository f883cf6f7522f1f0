"""Search documents (klient.conversations.search) of a customer's conversations: deleted,
so no word of what was erased finds them. A tombstone has no text to index; a message
that arrives later is indexed as usual.

On SQLite the FTS5 index keeps a deleted row's words in its segments until they are
merged: klient.privacy.actions.compact_sqlite merges them after the erasure commits."""

# The table name is a constant of klient.conversations.search; values are parameters.
# ruff: noqa: S608

from __future__ import annotations

from typing import Any

from django.db import connection

from klient.conversations.search import TABLE

from ..records import add
from ..scope import Scope


def _where(scope: Scope) -> tuple[str, list[int]]:
    ids = scope.conversation_ids
    return f"conversation_id IN ({', '.join('%s' for _ in ids)})", list(ids)


def export(scope: Scope) -> dict[str, Any]:
    return {}  # an index of the messages' words: the messages themselves are exported


def preview(scope: Scope) -> dict[str, int]:
    if not scope.conversation_ids or connection.vendor not in ("postgresql", "sqlite"):
        return {"search_documents": 0}
    where, params = _where(scope)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE {where}", params)
        return {"search_documents": int(cursor.fetchone()[0])}


def erase(scope: Scope, counts: dict[str, int]) -> None:
    found = preview(scope)["search_documents"]
    if found:
        where, params = _where(scope)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE {where}", params)
    add(counts, "search_documents", found)
