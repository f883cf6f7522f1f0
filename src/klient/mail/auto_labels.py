"""What each automatic-reply signal (auto_rules, Message.auto_reasons) is called for agents."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

__all__ = ["LABELS", "reason_labels"]

LABELS: dict[str, Promise] = {
    "header": _("an automatic-reply header"),
    "delivery_report": _("a delivery report"),
    "subject": _("the subject of an automatic reply"),
    "absence": _("out-of-office wording"),
    "return_date": _("a stated return"),
    "stand_in": _("a named stand-in"),
    "not_forwarded": _("mail not forwarded or not read"),
    "left": _("the person has left"),
    "address_closing": _("the address is closing"),
    "automatic": _("says it is automatic"),
    "received": _("a receipt acknowledgement"),
    "no_reply": _("asks not to reply"),
    "not_monitored": _("an unmonitored address"),
    "thanks_for_contacting": _("thanks for contacting us"),
    "case_number": _("a case number handed out"),
    "team_reply": _("a team speaking for itself"),
    "redirect": _("where to write instead"),
    "service_notice": _("a queue or waiting-time notice"),
    "office_closed": _("the office is closed"),
    "closing_days": _("closing days announced"),
    "delivery_failure": _("delivery failure wording"),
    "header_hint": _("a header hint"),
    "reply_line": _("a help desk's reply line"),
    "no_question": _("no question asked"),
    "question": _("a question asked"),
    "customer_voice": _("a customer's own case"),
    "forward": _("a forward"),
    "answers_notice": _("a reply to a notice"),
    "quoted": _("quoted history"),
}


def reason_labels(codes: Iterable[str]) -> list[str]:
    """Translated labels, in order; a code this version does not know is shown as it is."""
    return [str(LABELS.get(code, code)) for code in codes]
