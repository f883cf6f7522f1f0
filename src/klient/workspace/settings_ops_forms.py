"""The forms of the mailbox and quarantine settings pages. They only parse: the rules are
in klient.mail.mailbox_admin and klient.mail.actions."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from klient.mail.mailbox_admin import MailboxSettings
from klient.mail.models import ImapMailbox
from klient.people.models import Team

SECURITY_LABELS = [
    (ImapMailbox.Security.TLS.value, _("TLS from the start (IMAPS, usually port 993)")),
    (ImapMailbox.Security.STARTTLS.value, _("STARTTLS (usually port 143)")),
    (ImapMailbox.Security.NONE.value, _("None: plain text, only on a trusted network")),
]


class MailboxForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.order_by("name"), empty_label=None
    )
    host = forms.CharField(label=_("Server"), max_length=255)
    security = forms.ChoiceField(label=_("Security"), choices=SECURITY_LABELS, initial="tls")
    port = forms.IntegerField(label=_("Port"), min_value=1, max_value=65535, initial=993)
    username = forms.CharField(label=_("User name"), max_length=255)
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    folder = forms.CharField(label=_("Folder"), max_length=255, initial="INBOX")

    def __init__(self, *args: object, mailbox: ImapMailbox | None = None, **kwargs: object):
        if mailbox is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "team": mailbox.team_id,
                "host": mailbox.host,
                "security": mailbox.security,
                "port": mailbox.port,
                "username": mailbox.username,
                "folder": mailbox.folder,
            }
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["password"].help_text = (
            _("Stored sealed and never shown. Leave empty to keep the current one.")
            if mailbox is not None
            else _("Stored sealed and never shown.")
        )

    def settings(self) -> MailboxSettings:
        data = self.cleaned_data
        return MailboxSettings(
            team=data["team"],
            host=data["host"],
            port=data["port"],
            security=data["security"],
            username=data["username"],
            password=data["password"] or None,
            folder=data["folder"],
        )


class DiscardForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it discarded?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RetryForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Into team (when no team received it)"),
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label=_("the team it was addressed to"),
    )
