"""In a real browser (Debian's Chromium): the team lead opens the voice of the customer,
sees the topic's weekly chart, and turns the topic into a corrective action through the
htmx form, which answers the topic's card in place (no page load)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from asgi_server import signed_in_page
from klient.voice.models import CorrectiveAction, Topic
from support import worker_runs

pytestmark = pytest.mark.browser

COMPLAINT = [
    "Nie mogę się dodzwonić do mojego doradcy, nikt nie oddzwania.",
    "Doradca znowu nie odbiera telefonu, obiecał oddzwonić i nie oddzwonił.",
    "Od tygodnia próbuję złapać doradcę, nikt nie oddzwania.",
    "Mój doradca nie oddzwonił, a sprawa jest pilna.",
]


@pytest.mark.django_db(transaction=True)
def test_the_lead_turns_a_topic_into_an_action_in_place(
    live_server, chromium, support_team, agent_anna, receive, settings
):
    from playwright.sync_api import expect

    from klient.people.actions import create_agent

    settings.KLIENT_VOICE_REFRESH_SECONDS = 0
    lead, _ = create_agent(
        "marta@bank.example", name="Marta Lead", teams=[support_team], password="pw-marta-123"
    )
    support_team.lead = lead
    support_team.save(update_fields=["lead"])
    for n, text in enumerate(COMPLAINT):
        at = timezone.now() - timedelta(weeks=n)
        receive(support_team, f"k{n}@bank.example", "Doradca", text, received_at=at, language="pl")
    worker_runs()
    topic = Topic.objects.get()

    page = signed_in_page(chromium, live_server.url, "marta@bank.example", "pw-marta-123")
    page.get_by_role("link", name="Voice of the customer").click()
    card = page.locator(f"#topic-{topic.pk}")
    expect(card.locator("svg.voice-chart g.bar")).to_have_count(12)

    card.get_by_text("Turn into a corrective action").click()
    card.get_by_label("Owner").select_option(label="Anna Nowak")
    card.get_by_label("Due date").fill((timezone.localdate() + timedelta(days=14)).isoformat())
    card.get_by_label("What should change").fill("Każdy doradca ma zastępcę.")
    page.evaluate("window.__same_page = true")
    card.get_by_role("button", name="Create the corrective action").click()

    action_box = page.locator(f"#topic-{topic.pk} .voice-action")
    expect(action_box).to_contain_text("Każdy doradca ma zastępcę.")
    expect(page.locator(f'#topic-{topic.pk} line[data-marker="created"]')).to_have_count(1)
    assert page.evaluate("window.__same_page") is True  # swapped by htmx, not reloaded
    assert CorrectiveAction.objects.get().owner == agent_anna
