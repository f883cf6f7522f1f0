"""Story 3: "call back if it still fails" — a solved conversation with a check back in N
days reopens by itself, with a note, when the customer has not confirmed by then."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from klient.collab.followups import sweep_due_follow_ups
from klient.collab.models import FollowUp
from klient.conversations.actions import update_conversation
from klient.conversations.models import Conversation, Message
from klient.core.wiring import SWEEPS, dispatch_pending
from klient.notifications.models import Notification


@pytest.fixture
def sim_error(support_team, receive, agent_anna):
    """A customer's phone shows a SIM error; Anna explained what to check."""
    message = receive(
        support_team,
        "ewa@poczta.pl",
        "Błąd karty SIM",
        "Od dwóch dni telefon pokazuje błąd karty SIM po przeniesieniu numeru.",
        from_name="Ewa Zielińska",
        language="pl",
    )
    return update_conversation(message.conversation, actor=agent_anna, assignee=agent_anna)


def in_days(days: float):
    return timezone.now() + timedelta(days=days)


def notes(conversation):
    return list(conversation.messages.filter(kind=Message.Kind.NOTE))


def test_solved_with_a_check_back_reopens_after_three_days_without_news(
    sim_error, agent_anna, anna_client
):
    response = anna_client.post(f"/collab/c/{sim_error.reference}/follow-up/", {"days": "3"})
    assert response.status_code == 302
    sim_error.refresh_from_db()
    assert sim_error.status == Conversation.Status.SOLVED
    follow_up = FollowUp.objects.get()
    assert follow_up.days == 3 and follow_up.state == FollowUp.State.SCHEDULED

    # Two days later: nothing yet.
    assert sweep_due_follow_ups(now=in_days(2)) == 0
    sim_error.refresh_from_db()
    assert sim_error.status == Conversation.Status.SOLVED

    # Three days later, still no word from the customer: it reopens, with a note why.
    assert sweep_due_follow_ups(now=in_days(3.01)) == 1

    sim_error.refresh_from_db()
    assert sim_error.status == Conversation.Status.OPEN
    [note] = notes(sim_error)
    assert note.body_text.startswith("Reopened automatically")
    assert "3 days" in note.body_text
    [notification] = Notification.objects.filter(kind="followup.reopened")
    assert notification.recipient == agent_anna
    assert FollowUp.objects.get().state == FollowUp.State.FIRED
    assert (
        "Reopened automatically" in anna_client.get(f"/c/{sim_error.reference}/").content.decode()
    )


def test_a_customer_reply_before_then_cancels_the_follow_up(
    sim_error, agent_anna, receive, support_team
):
    from klient.collab.followups import solve_and_check_back

    solve_and_check_back(sim_error, actor=agent_anna, days=3)
    receive(
        support_team,
        "ewa@poczta.pl",
        "Re: Błąd karty SIM",
        "Włożyłam nową kartę i działa, dziękuję!",
        conversation=sim_error,
    )
    dispatch_pending()  # the handlers wired on message.received and status.changed

    assert FollowUp.objects.get().state == FollowUp.State.CANCELLED
    assert FollowUp.objects.get().cancel_reason == "customer wrote"
    assert sweep_due_follow_ups(now=in_days(4)) == 0
    assert notes(sim_error) == []


def test_the_sweep_checks_again_when_the_cancelling_handler_was_lost(
    sim_error, agent_anna, receive, support_team
):
    from klient.collab.followups import solve_and_check_back

    solve_and_check_back(sim_error, actor=agent_anna, days=3)
    receive(support_team, "ewa@poczta.pl", "Re: Błąd", "Działa!", conversation=sim_error)
    # No dispatch: the handler never ran.

    assert sweep_due_follow_ups(now=in_days(3.5)) == 1

    assert FollowUp.objects.get().state == FollowUp.State.CANCELLED
    assert notes(sim_error) == []


def test_an_agent_reopening_or_closing_cancels_it(sim_error, agent_anna):
    from klient.collab.followups import solve_and_check_back

    solve_and_check_back(sim_error, actor=agent_anna, days=3)
    update_conversation(sim_error, actor=agent_anna, status=Conversation.Status.CLOSED)
    dispatch_pending()

    follow_up = FollowUp.objects.get()
    assert (follow_up.state, follow_up.cancel_reason) == ("cancelled", "closed")


def test_solving_again_with_a_check_back_replaces_the_pending_one(sim_error, agent_anna):
    from klient.collab.followups import solve_and_check_back

    solve_and_check_back(sim_error, actor=agent_anna, days=3)
    solve_and_check_back(sim_error, actor=agent_anna, days=7)

    assert [f.state for f in FollowUp.objects.order_by("id")] == ["cancelled", "scheduled"]
    assert sweep_due_follow_ups(now=in_days(4)) == 0


def test_running_the_sweep_twice_reopens_once(sim_error, agent_anna):
    from klient.collab.followups import solve_and_check_back

    solve_and_check_back(sim_error, actor=agent_anna, days=3)

    assert sweep_due_follow_ups(now=in_days(3.5)) == 1
    assert sweep_due_follow_ups(now=in_days(3.5)) == 0

    assert len(notes(sim_error)) == 1
    assert Notification.objects.filter(kind="followup.reopened").count() == 1


def test_a_worker_that_died_mid_way_is_redriven_without_a_second_note(sim_error, agent_anna):
    from klient.collab import followups

    follow_up = followups.solve_and_check_back(sim_error, actor=agent_anna, days=3)
    later = in_days(3.5)
    # A worker claimed it and wrote the note, then died before reopening.
    assert followups._claim(later, 10) == [follow_up.pk]
    from klient.conversations.actions import add_note

    add_note(sim_error, actor=None, body=followups.note_text(FollowUp.objects.get()))

    # Its lease expires; the next sweep finishes the job, without a second note.
    assert sweep_due_follow_ups(now=later + timedelta(hours=1)) == 1

    sim_error.refresh_from_db()
    assert sim_error.status == Conversation.Status.OPEN
    assert len(notes(sim_error)) == 1
    assert FollowUp.objects.get().state == FollowUp.State.FIRED


def test_the_sweep_is_wired_into_the_worker():
    assert "klient.collab.followups.sweep_due_follow_ups" in SWEEPS


@pytest.mark.django_db(transaction=True)  # two threads, two connections: real commits
def test_two_workers_sweeping_at_once_reopen_it_once(sim_error, agent_anna):
    from klient.collab.followups import solve_and_check_back

    solve_and_check_back(sim_error, actor=agent_anna, days=3)
    later = in_days(3.5)
    start = threading.Barrier(2)
    handled: list[int] = []

    def worker():
        try:
            start.wait()
            handled.append(sweep_due_follow_ups(now=later))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(handled) == [0, 1]
    assert len(notes(sim_error)) == 1
    assert Notification.objects.filter(kind="followup.reopened").count() == 1
    sim_error.refresh_from_db()
    assert sim_error.status == Conversation.Status.OPEN


def test_days_out_of_range_are_refused(sim_error, anna_client):
    response = anna_client.post(f"/collab/c/{sim_error.reference}/follow-up/", {"days": "0"})

    assert response.status_code == 302
    assert not FollowUp.objects.exists()
    sim_error.refresh_from_db()
    assert sim_error.status != Conversation.Status.SOLVED
