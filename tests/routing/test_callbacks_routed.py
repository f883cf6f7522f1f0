"""Story 4's callback: while Anna is on holiday, the call-back her customer asks for goes to
Piotr, her substitute, who has the workspace open; a callback nobody can take now stays with
whoever has the conversation."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from klient.phone.callbacks import request_callback


def ask_for_a_call_back(conversation):
    now = timezone.now()
    return request_callback(
        phone="+48 601 234 567",
        window_start=now,
        window_end=now + timedelta(hours=3),
        time_zone="Europe/Warsaw",
        source="api",
        conversation=conversation,
    )


def test_an_owner_who_goes_away_has_her_callback_taken_by_her_connected_substitute(
    anna, piotr, mrs_zielinska, write
):
    from klient.people.actions import create_absence
    from klient.people.presence import heartbeat

    conversation = write("Zablokowana karta", "Proszę o telefon, karta zablokowana.")
    assert conversation.assignee == anna
    now = timezone.now()
    create_absence(
        anna, actor=None, starts_at=now, ends_at=now + timedelta(days=7), substitute_agent=piotr
    )
    heartbeat(piotr)

    callback = ask_for_a_call_back(conversation)

    assert callback.assignee == piotr


def test_a_callback_is_real_time_work_for_a_colleague_at_the_workspace(
    anna, piotr, mrs_zielinska, write
):
    """Anna is in but has no workspace open: calling back now is real-time work."""
    from klient.people.presence import heartbeat

    conversation = write("Przelew", "Proszę o telefon w sprawie przelewu.")
    heartbeat(piotr)

    callback = ask_for_a_call_back(conversation)

    assert conversation.assignee == anna
    assert callback.assignee == piotr


def test_a_callback_nobody_can_take_now_stays_with_the_conversations_agent(
    anna, mrs_zielinska, write
):
    conversation = write("Przelew", "Proszę o telefon w sprawie przelewu.")
    assert conversation.assignee == anna  # her owner, by email; not connected now

    callback = ask_for_a_call_back(conversation)

    assert callback.assignee == anna


def test_a_conversation_goes_back_to_the_owner_unless_the_substitute_reached_the_customer(
    anna, piotr, mrs_zielinska, write
):
    """Piotr called back the customer of one conversation and reached her: that one stays
    his at Anna's return; the one he only owed a call-back goes back to Anna."""
    from klient.people.actions import create_absence
    from klient.people.presence import heartbeat
    from klient.phone.callbacks import record_attempt
    from klient.routing.coverage import sweep_ended_coverage
    from support import worker_runs

    now = timezone.now()
    holiday = create_absence(
        anna, actor=None, starts_at=now, ends_at=now + timedelta(days=7), substitute_agent=piotr
    )
    heartbeat(piotr)
    reached = write("Zablokowana karta", "Proszę o telefon, karta zablokowana.")
    owed = write("Przelew", "Proszę o telefon w sprawie przelewu.")
    assert reached.assignee == owed.assignee == piotr
    record_attempt(ask_for_a_call_back(reached), actor=piotr, outcome="reached")
    ask_for_a_call_back(owed)

    sweep_ended_coverage(now=holiday.ends_at + timedelta(minutes=1))
    worker_runs(at=holiday.ends_at + timedelta(minutes=2))

    reached.refresh_from_db()
    owed.refresh_from_db()
    assert (reached.assignee, owed.assignee) == (piotr, anna)
