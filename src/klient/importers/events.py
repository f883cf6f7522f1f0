"""The importers' Event kinds, and one constructor per kind.

An imported conversation's history keeps its original times: `conversation.created` and
`message.received` (conversations' own kinds, dated as in the source) for what the
customer did, `import.reply` and `import.note` for what agents did there (no delivery
was ever made by Klient, so `message.outbound_queued` would be untrue), and one
`import.ticket` at the moment of the import. None of them is published (core.wiring):
history sends no acknowledgement, starts no SLA clock and notifies no one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from klient.core.events import EventKind, append

if TYPE_CHECKING:
    from klient.conversations.models import Conversation, Message
    from klient.core.models import Event

    from .models import ImportRun

ACTOR_LABEL = "import"


class Kind(EventKind):
    RUN_STARTED = "import.started", _("Import started")
    RUN_FINISHED = "import.finished", _("Import finished")
    ORGANISATION_IMPORTED = "import.organisation", _("Organisation imported")
    TICKET_IMPORTED = "import.ticket", _("Imported from another help desk")
    REPLY_IMPORTED = "import.reply", _("Reply imported with its original time")
    NOTE_IMPORTED = "import.note", _("Internal note imported with its original time")


def run_started(run: ImportRun) -> Event:
    return append(
        Kind.RUN_STARTED,
        actor_label=ACTOR_LABEL,
        data={"run": run.pk, "source": run.source, "path": run.path, "attempt": run.attempts},
    )


def run_finished(run: ImportRun, counts: dict[str, int]) -> Event:
    return append(
        Kind.RUN_FINISHED,
        actor_label=ACTOR_LABEL,
        data={"run": run.pk, "source": run.source, "counts": counts},
    )


def organisation_imported(run: ImportRun, organisation_id: int, source_id: int) -> Event:
    return append(
        Kind.ORGANISATION_IMPORTED,
        actor_label=ACTOR_LABEL,
        data={"run": run.pk, "organisation": organisation_id, "source_id": source_id},
    )


def ticket_imported(
    run: ImportRun, conversation: Conversation, *, source_id: int, data: dict[str, Any]
) -> Event:
    return append(
        Kind.TICKET_IMPORTED,
        conversation=conversation,
        actor_label=ACTOR_LABEL,
        data={"run": run.pk, "source": run.source, "source_id": source_id, **data},
    )


def message_imported(conversation: Conversation, message: Message, *, actor: Any) -> Event:
    """An agent's reply or note, at its original time."""
    kind = Kind.NOTE_IMPORTED if message.kind == "note" else Kind.REPLY_IMPORTED
    return append(
        kind,
        conversation=conversation,
        actor=actor,
        actor_label=message.from_name or ACTOR_LABEL,
        at=message.created_at,
        data={"message": message.pk},
    )
