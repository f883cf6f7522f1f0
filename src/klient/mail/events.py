"""The mail Event kinds (written by mail.actions and mail.imap)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from klient.core.events import EventKind


class Kind(EventKind):
    THREAD_REFUSED = "thread.refused", _("A message was not added to this thread")
    QUARANTINED = "mail.quarantined", _("Incoming email quarantined")
    RETRIED = "mail.retried", _("Quarantined email retried")
    DISCARDED = "mail.discarded", _("Quarantined email discarded")
    IMAP_MAILBOX_ADDED = "imap.mailbox_added", _("IMAP mailbox added")
    IMAP_MAILBOX_CHANGED = "imap.mailbox_changed", _("IMAP mailbox settings changed")
    IMAP_MAILBOX_ENABLED = "imap.mailbox_enabled", _("IMAP mailbox enabled")
    IMAP_MAILBOX_DISABLED = "imap.mailbox_disabled", _("IMAP mailbox disabled")
    IMAP_MAILBOX_DELETED = "imap.mailbox_deleted", _("IMAP mailbox deleted")
    IMAP_UIDVALIDITY_CHANGED = "imap.uidvalidity_changed", _("IMAP mailbox renumbered")
    IMAP_POLL_FAILED = "imap.poll_failed", _("IMAP mailbox could not be read")
    IMAP_POLL_RECOVERED = "imap.poll_recovered", _("IMAP mailbox readable again")
