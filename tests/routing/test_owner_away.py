"""Story 4: the advisor is away and the customer is still served. Her new conversation
goes to the substitute, who is told why; she is told once, in Polish, who covers and
until when (never why Anna is away); at the absence's end the conversation goes back to
Anna unless Piotr answered her, and Anna gets a hand-back summary."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from klient.conversations.models import Message
from klient.core.models import Event
from klient.core.wiring import dispatch_pending
from klient.notifications.models import Notification
from klient.routing.coverage import sweep_ended_coverage
from klient.routing.models import Coverage


def test_the_owner_gets_her_customers_conversation_when_she_is_there(
    anna, piotr, mrs_zielinska, write
):
    conversation = write("Przelew", "Dzień dobry, przelew nie doszedł.")

    assert conversation.assignee == anna
    event = Event.objects.get(kind="routing.assigned")
    assert event.data["reason"] == "owner"


def test_an_away_owners_conversation_goes_to_her_substitute_who_is_told_why(
    anna_away, piotr, mrs_zielinska, write
):
    conversation = write("Zablokowana karta", "Moja karta jest zablokowana, pilne!")

    assert conversation.assignee == piotr
    decided = Event.objects.get(kind="routing.assigned")
    assert decided.data["reason"] == "owner_away_substitute"
    assert decided.data["covering"] == anna_away.agent_id
    told = Notification.objects.get(recipient=piotr, kind="routing.assigned_to_you")
    assert told.worded() == (
        f"Assigned to you: {conversation.reference} (owner away, you are the substitute)."
    )


def test_the_customer_is_told_once_in_polish_who_covers_and_until_when_never_why(
    anna_away, piotr, mrs_zielinska, write, smtp_sink
):
    conversation = write("Zablokowana karta", "Moja karta jest zablokowana, pilne!")
    write("Re: Zablokowana karta", "Czy ktoś to widział?", conversation=conversation)

    notices = Message.objects.filter(conversation=conversation, sender=Message.Sender.SYSTEM)
    assert notices.count() == 1
    body = notices.get().body_text
    local_end = anna_away.ends_at.astimezone(ZoneInfo("Europe/Warsaw"))
    assert body.startswith(f"Anna Kowalska jest poza biurem do {local_end.day} ")
    assert body.endswith(
        f"), {local_end:%H:%M}. W tym czasie Państwa sprawą zajmuje się Piotr Nowak."
    )
    assert "Tatrach" not in body  # the absence's reason is Anna's own
    [email] = smtp_sink.wait_for(1)
    assert email["To"] == "h.zielinska@poczta.example"
    assert "Piotr Nowak" in email.get_body(("plain",)).get_content()


def test_at_the_absence_end_the_conversation_goes_back_and_anna_gets_the_summary(
    anna, anna_away, piotr, mrs_zielinska, write
):
    conversation = write("Zablokowana karta", "Moja karta jest zablokowana, pilne!")

    handled = sweep_ended_coverage(now=anna_away.ends_at + timedelta(minutes=1))
    dispatch_pending()

    conversation.refresh_from_db()
    assert handled == 1
    assert conversation.assignee == anna
    assert Coverage.objects.get().state == "returned"
    summary = Notification.objects.get(recipient=anna, kind="routing.hand_back_summary")
    assert conversation.reference in summary.worded()
    assert summary.worded().startswith("Welcome back.")


def test_a_conversation_the_substitute_answered_stays_his(
    anna, anna_away, piotr, mrs_zielinska, write
):
    from klient.conversations.actions import reply

    conversation = write("Zablokowana karta", "Moja karta jest zablokowana, pilne!")
    reply(conversation, actor=piotr, body="Odblokowałem kartę, proszę spróbować ponownie.")

    sweep_ended_coverage(now=anna_away.ends_at + timedelta(minutes=1))

    conversation.refresh_from_db()
    assert conversation.assignee == piotr
    assert Coverage.objects.get().state == "kept"
    assert sweep_ended_coverage(now=anna_away.ends_at + timedelta(hours=1)) == 0


def test_a_new_message_on_an_away_owners_open_conversation_moves_to_the_substitute(
    anna, piotr, mrs_zielinska, write
):
    from datetime import timedelta as td

    from django.utils import timezone

    from klient.people.actions import create_absence

    conversation = write("Kredyt", "Pytanie o kredyt hipoteczny.")
    assert conversation.assignee == anna
    now = timezone.now()
    create_absence(
        anna,
        actor=None,
        starts_at=now - td(minutes=5),
        ends_at=now + td(days=2),
        substitute_agent=piotr,
    )

    conversation = write("Re: Kredyt", "Czy jest już decyzja?", conversation=conversation)

    assert conversation.assignee == piotr
    assert Coverage.objects.get(conversation=conversation).owner == anna


def test_work_nobody_can_take_waits_and_goes_to_the_first_agent_back_online(
    anna_away, piotr, mrs_zielinska, write
):
    from klient.people.presence import set_status
    from klient.routing.models import QueuedConversation

    set_status(piotr, "offline", actor=piotr)
    conversation = write("Zablokowana karta", "Moja karta jest zablokowana, pilne!")
    assert conversation.assignee is None
    assert QueuedConversation.objects.filter(conversation=conversation).exists()

    set_status(piotr, "online", actor=piotr)
    dispatch_pending()

    conversation.refresh_from_db()
    assert conversation.assignee == piotr
    assert not QueuedConversation.objects.exists()


def test_route_is_there_for_other_domains(anna, mrs_zielinska, write):
    from klient.routing.actions import route

    conversation = write("Oddzwonienie", "Proszę o telefon.")

    assert route(conversation, why="callback", channel="email") == anna


def test_an_owner_outside_her_working_hours_gets_no_new_work_and_a_colleague_does(
    anna, piotr, mrs_zielinska, write
):
    from django.utils import timezone

    from klient.calendars.actions import save_agent_hours

    tomorrow = (timezone.now().weekday() + 1) % 7  # in UTC, the zone of her hours
    save_agent_hours(anna, actor=None, time_zone="UTC", hours={tomorrow: [("00:00", "23:59")]})

    conversation = write("Przelew", "Dzień dobry, przelew nie doszedł.")

    assert conversation.assignee == piotr
    assert Event.objects.get(kind="routing.assigned").data["reason"] == "owner_unavailable"


def test_a_conversation_assigned_to_an_agent_now_away_follows_her_substitute(
    anna, piotr, ewa, bank_team, receive
):
    """Not Anna's customer, but Anna's conversation: a new message goes to Piotr, and the
    conversation comes back to her when she does."""
    from datetime import timedelta as td

    from django.utils import timezone

    from klient.conversations.actions import update_conversation
    from klient.people.actions import create_absence

    first = receive(bank_team, "jan@firma.example", "Leasing", "Pytanie o leasing.")
    conversation = update_conversation(first.conversation, actor=ewa, assignee=anna)
    now = timezone.now()
    away = create_absence(
        anna,
        actor=None,
        starts_at=now - td(minutes=5),
        ends_at=now + td(days=2),
        substitute_agent=piotr,
    )

    receive(
        bank_team,
        "jan@firma.example",
        "Re: Leasing",
        "Czy są już warunki?",
        conversation=conversation,
    )
    dispatch_pending()
    conversation.refresh_from_db()
    assert conversation.assignee == piotr

    sweep_ended_coverage(now=away.ends_at + td(minutes=1))
    conversation.refresh_from_db()
    assert conversation.assignee == anna
