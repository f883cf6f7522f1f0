"""Story 4, replayed: she writes to six agencies about a new website. One sends an automatic
reply only, one answers, four stay silent. Klient warns at 75% of the first-reply target
and reports each breach at its moment, exactly once, and a month of silence adds nothing
more (no periodic-update or resolution targets in these policies)."""

from datetime import UTC, datetime, timedelta

import pytest

from klient.calendars.actions import save_team_hours
from klient.conversations.actions import acknowledge, reply
from klient.people.actions import create_agent, create_team
from klient.sla import scheduler
from klient.sla.admin_actions import save_policy
from klient.sla.models import ConversationSla

# Thursday 30 April 2026, 14:00 in Warsaw. Friday 1 May is Labour Day (and 3 May a Sunday).
SENT = datetime(2026, 4, 30, 12, tzinfo=UTC)
WARSAW_WEEKDAYS = {day: [("09:00", "17:00")] for day in range(5)}


def utc(*args):
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def agencies(db):
    """Six agencies. Five keep Warsaw business hours under the default policy (first reply
    within 8 business hours); the sixth, a 24/7 studio, promises 24 hours of calendar time."""
    teams = []
    for number in range(1, 7):
        team = create_team(f"Agency {number}", address=f"hello@agency{number}.example")
        if number < 6:
            save_team_hours(
                team, actor=None, time_zone="Europe/Warsaw", hours=WARSAW_WEEKDAYS, country="PL"
            )
        teams.append(team)
    save_policy(actor=None, name="Agencies", position=100, first_reply_minutes=8 * 60)
    save_policy(
        actor=None,
        name="Studio 24/7",
        position=10,
        team=teams[5],
        first_reply_minutes=24 * 60,
        business_time=False,
    )
    return teams


def test_six_inquiries_one_auto_reply_one_answer_and_silence(
    agencies, frozen, receive, deliver, settle, sla_events
):
    frozen.move_to(SENT)
    inquiries = [
        receive(team, "marta@example.pl", "Nowa strona www", "Dzień dobry, ...").conversation
        for team in agencies
    ]
    for conversation in inquiries:
        settle(conversation)
    auto_replied, answered, *_silent = inquiries

    frozen.move_to(SENT + timedelta(minutes=1))
    deliver(acknowledge(auto_replied, body="Dziękujemy, odpowiemy wkrótce."))
    settle(auto_replied)

    agent, _ = create_agent("piotr@agency2.example", name="Piotr", teams=[agencies[1]])
    frozen.move_to(utc(2026, 5, 4, 8))  # Monday 10:00 in Warsaw: 4 business hours used
    deliver(reply(answered, actor=agent, body="Chętnie przygotujemy ofertę."))
    settle(answered)

    # 8 business hours: 14-17 on Thursday, none on Friday 1 May or the weekend, then 5 on
    # Monday 4 May: due at 14:00 CEST (12:00 UTC); the warning at 6 h, 12:00 CEST (10:00 UTC).
    warning, breach = utc(2026, 5, 4, 10), utc(2026, 5, 4, 12)
    studio_warning, studio_breach = SENT + timedelta(hours=18), SENT + timedelta(hours=24)
    business = inquiries[:5]
    studio = inquiries[5]

    ticks = [
        (studio_warning - timedelta(seconds=1), 0),
        (studio_warning, 1),
        (studio_breach, 1),
        (warning - timedelta(seconds=1), 0),
        (warning, 4),
        (warning, 0),
        (breach - timedelta(seconds=1), 0),
        (breach, 4),
        (breach + timedelta(days=31), 0),
    ]
    for now, processed in ticks:
        assert scheduler.tick(now=now) == processed, now

    def alerts(conversation):
        return [
            (e.kind, e.data["moment"], e.at)
            for e in sla_events(conversation)
            if e.kind in ("sla.warning", "sla.breached")
        ]

    for conversation in business:
        if conversation == answered:
            assert alerts(conversation) == []
            assert ConversationSla.objects.get(conversation=conversation).first_reply_at
            continue
        assert alerts(conversation) == [
            ("sla.warning", warning.isoformat(), warning),
            ("sla.breached", breach.isoformat(), breach),
        ]
        sla = ConversationSla.objects.get(conversation=conversation)
        assert sla.first_reply_at is None and sla.breached == ["first_reply"]
        assert sla.next_due_at is None
    assert alerts(studio) == [
        ("sla.warning", studio_warning.isoformat(), studio_warning),
        ("sla.breached", studio_breach.isoformat(), studio_breach),
    ]
    assert ConversationSla.objects.get(conversation=studio).policy.name == "Studio 24/7"


def test_a_missed_first_reply_escalates_step_by_step_and_the_emails_arrive(
    agencies, frozen, receive, settle, sla_events, smtp_sink
):
    """Agency 3 escalates its missed first replies: the assignee hears of it at the breach,
    an hour later the lead hears of it, the priority goes up and the inquiry moves to the
    sales team. Each step happens at its moment, once, and its email reaches the agent."""
    from klient.conversations.actions import update_conversation
    from klient.mail.notifications import redrive_due_notification_emails
    from klient.notifications.models import Notification
    from klient.sla.models import EscalationStep, SlaPolicy

    agency = agencies[2]
    sales = create_team("Agency 3 sales", address="sales@agency3.example")
    kasia, _ = create_agent("kasia@agency3.example", name="Kasia", teams=[agency])
    lead, _ = create_agent("boss@agency3.example", name="Szef", teams=[agency])
    seller, _ = create_agent("jan@agency3.example", name="Jan", teams=[sales])
    agency.lead = lead
    agency.save(update_fields=["lead"])
    policy = SlaPolicy.objects.get(name="Agencies")
    for position, (delay, action) in enumerate(
        [(0, "notify_assignee"), (60, "notify_team_lead"), (60, "raise_priority"), (60, "reassign")]
    ):
        EscalationStep.objects.create(
            policy=policy,
            position=position,
            trigger="breach",
            target="first_reply",
            delay_minutes=delay,
            action=action,
            fallback_team=sales if action == "reassign" else None,
            fallback_agent=seller if action == "reassign" else None,
        )

    frozen.move_to(SENT)
    inquiry = receive(
        agency, "marta@example.pl", "Nowa strona www", "Dzień dobry, ..."
    ).conversation
    update_conversation(inquiry, actor=None, assignee=kasia)
    settle(inquiry)

    breach = utc(2026, 5, 4, 12)  # see the test above: Monday 14:00 in Warsaw
    an_hour_later = breach + timedelta(hours=1)

    def escalated():
        return [(e.data["action"], e.at) for e in sla_events(inquiry, "sla.escalated")]

    for now in [breach - timedelta(seconds=1), breach, breach]:
        scheduler.tick(now=now)
    assert escalated() == [("notify_assignee", breach)]
    for now in [an_hour_later - timedelta(seconds=1), an_hour_later, an_hour_later]:
        scheduler.tick(now=now)
    assert escalated() == [
        ("notify_assignee", breach),
        ("notify_team_lead", an_hour_later),
        ("raise_priority", an_hour_later),
        ("reassign", an_hour_later),
    ]
    inquiry.refresh_from_db()
    assert (inquiry.priority, inquiry.team, inquiry.assignee) == ("high", sales, seller)
    # The email copies go out through the relay, one per notification.
    assert redrive_due_notification_emails() == 3
    assert redrive_due_notification_emails() == 0
    emails = smtp_sink.wait_for(3)
    assert sorted(e["To"].addresses[0].addr_spec for e in emails) == [
        "boss@agency3.example",
        "jan@agency3.example",
        "kasia@agency3.example",
    ]
    assert all(inquiry.reference in e["Subject"] for e in emails)
    assert all(e["Auto-Submitted"] == "auto-generated" for e in emails)
    assert Notification.objects.filter(conversation=inquiry, email_state="sent").count() == 3
