"""A conversation's tags in the same query as the conversation: one correlated subquery
joining the names (the list and the detail keep their fixed number of queries)."""

from __future__ import annotations

from typing import Any

from django.db.models import Aggregate, CharField, OuterRef, Subquery

from klient.conversations.models import Conversation

SEPARATOR = "\x1f"  # a control character: never in a stored tag name


class _Joined(Aggregate):
    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, chr(31))"
    output_field = CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(
            compiler,
            connection,
            function="GROUP_CONCAT",
            template="%(function)s(%(expressions)s, char(31))",
            **extra,
        )


def tag_names() -> Subquery:
    """Annotate conversations with this (as `tag_names`); read it with `split`."""
    through = Conversation.tags.through.objects.filter(conversation_id=OuterRef("pk"))
    joined = through.values("conversation_id").annotate(names=_Joined("tag__name"))
    return Subquery(joined.values("names"), output_field=CharField())  # type: ignore[misc]


def split(joined: str | None) -> list[str]:
    return sorted(name for name in (joined or "").split(SEPARATOR) if name)
