"""The automations Event kinds, and one constructor per kind. A rule's firing and a loop
stopped are on the conversation, so they show in its timeline; a rule's edit is not."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from klient.core.events import EventKind, append

if TYPE_CHECKING:
    from klient.conversations.models import Conversation
    from klient.core.models import Event

    from .models import Rule


class Kind(EventKind):
    RULE_SAVED = "automation.rule_saved", _("Automation rule saved")
    RULE_DELETED = "automation.rule_deleted", _("Automation rule deleted")
    FIRED = "automation.fired", _("Automation rule applied")
    LOOP_STOPPED = "automation.loop_stopped", _("Automation rules stopped: a loop")


def rule_saved(rule: Rule, *, created: bool, actor: Any) -> Event:
    return append(
        Kind.RULE_SAVED,
        actor=actor,
        data={"rule": rule.pk, "created": created, "body": rule.body()},
    )


def rule_deleted(rule_id: int, name: str, *, actor: Any) -> Event:
    return append(Kind.RULE_DELETED, actor=actor, data={"rule": rule_id, "name": name})


def fired(
    rule: Rule, conversation: Conversation, *, moment: str, cause: dict[str, Any], errors: list[str]
) -> Event:
    """`cause`: the rule, its depth and chain (klient.automations.chains), as every event
    the rule's actions append carries it."""
    return append(
        Kind.FIRED,
        conversation=conversation,
        actor_label=rule.label,
        data={"rule": rule.pk, "moment": moment, "automation": cause, "errors": errors},
    )


def loop_stopped(
    rule: Rule, conversation: Conversation, *, moment: str, chain: list[int], depth: int
) -> Event:
    return append(
        Kind.LOOP_STOPPED,
        conversation=conversation,
        actor_label=rule.label,
        data={"rule": rule.pk, "moment": moment, "chain": chain, "depth": depth},
    )
