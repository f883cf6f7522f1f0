"""Answer-and-solve ("Then set status to: Solved"): the agent's reply is delivered after the
solve, and it is still the answer the customer was owed. The first reply is met at the
delivery; a reply that never arrives leaves it owed until it is breached. Replayed through
the real paths: a customer's email accepted like the SMTP listener's, the workspace form or
the API, the worker's dispatch and sweeps, an SMTP relay on a free port."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import pytest
from django.test import Client
from django.urls import reverse

from klient.conversations.models import Conversation, Delivery
from klient.core import wiring
from klient.core.models import Event
from klient.sla import scheduler
from klient.sla.models import SlaOutcome

RECEIVED = datetime(2026, 6, 1, 6, tzinfo=UTC)
ANSWERED = RECEIVED + timedelta(minutes=20)
DELIVERED = ANSWERED + timedelta(minutes=1)


@pytest.fixture
def hour_to_answer(db):
    """First reply within an hour, resolution within four, calendar time."""
    from klient.sla.admin_actions import save_policy

    return save_policy(
        actor=None,
        name="Hour",
        first_reply_minutes=60,
        resolution_minutes=240,
        business_time=False,
    )


def work() -> None:
    """What the worker does when woken: its sweeps (inbound mail, due deliveries, ...) and
    the dispatch of the events they wrote to their handlers, until nothing is left."""
    for _ in range(10):
        done = wiring.sweep()
        dispatched = wiring.dispatch_pending()
        if not done and not dispatched:
            return


def customer_email(team) -> Conversation:
    """Kasia's question, accepted as the SMTP listener accepts it, and processed."""
    from klient.mail.actions import accept_raw, process_batch

    mail = EmailMessage()
    mail["From"] = "Kasia <kasia@example.pl>"
    mail["To"] = team.inbound_address
    mail["Subject"] = "Invoice for order 1002"
    mail["Message-ID"] = "<q-1002@example.pl>"
    mail.set_content("Could you send me the invoice, please?")
    accepted, _ = accept_raw(bytes(mail), source="smtp", envelope_to=[team.inbound_address])
    process_batch([accepted.pk])  # the task accepting it queues
    work()
    return Conversation.objects.get()


def answer_and_solve(how: str, agent, conversation: Conversation, call) -> None:
    body = "Here is your invoice."
    if how == "workspace":
        client = Client()
        client.force_login(agent)
        url = reverse("workspace:reply", args=[conversation.reference])
        response = client.post(url, {"body": body, "status": "solved"})
        assert response.status_code == 302
    else:
        url = f"/api/v1/conversations/{conversation.reference}/replies"
        response = call(agent, "post", url, {"body": body, "status": "solved"})
        assert response.status_code == 201, response.content


def first_reply_outcomes(conversation):
    return list(
        SlaOutcome.objects.filter(conversation=conversation, target="first_reply").values_list(
            "outcome", "ended_at"
        )
    )


def report_row(call, agent):
    response = call(
        agent, "get", "/api/v1/reports/sla?group=team&target=first_reply&from=2026-06-01"
    )
    assert response.status_code == 200
    [row] = response.json()["rows"]
    return row


def timeline_texts(agent, conversation) -> list[str]:
    client = Client()
    client.force_login(agent)
    page = client.get(reverse("workspace:conversation", args=[conversation.reference]))
    section = page.content.decode().split('class="timeline"')[1].split("</ol>")[0]
    return [html.unescape(text) for text in re.findall(r"<span>(.*?)</span>", section)]


@pytest.mark.parametrize("how", ["workspace", "api"])
def test_an_email_answered_with_solved_meets_the_first_reply_when_it_is_delivered(
    how, frozen, support_team, agent_anna, hour_to_answer, smtp_sink, call
):
    frozen.move_to(RECEIVED)
    conversation = customer_email(support_team)
    frozen.move_to(ANSWERED)
    answer_and_solve(how, agent_anna, conversation, call)
    frozen.move_to(DELIVERED)
    work()  # the worker: the delivery reaches the relay, then the SLA follows the events

    [sent] = smtp_sink.wait_for(1)
    assert sent["To"] == "kasia@example.pl"
    conversation.refresh_from_db()
    assert conversation.status == "solved"
    assert conversation.messages.get(kind="outbound").delivery.state == Delivery.State.SENT
    delivered = conversation.events.get(kind="delivery.sent").at
    assert delivered == DELIVERED
    assert first_reply_outcomes(conversation) == [("met", delivered)]
    resolution = SlaOutcome.objects.get(conversation=conversation, target="resolution")
    assert (resolution.outcome, resolution.ended_at) == ("met", ANSWERED)
    [recorded] = conversation.events.filter(kind="sla.first_reply")
    assert recorded.data["on_time"] is True
    row = report_row(call, agent_anna)
    assert (row["met"], row["cancelled"], row["breached"]) == (1, 0, 0)
    assert row["compliance"] == 100
    assert row["first_reply_median_seconds"] == 21 * 60

    texts = timeline_texts(agent_anna, conversation)
    status = "Status: New → Solved"
    order = [
        "Reply queued for sending",
        "Reply delivered to the mail server",
        "First reply recorded",
        status,
    ]
    assert [text for text in texts if text in order] == order
    # In the event log the reply comes first too, at the moment the agent sent it.
    queued, changed = Event.objects.filter(
        conversation=conversation, kind__in=["message.outbound_queued", "status.changed"]
    ).order_by("at", "id")
    assert (queued.kind, changed.kind) == ("message.outbound_queued", "status.changed")
    assert queued.at == changed.at == ANSWERED
    assert changed.data["reply"] == queued.data["message"]


def test_a_logged_call_answered_with_solved_meets_the_first_reply(
    frozen, support_team, agent_anna, hour_to_answer, call
):
    from django.utils import timezone

    from klient.conversations.actions import receive_message
    from klient.conversations.incoming import IncomingMessage

    frozen.move_to(RECEIVED)
    incoming = IncomingMessage(
        team_id=support_team.pk,
        from_address="601 234 567",
        from_name="",
        subject="Internet down since this morning",
        body_text="Internet down since this morning",
        new_text="Internet down since this morning",
        received_at=timezone.now(),
        channel="phone",
        from_kind="phone",
    )
    conversation = receive_message(incoming)[0].conversation
    wiring.dispatch_pending()
    frozen.move_to(ANSWERED)
    answer_and_solve("api", agent_anna, conversation, call)
    wiring.dispatch_pending()  # the phone's delivery is recorded at once, then the SLA

    delivered = conversation.events.get(kind="delivery.sent").at
    assert delivered == ANSWERED
    assert first_reply_outcomes(conversation) == [("met", ANSWERED)]
    row = report_row(call, agent_anna)
    assert (row["met"], row["cancelled"]) == (1, 0)
    texts = timeline_texts(agent_anna, conversation)
    assert texts.index("Reply delivered to the mail server") < texts.index("Status: New → Solved")


@pytest.mark.parametrize("outcome", ["failed", "bounced"])
def test_an_answer_that_never_arrives_is_not_a_met_first_reply_and_is_breached_when_due(
    outcome, frozen, support_team, agent_anna, hour_to_answer, deliver, settle, call
):
    """The customer is still waiting: the first reply stays owed (it is neither met nor
    cancelled by the solve), and it is breached at its due moment, an hour after her
    email, like any unanswered first reply."""
    frozen.move_to(RECEIVED)
    conversation = customer_email(support_team)
    frozen.move_to(ANSWERED)
    answer_and_solve("workspace", agent_anna, conversation, call)
    frozen.move_to(DELIVERED)
    answer = conversation.messages.get(kind="outbound")
    if outcome == "bounced":
        deliver(answer, "sent")
    deliver(answer, outcome)
    wiring.dispatch_pending()

    conversation.refresh_from_db()
    assert conversation.waiting_since is not None
    assert first_reply_outcomes(conversation) == []
    due = RECEIVED + timedelta(hours=1)
    state = settle(conversation)
    assert state.next_due_at is not None and state.next_due_at <= due

    frozen.move_to(due + timedelta(minutes=1))
    scheduler.tick(now=due + timedelta(minutes=1))
    assert first_reply_outcomes(conversation) == [("breached", due)]
    assert conversation.events.filter(kind="sla.breached", data__target="first_reply").exists()
    row = report_row(call, agent_anna)
    assert (row["met"], row["breached"], row["cancelled"]) == (0, 1, 0)


def test_outcomes_recorded_by_the_old_rule_are_corrected_by_the_backfill(
    frozen, support_team, agent_anna, hour_to_answer, deliver, settle
):
    """Before this change the status change carried no ``reply``; the clock recognises it
    by following the reply's queueing, and the backfill (data migration sla 0007) replaces
    the cancelled first reply with the met one."""
    import importlib

    from django.apps import apps

    from klient.conversations.actions import reply

    frozen.move_to(RECEIVED)
    conversation = customer_email(support_team)
    frozen.move_to(ANSWERED)
    answer = reply(conversation, actor=agent_anna, body="Here it is.", status="solved")
    frozen.move_to(DELIVERED)
    deliver(answer)
    settle(conversation)
    assert first_reply_outcomes(conversation) == [("met", DELIVERED)]
    # As it was recorded before: no data.reply, a cancelled first reply at the solve.
    changed = conversation.events.get(kind="status.changed")
    changed.data = {key: value for key, value in changed.data.items() if key != "reply"}
    changed.save(update_fields=["data"])
    SlaOutcome.objects.filter(conversation=conversation, target="first_reply").update(
        outcome="cancelled", ended_at=ANSWERED
    )

    migration = importlib.import_module("klient.sla.migrations.0007_answer_and_solve_outcomes")
    migration.correct(apps, None)

    assert first_reply_outcomes(conversation) == [("met", DELIVERED)]
