"""The sections of the settings pages, in the order their navigation lists them.

A page of another app joins the frame by extending "administration/base.html" (filling
`settings_content`) and adding its Section here; the navigation marks the section whose
URL the current page is under."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Section:
    url_name: str
    label: str | Promise


SECTIONS: list[Section] = [
    Section("administration:teams", _("Teams and addresses")),
    Section("administration:agents", _("Agents")),
    Section("reports:sla_policies", _("SLA policies")),
    Section("ops_settings:mailboxes", _("IMAP mailboxes")),
    Section("form_settings:forms", _("Request forms")),
    Section("ops_settings:quarantine", _("Quarantine")),
    Section("administration:routing", _("Routing")),
    Section("webhook_settings:webhooks", _("Webhooks")),
    Section("surveys:settings", _("Satisfaction surveys")),
    Section("automations:rules", _("Automation rules")),
    Section("tone:settings", _("Tone guard")),  # issue 17
]
