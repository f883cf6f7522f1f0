"""Every target cycle gets one recorded outcome when it ends (docs/sla.md, "Outcomes"):
met, breached or cancelled, with the team, agent and policy the conversation had at that
moment. Stories told with calendar-time targets so the moments are easy to follow:
first reply within 1 h, next reply within 1 h, news every 2 h, resolution within 8 h."""

from collections import Counter
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from klient.conversations.actions import reply, update_conversation
from klient.conversations.merge import merge_conversations
from klient.core.models import Event
from klient.sla import scheduler
from klient.sla.actions import backfill_outcomes
from klient.sla.admin_actions import save_policy
from klient.sla.models import SlaOutcome

pytestmark = pytest.mark.usefixtures("frozen")


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def hourly_policy(db):
    return save_policy(
        actor=None,
        name="Hourly",
        position=100,
        first_reply_minutes=60,
        next_reply_minutes=60,
        periodic_update_minutes=120,
        resolution_minutes=480,
        business_time=False,
    )


@pytest.fixture
def story(frozen, receive, support_team, deliver, settle):
    """Helpers that move time and drive one conversation through the real actions, the
    SLA handler (settle) run after each change as the wiring would."""

    class Story:
        conversation = None

        def at(self, hour, minute=0):
            frozen.move_to(utc(2026, 6, 1, hour, minute))
            return self

        def customer_writes(self, hour, minute=0, text="Hello?"):
            self.at(hour, minute)
            message = receive(
                support_team, "ewa@example.pl", "Invoice", text, conversation=self.conversation
            )
            self.conversation = message.conversation
            settle(self.conversation)

        def agent_answers(self, agent, hour, minute=0, outcome="sent"):
            self.at(hour, minute)
            message = reply(self.conversation, actor=agent, body="Here you are.")
            deliver(message, outcome=outcome)
            settle(self.conversation)
            return message

        def change(self, actor, hour, minute=0, **fields):
            self.at(hour, minute)
            update_conversation(self.conversation, actor=actor, **fields)
            settle(self.conversation)

        def outcomes(self, target=None, conversation=None):
            rows = SlaOutcome.objects.filter(conversation=conversation or self.conversation)
            if target:
                rows = rows.filter(target=target)
            return list(rows.order_by("cycle_started_at", "target"))

    return Story()


def summary(rows):
    return [(r.target, r.cycle_started_at.strftime("%H:%M"), r.outcome) for r in rows]


def test_three_questions_answered_in_time_twice_and_late_once(story, hourly_policy, agent_anna):
    story.customer_writes(8)
    story.agent_answers(agent_anna, 8, 30)
    story.customer_writes(9)
    story.agent_answers(agent_anna, 9, 40)  # in time
    story.customer_writes(10)
    story.agent_answers(agent_anna, 11)  # exactly at the due moment: on time
    story.customer_writes(12)
    story.at(13, 30)
    scheduler.tick(now=utc(2026, 6, 1, 13, 30))  # 13:00 passed: breached
    story.agent_answers(agent_anna, 13, 45)  # late: stays breached

    assert summary(story.outcomes("next_reply")) == [
        ("next_reply", "09:00", "met"),
        ("next_reply", "10:00", "met"),
        ("next_reply", "12:00", "breached"),
    ]
    late = story.outcomes("next_reply")[-1]
    assert (late.due_at, late.ended_at) == (utc(2026, 6, 1, 13), utc(2026, 6, 1, 13))
    met = story.outcomes("next_reply")[0]
    assert (met.ended_at, met.policy, met.team) == (
        utc(2026, 6, 1, 9, 40),
        hourly_policy,
        story.conversation.team,
    )
    assert summary(story.outcomes("first_reply")) == [("first_reply", "08:00", "met")]


def test_periodic_updates_are_met_by_each_answer_and_breached_by_silence(
    story, hourly_policy, agent_anna
):
    story.customer_writes(8)
    story.agent_answers(agent_anna, 9)  # news within 2 h: met; the next is due at 11:00
    scheduler.tick(now=utc(2026, 6, 1, 11, 5))

    assert summary(story.outcomes("periodic_update")) == [
        ("periodic_update", "08:00", "met"),
        ("periodic_update", "09:00", "breached"),
    ]
    breach = story.outcomes("periodic_update")[1]
    assert breach.ended_at == breach.due_at == utc(2026, 6, 1, 11)
    breached_events = Event.objects.filter(conversation=story.conversation, kind="sla.breached")
    assert [e.data["target"] for e in breached_events] == ["periodic_update"]


def test_a_reassigned_conversation_counts_for_whoever_had_it_when_the_cycle_ended(
    story, hourly_policy, agent_anna, agent_bruno, admin_zofia
):
    story.customer_writes(8)
    story.change(admin_zofia, 8, 5, assignee=agent_anna)
    story.agent_answers(agent_anna, 8, 30)  # first reply: Anna's
    story.customer_writes(9)
    story.change(admin_zofia, 9, 10, assignee=agent_bruno)
    story.agent_answers(agent_bruno, 9, 30)  # next reply: Bruno's
    story.customer_writes(10)
    scheduler.tick(now=utc(2026, 6, 1, 11, 1))  # Bruno's silence: breached at 11:00
    story.change(admin_zofia, 11, 30, assignee=agent_anna)

    owners = {
        (r.target, r.cycle_started_at.strftime("%H:%M")): r.assignee for r in story.outcomes()
    }
    assert owners[("first_reply", "08:00")] == agent_anna
    assert owners[("next_reply", "09:00")] == agent_bruno
    assert owners[("next_reply", "10:00")] == agent_bruno
    assert owners[("periodic_update", "08:00")] == agent_anna  # met by Anna's first answer
    assert owners[("periodic_update", "08:30")] == agent_bruno


def test_late_recording_and_the_backfill_still_credit_who_had_it_then(
    story, hourly_policy, agent_anna, agent_bruno, admin_zofia
):
    story.customer_writes(8)
    story.change(admin_zofia, 8, 5, assignee=agent_anna)
    story.agent_answers(agent_anna, 8, 30)
    story.change(admin_zofia, 9, assignee=agent_bruno)
    recorded = summary(story.outcomes())
    SlaOutcome.objects.all().delete()  # as if the data came from before outcomes existed

    assert backfill_outcomes(now=utc(2026, 6, 1, 9, 30)) == 1
    assert backfill_outcomes(now=utc(2026, 6, 1, 9, 30)) == 1  # idempotent

    assert summary(story.outcomes()) == recorded
    assert {r.assignee for r in story.outcomes()} == {agent_anna}


def test_a_merged_conversations_open_cycles_are_cancelled_not_breached(
    story, hourly_policy, receive, support_team, agent_anna, settle
):
    story.customer_writes(8)  # nobody answers Ewa's first message
    story.at(8, 30)
    survivor = receive(support_team, "ewa@example.pl", "Invoice again", "Hello??").conversation
    settle(survivor)
    story.at(8, 40)
    merge_conversations(story.conversation, survivor, actor=agent_anna)
    settle(story.conversation)
    settle(survivor)
    scheduler.tick(now=utc(2026, 6, 1, 12))  # well past the merged one's due moments

    assert summary(story.outcomes()) == [
        ("first_reply", "08:00", "cancelled"),
        ("periodic_update", "08:00", "cancelled"),
        ("resolution", "08:00", "cancelled"),
    ]
    assert not Event.objects.filter(conversation=story.conversation, kind="sla.breached")
    # The wait carried over to the survivor, where silence is breached.
    assert ("first_reply", "08:00", "breached") in summary(story.outcomes(conversation=survivor))


def test_closing_without_an_answer_cancels_the_reply_and_resolves(story, hourly_policy, agent_anna):
    story.customer_writes(8)
    story.change(agent_anna, 8, 20, status="closed")

    assert summary(story.outcomes()) == [
        ("first_reply", "08:00", "cancelled"),
        ("periodic_update", "08:00", "cancelled"),
        ("resolution", "08:00", "met"),
    ]
    # Reopened, the resolution and update cycles run again: their outcome is taken back.
    story.change(agent_anna, 9, status="open")
    assert summary(story.outcomes()) == [("first_reply", "08:00", "cancelled")]
    story.change(agent_anna, 9, 30, status="solved")
    assert story.outcomes("resolution")[0].ended_at == utc(2026, 6, 1, 9, 30)


def test_a_bounced_answer_takes_the_met_outcome_back(
    story, hourly_policy, agent_anna, deliver, settle
):
    story.customer_writes(8)
    answer = story.agent_answers(agent_anna, 8, 30)
    assert summary(story.outcomes("first_reply")) == [("first_reply", "08:00", "met")]

    story.at(8, 50)
    deliver(answer, outcome="bounced")
    settle(story.conversation)
    assert story.outcomes("first_reply") == []  # waiting again
    scheduler.tick(now=utc(2026, 6, 1, 9, 5))
    assert summary(story.outcomes("first_reply")) == [("first_reply", "08:00", "breached")]


def test_a_policy_without_the_target_cancels_its_running_cycle(story, hourly_policy, agent_anna):
    save_policy(
        actor=None,
        name="Urgent",
        position=0,
        priority="urgent",
        first_reply_minutes=30,
        business_time=False,
    )
    story.customer_writes(8)
    story.agent_answers(agent_anna, 8, 10)
    story.customer_writes(8, 20)
    story.change(agent_anna, 8, 30, priority="urgent")  # Urgent has no next-reply target

    [cancelled] = story.outcomes("next_reply")
    assert (cancelled.outcome, cancelled.ended_at, cancelled.policy) == (
        "cancelled",
        utc(2026, 6, 1, 8, 30),
        hourly_policy,
    )


def test_a_double_tick_records_each_outcome_once(story, hourly_policy):
    story.customer_writes(8)
    for now in [utc(2026, 6, 1, 9, 30), utc(2026, 6, 1, 9, 30), utc(2026, 6, 1, 9, 45)]:
        scheduler.tick(now=now)

    assert summary(story.outcomes()) == [("first_reply", "08:00", "breached")]
    keys = Counter(
        e.data["key"]
        for e in Event.objects.filter(conversation=story.conversation)
        if e.kind == "sla.breached"
    )
    assert list(keys.values()) == [1]


@pytest.mark.usefixtures("warsaw_hours", "standard_policy", "urgent_policy")
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=10 * 60),
            st.sampled_from(["customer", "reply", "bounce", "status", "priority", "tick"]),
            st.sampled_from(["open", "pending", "solved", "closed"]),
        ),
        min_size=1,
        max_size=10,
    )
)
def test_breached_outcomes_are_exactly_the_emitted_breaches(
    steps, frozen, receive, support_team, agent_anna, deliver, settle
):
    """Whatever happens, each sla.breached event has one breached outcome and the other
    way round, and no cycle has two rows."""
    from datetime import timedelta

    now = utc(2026, 3, 26, 7)
    frozen.move_to(now)
    conversation = receive(support_team, "ewa@example.pl", "Pytanie", "?").conversation
    settle(conversation)
    sent = []
    for minutes, step, status in steps:
        now += timedelta(minutes=minutes)
        frozen.move_to(now)
        if step == "customer":
            receive(support_team, "ewa@example.pl", "Re", "!", conversation=conversation)
        elif step == "reply":
            message = reply(conversation, actor=agent_anna, body="Odpowiedź")
            deliver(message)
            sent.append(message)
        elif step == "bounce" and sent:
            deliver(sent.pop(), outcome="bounced")
        elif step == "status":
            update_conversation(conversation, actor=agent_anna, status=status)
        elif step == "priority":
            conversation.refresh_from_db()
            new = "normal" if conversation.priority == "urgent" else "urgent"
            update_conversation(conversation, actor=agent_anna, priority=new)
        if step == "tick":
            scheduler.tick(now=now)
        else:
            settle(conversation)

    rows = SlaOutcome.objects.filter(conversation=conversation)
    breaches = {
        (e.data["target"], e.data["started_at"])
        for e in Event.objects.filter(conversation=conversation, kind="sla.breached")
    }
    assert {
        (r.target, r.cycle_started_at.isoformat()) for r in rows if r.outcome == "breached"
    } == breaches
    assert len({(r.target, r.cycle_started_at) for r in rows}) == len(rows)
