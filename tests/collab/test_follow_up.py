"""Story 3: "call back if it still fails" — a solved conversation with a check back in N
days reopens by itself, with a note, when the customer has not confirmed by then."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
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
from support import database_url


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


# A real worker process claims the due follow-up and dies (os._exit: no clean-up, no
# rollback sent) in the middle of firing it, after the note and the reopening were written.
FIRE_AND_DIE = textwrap.dedent(
    """
    import os
    from datetime import datetime
    import django

    django.setup()
    from klient.collab import followups

    def die(*args, **kwargs):
        os._exit(17)

    followups.notify = die
    followups.sweep_due_follow_ups(now=datetime.fromisoformat(os.environ["NOW"]))
    """
)


@pytest.mark.django_db(transaction=True)
def test_a_worker_that_died_mid_way_leaves_nothing_and_the_next_one_fires_it_once(
    sim_error, agent_anna, settings, tmp_path
):
    from klient.collab import followups

    followups.solve_and_check_back(sim_error, actor=agent_anna, days=3)
    later = in_days(3.5)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "klient.settings",
        "KLIENT_DATA_DIR": os.environ.get("KLIENT_DATA_DIR", str(tmp_path)),
        "NOW": later.isoformat(),
    }
    died = subprocess.run(
        [sys.executable, "-c", FIRE_AND_DIE], env=env, capture_output=True, timeout=120
    )
    assert died.returncode == 17, died.stderr.decode()

    sim_error.refresh_from_db()
    assert sim_error.status == Conversation.Status.SOLVED  # nothing half-done survived
    assert notes(sim_error) == []
    assert FollowUp.objects.get().state == FollowUp.State.FIRING  # still held by the dead one

    after_lease = later + timedelta(seconds=settings.KLIENT_LEASE_SECONDS + 1)
    assert sweep_due_follow_ups(now=after_lease) == 1

    sim_error.refresh_from_db()
    assert sim_error.status == Conversation.Status.OPEN
    assert len(notes(sim_error)) == 1
    assert FollowUp.objects.get().state == FollowUp.State.FIRED
    assert Notification.objects.filter(kind="followup.reopened").count() == 1


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
