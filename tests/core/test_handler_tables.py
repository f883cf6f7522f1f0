"""Each domain declares its own handlers (`<app>/handlers.py`); core.wiring's
EVENT_HANDLERS is exactly their union, every handler in it can be called, and a kind
handled by several domains runs their handlers in the wiring's order."""

from __future__ import annotations

from importlib import import_module

from klient.core import wiring
from klient.core.events import EventKind


def table(path: str) -> dict[EventKind, list[str]]:
    module, _, name = path.rpartition(".")
    return getattr(import_module(module), name)


def test_the_collected_table_is_the_union_of_the_domains_tables():
    union: dict[str, set[str]] = {}
    for path in wiring.HANDLER_TABLES:
        for kind, handlers in table(path).items():
            union.setdefault(kind, set()).update(handlers)

    assert {kind: set(handlers) for kind, handlers in wiring.EVENT_HANDLERS.items()} == union
    assert all(len(handlers) == len(set(handlers)) for handlers in wiring.EVENT_HANDLERS.values())


def test_every_table_is_keyed_by_registered_kinds_and_every_handler_is_callable():
    kinds = {kind for kinds in wiring.event_kinds() for kind in kinds}
    for path in wiring.HANDLER_TABLES:
        for kind, handlers in table(path).items():
            assert isinstance(kind, EventKind) and kind in kinds, (path, kind)
            assert handlers, (path, kind)
            for handler in handlers:
                module, _, name = handler.rpartition(".")
                assert callable(getattr(import_module(module), name)), handler


def test_handlers_of_a_kind_run_in_the_order_of_the_tables():
    """The customer's acknowledgement is queued before the SLA, the agents' pages and the
    follow-ups look at a received message, as when the table was one literal."""
    assert domain_handlers()["message.received"] == [
        "klient.mail.tasks.acknowledge_events",
        "klient.sla.tasks.recompute_for_events",
        "klient.live.publish.push_conversation_changes",
        "klient.collab.followups.handle_events",
        _ROUTE,
        _VOICE,
        _SENTIMENT,
        _RULES,
    ]
    assert domain_handlers()["status.changed"] == [
        "klient.sla.tasks.recompute_for_events",
        "klient.live.publish.push_conversation_changes",
        "klient.collab.followups.handle_events",
        _SURVEYS,
        _RULES,
        _PROMISES,
    ]


def test_a_handler_listed_by_two_tables_is_collected_once():
    first = wiring.HANDLER_TABLES[0]

    assert wiring.collect_handlers([first, first]) == wiring.collect_handlers([first])


_SLA = "klient.sla.tasks.recompute_for_events"
_LIVE = "klient.live.publish.push_conversation_changes"
_FOLLOW_UPS = "klient.collab.followups.handle_events"
_POLICY_CHANGE = "klient.sla.admin_tasks.recompute_after_policy_change"
_UNDELIVERED = "klient.notifications.undelivered.notify_undelivered"
_DELIVER = "klient.conversations.channel_registry.deliver_for_events"
_ROUTE = "klient.routing.intake.route_for_events"  # issue 14: routing after the others
# Issue 18: every kind is a webhook event type; webhooks' fan-out runs last for each kind
# another domain handles (the others reach webhooks through the events sweep).
_WEBHOOKS = "klient.webhooks.handlers.fan_out"


def domain_handlers() -> dict[str, list[str]]:
    """The collected table without webhooks' fan-out, which every handled kind has, last,
    and which adds no kind of its own (so no outbox row a domain would not write)."""
    assert all(handlers[-1] == _WEBHOOKS for handlers in wiring.EVENT_HANDLERS.values())
    assert all(len(handlers) > 1 for handlers in wiring.EVENT_HANDLERS.values())
    return {
        kind: handlers[:-1] for kind, handlers in wiring.EVENT_HANDLERS.items() if handlers[:-1]
    }


_SURVEYS = "klient.surveys.scheduling.schedule_surveys"  # issue 18: a solve schedules a survey
_RULES = "klient.automations.engine.handle_events"  # issue 18: automation rules last
_VOICE = "klient.voice.refresh.refresh_for_events"  # issue 17: a team's topics fall due
# Issue 17: every inbound message analysed (before the rules, which read it); a bad rating
# opens a recovery task.
_SENTIMENT = "klient.sentiment.intake.analyse_for_events"
_BAD_RATING = "klient.sentiment.intake.recovery_for_bad_ratings"
# Issue 17: a reply offers its promises; a reply, a call, a booking or a solve keeps them.
_PROMISES = "klient.promises.tracking.on_activity"


def test_the_collected_table_is_the_one_the_desk_relies_on():
    """The single literal table as it was before each domain got its own, except that a
    queued reply now goes to its channel's deliverer (conversations.channel_registry), a
    resent one too, a reply that was not delivered is told to its author, an undone
    reply leaves the agents' open pages, and a notification refreshes its reader's bell."""
    assert domain_handlers() == {
        "conversation.created": [_LIVE, _ROUTE, _RULES],
        "message.received": [
            "klient.mail.tasks.acknowledge_events",
            _SLA,
            _LIVE,
            _FOLLOW_UPS,
            _ROUTE,
            _VOICE,
            _SENTIMENT,
            _RULES,
        ],
        "message.outbound_queued": [
            "klient.conversations.channel_registry.deliver_for_events",
            _LIVE,
            _PROMISES,
        ],
        "message.undone": [_LIVE],
        "note.added": [_LIVE],
        "note.mentioned": ["klient.macros.mentions.notify_mentions_for_events"],
        "delivery.sent": [_SLA, _LIVE],
        "delivery.bounced": [_SLA, _UNDELIVERED, _LIVE],
        "delivery.failed": [_SLA, _UNDELIVERED, _LIVE],
        "delivery.resend_requested": [_DELIVER, _LIVE],
        "status.changed": [_SLA, _LIVE, _FOLLOW_UPS, _SURVEYS, _RULES, _PROMISES],
        "assignee.changed": [_LIVE],
        "priority.changed": [_SLA, _LIVE],
        "team.changed": [_SLA, _LIVE],
        "tags.changed": [_SLA, _LIVE],
        "conversation.merged": [_SLA],
        "conversation.merged_into": [_SLA],
        "sla.policy_saved": [_POLICY_CHANGE],
        "sla.policy_deleted": [_POLICY_CHANGE],
        "sla.policies_reordered": [_POLICY_CHANGE],
        "calendars.working_hours_saved": [
            "klient.sla.admin_tasks.recompute_after_hours_change",
            "klient.automations.engine.recompute_after_hours_change",
        ],
        "notification.created": [
            "klient.mail.notifications.send_for_events",
            "klient.live.publish.push_notifications",
        ],
        "form.submitted": ["klient.portal.confirmation.confirm_submissions"],
        "agent.invited": ["klient.mail.account_mail.send_for_events"],
        "agent.password_reset_requested": ["klient.mail.account_mail.send_for_events"],
        "agent.deactivated": ["klient.conversations.departures.release_for_events"],
        "agent.status_changed": ["klient.routing.intake.drain_for_events"],
        # Issue 14: the receiver of a transfer is told, with the handover note.
        "conversation.transferred": ["klient.notifications.transfers.notify_transferred"],
        # Issue 18: event rules on SLA alerts; a saved rule schedules its timers.
        "sla.warning": [_RULES],
        "sla.breached": [_RULES],
        "promise.broken": [_RULES],
        "automation.rule_saved": ["klient.automations.actions.schedule_after_save"],
        # Issue 17: a call's transcript is a customer's words too.
        "call.logged": [_VOICE, _PROMISES],
        "call.updated": [_VOICE],
        "survey.answered": [_BAD_RATING],
        "survey.changed": [_BAD_RATING],
        "scheduling.appointment_booked": [_PROMISES],
    }
