"""The confirmation email of a request form's submission: the team's acknowledgement
(klient.mail.tasks.send_acknowledgement: the reference and the honest answer time, in the
customer's language), sent whether or not the team acknowledges emails. A submission is
confirmed once: the acknowledgement goes out at most once a day per conversation, so a
re-run of this handler, or the team's own acknowledgement of the same message, sends
nothing more."""

from __future__ import annotations

import logging

from klient.core.models import Event
from klient.mail.tasks import send_acknowledgement

from .events import Kind

logger = logging.getLogger(__name__)


def confirm_submissions(event_ids: list[int]) -> int:
    """Handler of form.submitted; returns how many confirmations were sent."""
    sent = 0
    for event in (
        Event.objects.filter(pk__in=event_ids, kind=Kind.FORM_SUBMITTED)
        .select_related("conversation__team", "conversation__customer")
        .order_by("pk")
    ):
        conversation = event.conversation
        if conversation is None:
            continue
        try:
            sent += send_acknowledgement(conversation) is not None
        except Exception:
            logger.exception("confirmation of form submission event %s failed", event.pk)
    return sent
