"""What a rule can do: one table, action name -> (check its value, run it). Each run goes
through the domain's own action (klient.conversations.actions, klient.macros.actions,
klient.notifications.actions), so it validates, writes and emits events as any change
does; klient.automations.engine then marks those events with the rule that caused them.

Adding an action is one entry here. "call_webhook" queues a signed delivery to one of the
desk's webhook endpoints (`klient.webhooks.actions.send_to_endpoint`, in the firing's
transaction)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from klient.conversations import actions as conversation_actions
from klient.conversations.actions import MAX_TAG_LENGTH
from klient.conversations.models import Conversation, Message
from klient.macros import actions as macro_actions
from klient.macros.models import Macro
from klient.notifications.actions import notify as notify_agents
from klient.people.models import Team
from klient.webhooks.actions import send_to_endpoint
from klient.webhooks.models import Endpoint

from . import events, texts

NOTIFY_TARGETS = ("assignee", "team", "admins")
MAX_NOTE = 10_000


@dataclass(frozen=True)
class Context:
    """What an action runs on: the rule, the conversation (locked by the firing) and the
    message that triggered it, if any."""

    rule: Any
    conversation: Conversation
    message: Message | None = None


@dataclass(frozen=True)
class ActionType:
    check: Callable[[Any], Any]  # the value as stored; raises ValidationError
    run: Callable[[Context, Any], None]


# -- checks ---------------------------------------------------------------------------------


def _choice(values: list[str], what: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if value not in values:
            raise ValidationError(
                _("{what}: {value!r} is not one of {allowed}.").format(
                    what=what, value=value, allowed=", ".join(values)
                )
            )
        return str(value)

    return check


def _id_of(model: Any, what: str, **among: Any) -> Callable[[Any], int]:
    def check(value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValidationError(_("{what}: give its id (a whole number).").format(what=what))
        if not model.objects.filter(pk=value, **among).exists():
            raise ValidationError(
                _("{what}: there is no {what} #{value}.").format(what=what, value=value)
            )
        return value

    return check


def _check_assignee(value: Any) -> int | None:
    if value is None:
        return None  # unassign
    return _id_of(get_user_model(), "agent", is_active=True, agent__isnull=False)(value)


def _check_tag(value: Any) -> str:
    tag = " ".join(str(value or "").split()).lower() if isinstance(value, str) else ""
    if not tag or len(tag) > MAX_TAG_LENGTH:
        raise ValidationError(
            _("tag: a name of 1 to {most} characters.").format(most=MAX_TAG_LENGTH)
        )
    return tag


def _check_note(value: Any) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_NOTE:
        raise ValidationError(_("note: a text of 1 to {most} characters.").format(most=MAX_NOTE))
    return value.strip()


def _check_notify(value: Any) -> str | int:
    if value in NOTIFY_TARGETS:
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return _check_assignee(value) or 0
    raise ValidationError(
        _("notify: {allowed}, or an agent's id.").format(allowed=", ".join(NOTIFY_TARGETS))
    )


# -- runs -----------------------------------------------------------------------------------


def _set(field: str) -> Callable[[Context, Any], None]:
    def run(context: Context, value: Any) -> None:
        conversation_actions.update_conversation(context.conversation, actor=None, **{field: value})

    return run


def _set_team(context: Context, value: int) -> None:
    conversation_actions.update_conversation(
        context.conversation, actor=None, team=Team.objects.get(pk=value)
    )


def _set_assignee(context: Context, value: int | None) -> None:
    agent = None if value is None else get_user_model().objects.get(pk=value)
    conversation_actions.update_conversation(context.conversation, actor=None, assignee=agent)


def _add_tag(context: Context, value: str) -> None:
    conversation_actions.set_tags(context.conversation, actor=None, add=[value])


def _remove_tag(context: Context, value: str) -> None:
    conversation_actions.set_tags(context.conversation, actor=None, remove=[value])


def _add_note(context: Context, value: str) -> None:
    conversation_actions.add_note(context.conversation, actor=None, body=value)


class NotSentToAutomatic(ValidationError):
    """A saved reply is never sent in answer to an automatic message or conversation."""


def _is_flagged(message: Message | None) -> bool:
    return message is not None and (message.is_automatic or (message.auto_score or 0) >= 1.0)


def _send_saved_reply(context: Context, value: int) -> None:
    """The macro's text in the conversation's language as a message from Klient (a system
    message, like the acknowledgement: it does not count as an agent's answer), its tags
    and status applied; never to an automatic conversation, nor after an automatic
    message (the one that triggered the rule, or the customer side's latest)."""
    conversation = context.conversation
    latest = (
        conversation.messages.filter(kind=Message.Kind.INBOUND)
        .order_by("-created_at", "-id")
        .first()
    )
    if conversation.automatic or _is_flagged(context.message) or _is_flagged(latest):
        raise NotSentToAutomatic("A saved reply is never sent to an automatic message.")
    macro = Macro.objects.get(pk=value)
    text, _language = macro_actions.use_macro(macro, conversation, actor=None)
    if not text.strip():
        raise ValidationError(f"The saved reply #{macro.pk} has no text for this conversation.")
    if conversation_actions.tell_customer(conversation, body=text) is None:
        raise ValidationError("The customer cannot be reached on this conversation's channel.")
    if macro.set_status:
        conversation_actions.update_conversation(conversation, actor=None, status=macro.set_status)


def administrators() -> list[Any]:
    """The active administrators (who are told when a loop between rules is stopped)."""
    admin = Q(is_staff=True) | Q(is_superuser=True)
    return list(get_user_model().objects.filter(admin, is_active=True))


def _notify(context: Context, value: str | int) -> None:
    conversation = Conversation.objects.select_related("team", "assignee").get(
        pk=context.conversation.pk
    )
    if value == "assignee":
        recipients = [conversation.assignee] if conversation.assignee else []
    elif value == "team":
        recipients = list(conversation.team.members.filter(is_active=True))
    elif value == "admins":
        recipients = administrators()
    else:
        recipients = list(get_user_model().objects.filter(is_active=True, pk=value))
    notify_agents(
        recipients,
        kind=texts.NOTIFY,
        params={"rule": context.rule.name, "ref": conversation.reference},
        conversation=conversation,
        url=reverse("workspace:conversation", args=[conversation.reference]),
    )


ACTIONS: dict[str, ActionType] = {
    "set_status": ActionType(_choice(Conversation.Status.values, "status"), _set("status")),
    "set_priority": ActionType(_choice(Conversation.Priority.values, "priority"), _set("priority")),
    "set_team": ActionType(_id_of(Team, "team"), _set_team),
    "set_assignee": ActionType(_check_assignee, _set_assignee),
    "add_tag": ActionType(_check_tag, _add_tag),
    "remove_tag": ActionType(_check_tag, _remove_tag),
    "add_note": ActionType(_check_note, _add_note),
    "send_saved_reply": ActionType(_id_of(Macro, "saved reply"), _send_saved_reply),
    "notify": ActionType(_check_notify, _notify),
}


# -- webhooks --------------------------------------------------------------------------


def _check_endpoint(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValidationError(_("call_webhook: give the webhook endpoint's id."))
    if not Endpoint.objects.filter(pk=value).exists():
        raise ValidationError(_("call_webhook: there is no webhook #{value}.").format(value=value))
    return value


def _call_webhook(context: Context, value: int) -> None:
    conversation = context.conversation
    send_to_endpoint(
        value,
        events.Kind.FIRED.value,
        {
            "rule": context.rule.pk,
            "name": context.rule.name,
            "conversation": conversation.reference,
        },
    )


ACTIONS["call_webhook"] = ActionType(_check_endpoint, _call_webhook)
