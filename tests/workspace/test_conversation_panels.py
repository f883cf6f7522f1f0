"""The conversation page's side panels: the SLA clock (policy, each running target's due
time in the agent's time zone and how far it is, paused and breached badges) and the
customer (identities, organisation, their other conversations the agent may see)."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse
from freezegun import freeze_time

from klient.calendars.actions import save_team_hours
from klient.conversations.actions import update_conversation
from klient.people.models import Identity, Organisation
from klient.sla.actions import recompute
from klient.sla.admin_actions import save_policy

pytestmark = pytest.mark.django_db

# Friday 3 April 2026, 14:00 in Warsaw; Easter Monday 6 April is a holiday.
FRIDAY = datetime(2026, 4, 3, 12, tzinfo=UTC)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def page_url(conversation) -> str:
    return reverse("workspace:conversation", args=[conversation.reference])


def panel(page: str, css_class: str) -> str:
    start = page.index(f'<section class="card {css_class}"')
    return page[start : page.index("</section>", start)]


@pytest.fixture
def standard_sla(support_team):
    save_team_hours(
        support_team,
        actor=None,
        time_zone="Europe/Warsaw",
        hours={day: [("09:00", "17:00")] for day in range(5)},
        country="PL",
    )
    return save_policy(
        actor=None,
        name="Standard",
        team=support_team,
        first_reply_minutes=240,
        resolution_minutes=2400,
    )


@pytest.fixture
def ola_waits(support_team, receive):
    with freeze_time(FRIDAY):
        conversation = receive(
            support_team, "ola@klientka.pl", "Faktura VAT", "Dzień dobry, proszę o fakturę."
        ).conversation
        recompute(conversation.pk)
    return conversation


# The SLA panel


def test_the_sla_panel_shows_each_target_in_the_agents_zone_and_how_far_it_is(
    anna_client, standard_sla, ola_waits
):
    # Tuesday 7 April, 08:00 in Warsaw: the first reply is due at 10:00 (4 business hours:
    # 3 on Friday, 1 on Tuesday); the resolution target (40 h) runs on.
    with freeze_time(utc(2026, 4, 7, 6)):
        sla = panel(anna_client.get(page_url(ola_waits)).content.decode(), "sla-panel")

    assert "Policy: Standard" in sla
    assert "First reply" in sla and "7 Apr, 10:00" in sla and "(in 2 h)" in sla
    assert "Resolution" in sla
    assert "Breached" not in sla and "paused" not in sla


def test_an_overdue_target_is_breached_and_says_by_how_much(anna_client, standard_sla, ola_waits):
    with freeze_time(utc(2026, 4, 7, 8, 35)):
        recompute(ola_waits.pk)
        sla = panel(anna_client.get(page_url(ola_waits)).content.decode(), "sla-panel")

    assert "(overdue by 35 min)" in sla
    assert "Breached: First reply" in sla
    assert 'class="sla-overdue"' in sla


def test_the_panel_speaks_the_agents_language(anna_client, standard_sla, ola_waits):
    anna_client.cookies["django_language"] = "pl"
    with freeze_time(utc(2026, 4, 7, 6)):
        sla = panel(anna_client.get(page_url(ola_waits)).content.decode(), "sla-panel")

    assert "7 kwi" in sla  # month names follow the agent's language


def test_a_paused_clock_is_shown(anna_client, agent_anna, standard_sla, ola_waits):
    with freeze_time(utc(2026, 4, 7, 6)):
        update_conversation(ola_waits, actor=agent_anna, status="pending")
        recompute(ola_waits.pk)
        sla = panel(anna_client.get(page_url(ola_waits)).content.decode(), "sla-panel")

    assert "Clock paused" in sla
    assert "First reply" not in sla  # a paused target has no due time


def test_without_a_policy_the_panel_says_so(anna_client, ola_waits):
    sla = panel(anna_client.get(page_url(ola_waits)).content.decode(), "sla-panel")

    assert "No SLA policy applies." in sla


# The customer panel


def test_the_customer_panel_shows_identities_organisation_and_other_conversations(
    anna_client, support_team, receive, ola_waits
):
    customer = ola_waits.customer
    customer.organisation = Organisation.objects.create(name="Kwiaciarnia Róża")
    customer.save(update_fields=["organisation"])
    Identity.objects.create(customer=customer, kind=Identity.Kind.PHONE, value="+48601234567")
    earlier = receive(
        support_team, "ola@klientka.pl", "Zwrot towaru", "Chcę zwrócić zamówienie."
    ).conversation

    page = anna_client.get(page_url(ola_waits)).content.decode()
    customer_panel = panel(page, "customer-panel")

    assert "ola@klientka.pl" in customer_panel
    assert "+48601234567" in customer_panel
    assert "Kwiaciarnia Róża" in customer_panel
    assert f'href="{page_url(earlier)}"' in customer_panel
    assert "Zwrot towaru" in customer_panel
    assert f'href="{page_url(ola_waits)}"' not in customer_panel  # not itself


def test_other_conversations_outside_the_agents_scope_are_not_listed(
    anna_client, billing_team, receive, ola_waits
):
    secret = receive(
        billing_team, "ola@klientka.pl", "Zaległa płatność", "Proszę o rozłożenie na raty."
    ).conversation

    customer_panel = panel(anna_client.get(page_url(ola_waits)).content.decode(), "customer-panel")

    assert secret.reference not in customer_panel
    assert "Zaległa płatność" not in customer_panel
    assert "None that you can see." in customer_panel


def test_the_panels_cost_a_fixed_number_of_queries(
    anna_client, support_team, standard_sla, receive, ola_waits, django_assert_max_num_queries
):
    for i in range(8):
        receive(support_team, "ola@klientka.pl", f"Pytanie {i}", "Dzień dobry")
    anna_client.get(page_url(ola_waits))

    # Issue 14's cards (pinned handover note, transfer choices, callbacks owed, the call
    # form's number) cost five, whatever the conversation holds.
    with django_assert_max_num_queries(35) as few:
        anna_client.get(page_url(ola_waits))
    for i in range(8, 20):
        receive(support_team, "ola@klientka.pl", f"Pytanie {i}", "Dzień dobry")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = anna_client.get(page_url(ola_waits)).content.decode()

    assert "Only the ten most recent are listed." in page
