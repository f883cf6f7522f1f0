"""Forms of the agents' web UI. They only parse input: the rules live in the actions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from klient.conversations.models import Conversation
from klient.people.models import Team


class SignInForm(AuthenticationForm):
    """Agents sign in with their email address, which is their username."""

    username = forms.EmailField(
        label=_("Email address"),
        max_length=320,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "This email address and password do not match. Please check them and try again."
        ),
    }

    def clean_username(self) -> str:
        return str(self.cleaned_data["username"]).strip().lower()


class UploadIdsField(forms.Field):
    """The ids of the agent's uploads to attach (hidden inputs the compose box's script
    adds, workspace/static/workspace/compose_files.js); whose they are is checked by
    conversations.access.access_uploads."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        ids = []
        for item in values:
            text = str(item).strip()
            if not text.isdigit() or len(text) > 18:
                raise forms.ValidationError(_("An attached file is not one you uploaded."))
            ids.append(int(text))
        return ids


class MessageForm(forms.Form):
    """The body of a reply or a note. Emptiness and length are checked by the action, so
    the form never strips or refuses what the agent typed."""

    body = forms.CharField(
        label=_("Message"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    attachments = UploadIdsField(required=False)


class ReplyForm(MessageForm):
    status = forms.ChoiceField(
        label=_("Then set status to"),
        required=False,
        choices=[("", _("(keep as it is)")), *Conversation.Status.choices],
        # The details form on the same page has its own "status": ids must differ.
        widget=forms.Select(attrs={"id": "id_reply_status"}),
    )
    channel = forms.ChoiceField(
        label=_("Answer on"),
        required=False,
        choices=[],
        widget=forms.Select(attrs={"id": "id_reply_channel"}),
    )

    def __init__(self, *args: Any, channels: list[str] | None = None, **kwargs: Any) -> None:
        """`channels`: those the customer can be answered on, the conversation's own first
        (the choice is shown only when there is more than one)."""
        super().__init__(*args, **kwargs)
        labels = dict(Conversation.Channel.choices)
        channel_field = self.fields["channel"]
        assert isinstance(channel_field, forms.ChoiceField)
        channel_field.choices = [(name, labels.get(name, name)) for name in channels or []]
        channel_field.initial = channels[0] if channels else None


class NoteForm(MessageForm):
    body = forms.CharField(
        label=_("Note"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3, "id": "id_note_body"}),
    )


class AgentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.username)


class UpdateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Conversation.Status.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Conversation.Priority.choices)
    assignee = AgentChoiceField(
        label=_("Assignee"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("(nobody)"),
    )
    note = forms.CharField(
        label=_("Handover note"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed when you give the conversation to a colleague."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, AgentChoiceField)
        field.queryset = (
            get_user_model()
            .objects.filter(is_active=True, agent__isnull=False)
            .order_by("first_name", "last_name", "username")
        )


class BulkForm(forms.Form):
    """Selected conversations (by reference) and one change for all of them."""

    DO_CHOICES = [
        ("assign_me", _("Assign to me")),
        ("assign", _("Assign")),
        ("status", _("Set status")),
        ("tag", _("Add tag")),
    ]
    ids = forms.CharField(required=False)
    do = forms.ChoiceField(choices=DO_CHOICES)
    assignee = AgentChoiceField(
        label=_("Assignee"), queryset=get_user_model().objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", "—"), *Conversation.Status.choices], required=False
    )
    tag = forms.CharField(label=_("Tag"), max_length=60, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["assignee"]
        assert isinstance(field, AgentChoiceField)
        field.queryset = get_user_model().objects.filter(is_active=True, agent__isnull=False)

    def clean_ids(self) -> list[int]:
        refs = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        pks = [pk for ref in refs[:500] if (pk := Conversation.pk_from_reference(ref))]
        if not pks:
            raise forms.ValidationError(_("Select at least one conversation."))
        return pks

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        do = data.get("do")
        if do == "assign" and not data.get("assignee"):
            self.add_error("assignee", _("Choose an agent to assign."))
        if do == "status" and not data.get("status"):
            self.add_error("status", _("Choose a status."))
        if do == "tag" and not str(data.get("tag", "")).strip():
            self.add_error("tag", _("Type a tag."))
        return data


class TagForm(forms.Form):
    add = forms.CharField(label=_("Add a tag"), max_length=60, required=False)
    remove = forms.CharField(max_length=60, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not str(data.get("add", "")).strip() and not str(data.get("remove", "")).strip():
            raise forms.ValidationError(_("Type a tag."))
        return data


class NewConversationForm(forms.Form):
    """An agent starts a conversation: an email to a customer or a logged phone call. The
    rules (which identity, subject, body, team scope) are the action's."""

    channel = forms.ChoiceField(
        label=_("How"),
        choices=[
            (Conversation.Channel.EMAIL, _("Email to the customer")),
            (Conversation.Channel.PHONE, _("Phone call (logged, nothing is sent)")),
        ],
        initial=Conversation.Channel.EMAIL,
        widget=forms.RadioSelect,
    )
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), empty_label=None)
    email = forms.CharField(
        label=_("Customer's email address"),
        required=False,
        max_length=320,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Customer's phone number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Customer's name"), required=False, max_length=200)
    subject = forms.CharField(label=_("Subject"), required=False, max_length=500, strip=False)
    body = forms.CharField(
        label=_("Message, or what was said on the call"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "id": "id_new_body"}),
    )
    status = forms.ChoiceField(
        label=_("Then set status to"),
        required=False,
        choices=[("", _("(open)")), *Conversation.Status.choices],
        widget=forms.Select(attrs={"id": "id_new_status"}),
    )
    attachments = UploadIdsField(required=False)

    # Shown one per line, in this order, between the channel and the message.
    detail_fields = ("team", "email", "phone", "name", "subject")

    def __init__(self, *args: Any, teams: Any = None, **kwargs: Any) -> None:
        """`teams`: those the agent may start a conversation in (access.teams_in_scope)."""
        super().__init__(*args, **kwargs)
        field = self.fields["team"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = teams.order_by("name") if teams is not None else Team.objects.none()
        field.initial = field.queryset.first()
