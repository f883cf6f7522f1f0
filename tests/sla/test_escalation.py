"""Escalation: when Support misses the first reply to a customer, the assignee hears of it
at once; half an hour later the team lead hears of it, the priority goes up a level and the
conversation moves to Billing. Each step happens once per cycle of its target, even when
the scheduler ticks twice or a worker dies half-way."""

from datetime import UTC, datetime, timedelta

import pytest

from klient.conversations.actions import reply, update_conversation
from klient.conversations.models import Conversation
from klient.notifications.models import Notification
from klient.people.actions import create_agent
from klient.sla import escalation, scheduler
from klient.sla.admin_actions import save_policy
from klient.sla.models import EscalationStep, PendingEscalation

T0 = datetime(2026, 6, 1, 8, tzinfo=UTC)  # Monday 10:00 in Warsaw
BREACH = T0 + timedelta(hours=1)
LATER = BREACH + timedelta(minutes=30)


@pytest.fixture
def lead_lena(support_team):
    """Lena leads Support."""
    lena, _ = create_agent("lena@shop.example", name="Lena Lead", teams=[support_team])
    support_team.lead = lena
    support_team.save(update_fields=["lead"])
    return lena


@pytest.fixture
def policy(db, billing_team):
    """First reply within an hour of calendar time, next reply within an hour; on a breach
    of the first reply: tell the assignee, and 30 minutes later the lead, raise the
    priority and hand the conversation to Billing."""
    policy = save_policy(
        actor=None,
        name="Escalating",
        position=1,
        first_reply_minutes=60,
        next_reply_minutes=60,
        business_time=False,
    )
    for position, (target, delay, action) in enumerate(
        [
            ("first_reply", 0, "notify_assignee"),
            ("first_reply", 30, "notify_team_lead"),
            ("first_reply", 30, "raise_priority"),
            ("first_reply", 30, "reassign"),
            ("next_reply", 0, "notify_assignee"),
        ]
    ):
        EscalationStep.objects.create(
            policy=policy,
            position=position,
            trigger="breach",
            target=target,
            delay_minutes=delay,
            action=action,
            fallback_team=billing_team if action == "reassign" else None,
        )
    return policy


@pytest.fixture
def waiting(policy, support_team, agent_anna, receive, frozen, settle):
    """A customer writes to Support at T0; Anna is assigned."""
    frozen.move_to(T0)
    conversation = receive(
        support_team, "ola@klientka.pl", "Zwrot", "Chcę zwrócić buty."
    ).conversation
    update_conversation(conversation, actor=None, assignee=agent_anna)
    settle(conversation)
    return conversation


def escalations(conversation):
    from klient.core.models import Event

    return [
        (e.data["action"], e.data["target"], e.at)
        for e in Event.objects.filter(conversation=conversation, kind="sla.escalated").order_by(
            "id"
        )
    ]


def notified(user):
    return list(Notification.objects.filter(recipient=user).order_by("id"))


def test_breach_notifies_the_assignee_then_the_lead_raises_priority_and_reassigns(
    waiting, agent_anna, agent_bruno, lead_lena, billing_team
):
    scheduler.tick(now=BREACH - timedelta(seconds=1))
    assert escalations(waiting) == []

    scheduler.tick(now=BREACH)
    assert escalations(waiting) == [("notify_assignee", "first_reply", BREACH)]
    [to_anna] = notified(agent_anna)
    assert to_anna.kind == "sla.escalation"
    assert to_anna.conversation == waiting
    assert to_anna.url == f"/c/{waiting.reference}/"
    assert waiting.reference in to_anna.text
    assert to_anna.email_state == "pending"
    assert notified(lead_lena) == []

    scheduler.tick(now=LATER - timedelta(seconds=1))
    assert len(escalations(waiting)) == 1

    scheduler.tick(now=LATER)
    assert escalations(waiting) == [
        ("notify_assignee", "first_reply", BREACH),
        ("notify_team_lead", "first_reply", LATER),
        ("raise_priority", "first_reply", LATER),
        ("reassign", "first_reply", LATER),
    ]
    [to_lena] = notified(lead_lena)
    assert waiting.reference in to_lena.text
    waiting.refresh_from_db()
    assert waiting.priority == "high"
    assert waiting.team == billing_team
    assert waiting.assignee is None
    # Billing has no lead: its members learn that the conversation is now theirs.
    [to_bruno] = notified(agent_bruno)
    assert to_bruno.conversation == waiting
    assert len(notified(agent_anna)) == 1


def test_each_step_fires_once_however_often_the_scheduler_ticks(waiting, agent_anna, lead_lena):
    for now in [BREACH, BREACH, LATER, LATER, LATER + timedelta(days=30)]:
        scheduler.tick(now=now)
        escalation.fire_due(now)

    assert [action for action, _, _ in escalations(waiting)] == [
        "notify_assignee",
        "notify_team_lead",
        "raise_priority",
        "reassign",
    ]
    assert len(notified(agent_anna)) == 1
    assert len(notified(lead_lena)) == 1
    waiting.refresh_from_db()
    assert waiting.priority == "high"  # one level up, not two
    assert set(PendingEscalation.objects.values_list("state", flat=True)) == {"done"}


def test_a_worker_dying_after_raising_the_priority_does_not_raise_it_twice(
    waiting, lead_lena, settings
):
    scheduler.tick(now=BREACH)
    raise_step = PendingEscalation.objects.get(step__action="raise_priority")
    # A worker claims the step and raises the priority, then dies before recording it.
    claimed = escalation._claim(raise_step.pk, LATER)
    assert not isinstance(claimed, str)
    escalation._change(claimed[0])
    waiting.refresh_from_db()
    assert waiting.priority == "high"

    # While its lease runs, nobody else takes the step; the other steps go on.
    scheduler.tick(now=LATER)
    assert "raise_priority" not in [a for a, _, _ in escalations(waiting)]
    assert PendingEscalation.objects.get(pk=raise_step.pk).state == "pending"

    # Once the lease has expired, the sweep finishes it: once, and one level up only.
    after_lease = LATER + timedelta(seconds=settings.KLIENT_LEASE_SECONDS + 1)
    scheduler.tick(now=after_lease)
    scheduler.tick(now=after_lease)
    assert [a for a, _, _ in escalations(waiting)].count("raise_priority") == 1
    waiting.refresh_from_db()
    assert waiting.priority == "high"
    assert PendingEscalation.objects.get(pk=raise_step.pk).attempts == 2


def test_a_worker_dying_before_notifying_leaves_the_step_to_the_next_one(waiting, lead_lena):
    scheduler.tick(now=BREACH)
    lead_step = PendingEscalation.objects.get(step__action="notify_team_lead")
    escalation._claim(lead_step.pk, LATER)  # claimed, then the worker dies

    later_still = LATER + timedelta(hours=1)
    scheduler.tick(now=later_still)

    assert len(notified(lead_lena)) == 1
    assert [a for a, _, _ in escalations(waiting)].count("notify_team_lead") == 1


def test_a_step_claimed_by_two_workers_fires_once(waiting, lead_lena, settings):
    scheduler.tick(now=BREACH)
    lead_step = PendingEscalation.objects.get(step__action="notify_team_lead")
    claimed = escalation._claim(lead_step.pk, LATER)  # the first worker
    assert not isinstance(claimed, str)
    row, first = claimed

    assert escalation.fire(lead_step.pk, now=LATER) == "busy"  # the second one
    # The first worker stalls past its lease; the second takes the step over and fires it.
    after_lease = LATER + timedelta(seconds=settings.KLIENT_LEASE_SECONDS + 1)
    assert escalation.fire(lead_step.pk, now=after_lease) == "done"
    # The first one, back, finds its lease gone: no second notification or event.
    assert escalation._finish(first, row, after_lease) == "busy"

    assert len(notified(lead_lena)) == 1
    assert [a for a, _, _ in escalations(waiting)].count("notify_team_lead") == 1
    assert PendingEscalation.objects.get(pk=lead_step.pk).state == "done"


def test_an_answer_before_the_delay_cancels_the_later_steps(
    waiting, agent_anna, lead_lena, frozen, deliver, settle
):
    scheduler.tick(now=BREACH)
    frozen.move_to(BREACH + timedelta(minutes=10))
    deliver(reply(waiting, actor=agent_anna, body="Oczywiście, proszę odesłać buty."))
    settle(waiting)

    scheduler.tick(now=LATER)

    assert [a for a, _, _ in escalations(waiting)] == ["notify_assignee"]
    assert notified(lead_lena) == []
    waiting.refresh_from_db()
    assert (waiting.priority, waiting.team.name) == ("normal", "Support")
    assert set(
        PendingEscalation.objects.exclude(step__action="notify_assignee").values_list(
            "state", flat=True
        )
    ) == {"skipped"}


def test_a_new_next_reply_cycle_escalates_again(
    waiting, agent_anna, frozen, receive, support_team, deliver, settle
):
    frozen.move_to(T0 + timedelta(minutes=5))
    deliver(reply(waiting, actor=agent_anna, body="Proszę odesłać buty."))
    settle(waiting)
    for number, asked in enumerate([T0 + timedelta(hours=2), T0 + timedelta(hours=5)], 1):
        frozen.move_to(asked)
        receive(support_team, "ola@klientka.pl", "Re: Zwrot", "Halo?", conversation=waiting)
        settle(waiting)
        scheduler.tick(now=asked + timedelta(hours=1))
        scheduler.tick(now=asked + timedelta(hours=1))
        assert [a for a, t, _ in escalations(waiting) if t == "next_reply"] == [
            "notify_assignee"
        ] * number
        frozen.move_to(asked + timedelta(hours=1, minutes=5))
        deliver(reply(waiting, actor=agent_anna, body="Już sprawdzam."))
        settle(waiting)
    assert len(notified(agent_anna)) == 2


def test_without_an_assignee_the_team_lead_is_told_and_without_a_lead_the_team(
    policy, support_team, receive, frozen, settle, lead_lena, agent_anna
):
    frozen.move_to(T0)
    unassigned = receive(support_team, "jan@example.com", "Pytanie", "?").conversation
    settle(unassigned)
    scheduler.tick(now=BREACH)
    assert [n.conversation for n in notified(lead_lena)] == [unassigned]
    assert notified(agent_anna) == []

    support_team.lead = None
    support_team.save(update_fields=["lead"])
    frozen.move_to(T0 + timedelta(minutes=1))
    another = receive(support_team, "eva@example.com", "Pytanie 2", "?").conversation
    settle(another)
    scheduler.tick(now=BREACH + timedelta(minutes=1))
    assert {n.recipient for n in Notification.objects.filter(conversation=another)} == {
        lead_lena,
        agent_anna,
    }


def test_a_warning_step_fires_at_the_warning_with_its_delay(
    db, support_team, agent_anna, receive, frozen, settle
):
    policy = save_policy(
        actor=None, name="Warned", position=1, first_reply_minutes=100, business_time=False
    )
    EscalationStep.objects.create(
        policy=policy, trigger="warning", target="any", delay_minutes=5, action="raise_priority"
    )
    frozen.move_to(T0)
    conversation = receive(support_team, "jan@example.com", "Pytanie", "?").conversation
    update_conversation(conversation, actor=None, priority="urgent")
    settle(conversation)
    warning = T0 + timedelta(minutes=75)

    scheduler.tick(now=warning)
    scheduler.tick(now=warning + timedelta(minutes=5) - timedelta(seconds=1))
    assert escalations(conversation) == []
    scheduler.tick(now=warning + timedelta(minutes=5))
    assert escalations(conversation) == [
        ("raise_priority", "first_reply", warning + timedelta(minutes=5))
    ]
    conversation.refresh_from_db()
    assert conversation.priority == Conversation.Priority.URGENT  # already the highest


def test_a_solved_conversation_is_not_escalated(waiting, agent_anna, lead_lena, frozen, settle):
    scheduler.tick(now=BREACH)
    frozen.move_to(BREACH + timedelta(minutes=1))
    update_conversation(waiting, actor=agent_anna, status="solved")
    settle(waiting)

    scheduler.tick(now=LATER)

    assert notified(lead_lena) == []
    assert [a for a, _, _ in escalations(waiting)] == ["notify_assignee"]


def test_each_agent_reads_the_escalation_in_their_own_language(
    waiting, agent_anna, lead_lena, settings
):
    """Anna chose Polish, Lena English: the notices are worded when read, for each."""
    from django.utils import translation

    from klient.people.actions import set_agent_language

    set_agent_language(agent_anna, "pl", actor=None)
    set_agent_language(lead_lena, "en", actor=None)
    with translation.override("de"):  # the worker's active language makes no difference
        scheduler.tick(now=BREACH)
        scheduler.tick(now=LATER)

    [to_anna] = notified(agent_anna)
    [to_lena] = notified(lead_lena)
    assert to_anna.params["why"] == "assignee" and to_lena.params["why"] == "team_lead"
    with translation.override("pl"):
        assert to_anna.worded() == (
            f"{waiting.reference} „Zwrot”: przekroczono termin celu „pierwsza odpowiedź”. "
            "Jest przypisana do Ciebie."
        )
    with translation.override("en"):
        assert to_lena.worded() == (
            f"{waiting.reference} “Zwrot”: the first reply target was missed. "
            "Escalated to you as the lead of Support."
        )
    assert to_anna.text == (  # stored in English, whoever reads it
        f"{waiting.reference} “Zwrot”: the first reply target was missed. You are its assignee."
    )
