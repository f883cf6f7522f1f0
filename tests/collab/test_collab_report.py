"""The small report on /collab/: open requests, and median and 90th percentile of the
time to answer per team over the last 30 days."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from klient.collab import actions
from klient.collab.models import ColleagueRequest
from klient.collab.queries import report


def test_median_and_p90_of_the_time_to_answer_over_the_last_30_days(
    invoice_question, agent_anna, agent_bruno, anna_client
):
    now = timezone.now()
    for hours in range(1, 11):  # answered after 1 h, 2 h, ... 10 h
        request = actions.ask(invoice_question, actor=agent_anna, question="?", agent=agent_bruno)
        actions.answer(request, actor=agent_bruno, text="!")
        ColleagueRequest.objects.filter(pk=request.pk).update(
            created_at=now - timedelta(days=1, hours=hours), answered_at=now - timedelta(days=1)
        )
    old = actions.ask(invoice_question, actor=agent_anna, question="?", agent=agent_bruno)
    actions.answer(old, actor=agent_bruno, text="!")
    ColleagueRequest.objects.filter(pk=old.pk).update(
        created_at=now - timedelta(days=45), answered_at=now - timedelta(days=40)
    )
    actions.ask(invoice_question, actor=agent_anna, question="still open", agent=agent_bruno)

    [support] = report()

    assert (support.team, support.open, support.answered) == ("Support", 1, 10)
    assert support.median == timedelta(hours=5)
    assert support.p90 == timedelta(hours=9)
    page = anna_client.get("/collab/").content.decode()
    assert "5 h 00 min" in page and "9 h 00 min" in page
