"""Handing an email that belongs to no conversation to the relay: the portal's sign-in
links, agents' invitations and password resets. Each keeps its own durable work row and
calls `hand_over` once per attempt; this only reports how the relay answered."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

from .sending import _text, _transmit


def hand_over(email: EmailMessage, envelope_from: str, recipients: list[str]) -> tuple[str, str]:
    """Send through the relay. Returns ("sent", ""), ("retry", error) for a temporary
    failure or ("failed", error) for a permanent one (a 5xx answer)."""
    try:
        _transmit(email, envelope_from, recipients)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        return ("failed" if all(c >= 500 for c in codes) else "retry"), "recipient refused"
    except smtplib.SMTPResponseException as exc:
        error = f"{exc.smtp_code} {_text(exc.smtp_error)}"
        return ("failed" if 500 <= exc.smtp_code < 600 else "retry"), error
    except OSError as exc:
        return "retry", f"relay unreachable: {exc or type(exc).__name__}"
    return "sent", ""
