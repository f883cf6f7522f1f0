"""Event kinds are enumerations, one per domain: an event can only be appended with a member
of one (a typo fails at once), no kind is spelled as a string anywhere else in the code,
and the stored strings are the ones Klient always wrote."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import transaction

import klient
from klient.conversations.events import Kind as ConversationKind
from klient.core import wiring
from klient.core.events import EventKind, append
from klient.core.models import Event

SRC = Path(klient.__file__).parent

# Every kind Klient wrote before the kinds became enumerations: stored events carry these
# strings, so none may change without a data migration.
STORED_KINDS = {
    "absence.created",
    "absence.deleted",
    "calendars.working_hours_saved",
    "sla.conversation_policy_changed",
    "customer.changed",
    "customer.identity_added",
    "customer.identity_proven",
    "customer.time_zone_set",
    "team.endpoint_added",
    "upload.stored",
    "agent.created",
    "agent.language_changed",
    "article.created",
    "article.deleted",
    "article.updated",
    "assignee.changed",
    "collab.answered",
    "collab.asked",
    "collab.cancelled",
    "collab.grant_used",
    "collab.taken",
    "conversation.created",
    "conversation.merged",
    "conversation.merged_into",
    "customer.created",
    "delivery.bounced",
    "delivery.deferred",
    "delivery.failed",
    "delivery.resend_requested",
    "delivery.sent",
    "followup.cancelled",
    "followup.fired",
    "followup.scheduled",
    "form.changed",
    "form.created",
    "form.disabled",
    "form.enabled",
    "form.submitted",
    "imap.mailbox_added",
    "imap.mailbox_changed",
    "imap.mailbox_deleted",
    "imap.mailbox_disabled",
    "imap.mailbox_enabled",
    "imap.poll_failed",
    "imap.poll_recovered",
    "imap.uidvalidity_changed",
    "macro.created",
    "macro.deleted",
    "macro.updated",
    "macro.used",
    "mail.discarded",
    "mail.quarantined",
    "mail.retried",
    "message.outbound_queued",
    "message.received",
    "message.undone",
    "note.added",
    "note.mentioned",
    "notification.created",
    "portal.sign_in_requested",
    "portal.signed_in",
    "portal.status_set",
    "priority.changed",
    "sla.breached",
    "sla.escalated",
    "sla.first_reply",
    "sla.paused",
    "sla.policies_reordered",
    "sla.policy_deleted",
    "sla.policy_saved",
    "sla.resumed",
    "sla.started",
    "sla.stopped",
    "sla.warning",
    "status.changed",
    "tags.changed",
    "team.changed",
    "team.created",
    "thread.refused",
    # The desk's administration (issue 12).
    "team.updated",
    "team.endpoint_removed",
    "team.members_changed",
    "agent.invited",
    "agent.updated",
    "agent.deactivated",
    "agent.reactivated",
    "agent.token_issued",
    "agent.password_reset_requested",
    "agent.password_set",
    # Owners, agent status and routing (issue 14, helper routing).
    "customer.owner_changed",
    "organisation.owner_changed",
    "agent.status_changed",
    "routing.assigned",
    "routing.queued",
    "routing.coverage_ended",
    "routing.customer_told",
    "routing.hand_back",
    "routing.rule_saved",
    "routing.rule_deleted",
    "routing.weight_set",
    # Calls, callbacks and transfers (issue 14, klient.phone).
    "call.logged",
    "call.updated",
    "callback.requested",
    "callback.attempted",
    # Live chat (issue 16).
    "chat.session_started",
    "chat.origins_changed",
    # A customer's data exported or erased, retention rules (issue 18).
    "customer.exported",
    "customer.erased",
    "conversation.erased",
    "retention.changed",
    "conversation.transferred",
    # Outgoing webhooks (issue 18, klient.webhooks).
    "webhook.created",
    "webhook.updated",
    "webhook.deleted",
    "webhook.secret_rotated",
    "webhook.disabled",
    "webhook.delivery_replayed",
    # Agents' external calendars (issue 15, klient.external_calendars).
    "external_calendar.added",
    "external_calendar.removed",
    "external_calendar.synced",
    "external_calendar.failed",
    # Satisfaction surveys (issue 18, klient.surveys).
    "survey.scheduled",
    "survey.cancelled",
    "survey.sent",
    "survey.answered",
    "survey.changed",
    "survey.settings_saved",
    # Booking types and appointments (issue 15, klient.scheduling).
    "scheduling.booking_type_created",
    "scheduling.booking_type_updated",
    "scheduling.booking_type_deleted",
    "scheduling.appointment_booked",
    # Reminders, lost connection, missed meetings (issue 15, items 6-8).
    "scheduling.reminder_sent",
    "scheduling.lost_connection",
    "scheduling.appointment_missed",
    "scheduling.missed_reason_given",
    "scheduling.appointment_rescheduled",  # issue 15: after booking
    "scheduling.appointment_cancelled",
    "scheduling.invitation_sent",
    # Moving in from another help desk (issue 18, klient.importers).
    "import.started",
    "import.finished",
    "import.organisation",
    "import.ticket",
    "import.reply",
    "import.note",
    # Automation rules (issue 18, klient.automations).
    "automation.rule_saved",
    "automation.rule_deleted",
    "automation.fired",
    "automation.loop_stopped",
    # The tone guard (issue 17, klient.tone).
    "tone.rule_added",
    "tone.rule_changed",
    "tone.finding_dismissed",
    # Recurring topics and corrective actions (issue 17, klient.voice).
    "voice.topics_refreshed",
    "corrective_action.created",
    "corrective_action.changed",
    "corrective_action.closed",
    # Customer sentiment and recovery tasks (issue 17, klient.sentiment).
    "sentiment.analysed",
    "recovery_task.opened",
    "recovery_task.closed",
    # Promises tracked until kept or broken (issue 17, klient.promises).
    "promise.offered",
    "promise.confirmed",
    "promise.kept",
    "promise.broken",
    "promise.dismissed",
}
# Notification.kind values that happen to read like Event kinds (what a notification is
# about, not an event): (file, value).
NOT_EVENT_KINDS = {
    ("collab/texts.py", "collab.asked"),
    ("collab/texts.py", "collab.answered"),
    ("promises/texts.py", "promise.broken"),
}


def registered() -> dict[str, EventKind]:
    return {kind.value: kind for kinds in wiring.event_kinds() for kind in kinds}


def test_append_refuses_a_kind_that_is_not_an_enumeration_member(db):
    with pytest.raises(TypeError, match=r"mesage\.received"):
        append("mesage.received", actor_label="test")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        append("message.received", actor_label="test")  # type: ignore[arg-type]

    assert not Event.objects.exists()


def test_append_stores_the_members_string(db):
    with transaction.atomic():
        event = append(ConversationKind.NOTE_ADDED, actor_label="test")

    assert Event.objects.get(pk=event.pk).kind == "note.added"
    assert type(event.kind) is str


def test_the_enumerations_keep_every_stored_string_and_no_two_share_one():
    values = [kind.value for kinds in wiring.event_kinds() for kind in kinds]

    assert len(values) == len(set(values))
    assert set(values) == STORED_KINDS


def test_every_domains_enumeration_is_listed_in_the_wiring():
    for module in pkgutil.iter_modules([str(SRC)]):
        if (SRC / module.name / "events.py").exists():
            importlib.import_module(f"klient.{module.name}.events")
    defined = {f"{cls.__module__}.{cls.__qualname__}" for cls in EventKind.__subclasses__()}
    defined = {path for path in defined if path.startswith("klient.")}

    assert defined == set(wiring.EVENT_KINDS)


def test_every_kind_has_a_label_of_its_own():
    for kinds in wiring.event_kinds():
        for kind in kinds:
            # Without one, TextChoices makes a label from the member's name: untranslated.
            assert str(kind.label) != kind.name.replace("_", " ").title(), kind


def _enum_bodies(tree: ast.AST) -> set[int]:
    """Ids of the string constants inside EventKind class bodies (their definitions)."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and any(
            isinstance(base, ast.Name) and base.id == "EventKind" for base in node.bases
        ):
            inside.update(id(n) for n in ast.walk(node) if isinstance(n, ast.Constant))
    return inside


def test_no_kind_is_spelled_as_a_string_outside_its_enumeration():
    kinds = set(registered())
    found = []
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        if "/migrations/" in relative:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        definitions = _enum_bodies(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and node.value in kinds
                and id(node) not in definitions
                and (relative, node.value) not in NOT_EVENT_KINDS
            ):
                found.append(f"{relative}:{node.lineno} {node.value!r}")

    assert found == []


def test_the_sla_clock_reads_the_kinds_without_models_or_settings():
    """The clock stays pure: importing it loads no model and needs no configured Django."""
    code = (
        "import sys, klient.sla.clock as c; "
        "assert 'klient.core.models' not in sys.modules; "
        "assert 'message.received' in c.CLOCK_KINDS"
    )
    environment = {"PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=environment, check=False
    )

    assert result.returncode == 0, result.stderr
