"""The promises part of the pre-send check (klient.conversations.checks): a draft's
promises, shown to the agent before sending with their due time, so a careless deadline
can be changed; once sent they are offered to confirm (klient.promises.actions)."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from klient.conversations.checks import Draft, Finding
from klient.mail.language import detect_language

from .detect import find_promises
from .zones import conversation_zone

CHECK = "promises"


def promises_in_draft(draft: Draft) -> Iterable[Finding]:
    zone = conversation_zone(draft.conversation)
    now = timezone.now().astimezone(zone)
    for found in find_promises(draft.body, now, detect_language(draft.body) or None):
        due = found.due.strftime("%Y-%m-%d %H:%M")
        yield Finding(
            check=CHECK,
            category="promise",
            message=_("A promise due %(due)s (%(zone)s): it will be offered to track.")
            % {"due": due, "zone": zone.key},
            start=found.start,
            end=found.end,
            excerpt=found.quote,
        )
