"""The conversation page shows a reply that was not delivered: "Not delivered" on the
message with the relay's reason, the failure in the timeline with that reason and a Resend
button next to it, and why the conversation was reopened. Resend queues it again, once."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from klient.conversations.actions import record_delivery_outcome, reply
from klient.conversations.models import Delivery

REFUSAL = "550 5.1.1 <luc@client.fr>: Recipient address rejected: User unknown"


@pytest.fixture
def refused(support_team, receive, agent_anna):
    """Anna answered and solved Luc's question; the relay refused the answer for good."""
    conversation = receive(support_team, "luc@client.fr", "Coupure", "Le courant a sauté.")
    answer = reply(
        conversation.conversation, actor=agent_anna, body="C'est réparé.", status="solved"
    )
    record_delivery_outcome(answer.delivery, outcome="failed", error=REFUSAL)
    return answer


def conversation_page(client, message, **headers) -> str:
    url = reverse("workspace:conversation", args=[message.conversation.reference])
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def timeline(page: str) -> str:
    return page.split('class="timeline"')[1].split("</ol>")[0]


def resend_url(message) -> str:
    return reverse("workspace:resend", args=[message.conversation.reference, message.pk])


def test_the_failure_shows_the_relays_reason_and_a_resend_button_in_the_timeline(
    anna_client, refused
):
    page = conversation_page(anna_client, refused)

    assert "Not delivered" in page
    assert f"The mail server said: {REFUSAL}" in page
    entries = timeline(page)
    failure = refused.conversation.events.get(kind="delivery.failed")
    entry = entries.split(f'id="e-{failure.pk}"')[1].split("</li>")[0]
    assert "Delivery failed" in entry
    assert f'<q class="delivery-error">{REFUSAL}</q>' in entry
    assert f'action="{resend_url(refused)}"' in entry
    assert ">Resend</button>" in entry
    assert entries.count(">Resend</button>") == 1
    assert "Status: Solved → Open (reply not delivered)" in entries


def test_resend_queues_the_reply_again_and_the_button_goes(anna_client, refused):
    response = anna_client.post(resend_url(refused))

    assert response.status_code == 302
    assert response["Location"].endswith(f"#m-{refused.pk}")
    delivery = Delivery.objects.get(message=refused)
    assert (delivery.state, delivery.last_error) == (Delivery.State.PENDING, "")
    page = conversation_page(anna_client, refused)
    assert "The reply will be sent again." in page
    assert ">Resend</button>" not in page
    assert "Resend requested" in timeline(page)
    assert re.search(r"Resend requested</span>\s*<span class=\"muted\">— Anna Nowak", page)


def test_a_second_resend_changes_nothing(anna_client, refused):
    anna_client.post(resend_url(refused))

    response = anna_client.post(resend_url(refused), follow=True)

    assert "Only a reply that was not delivered can be resent." in response.content.decode()
    assert refused.conversation.events.filter(kind="delivery.resend_requested").count() == 1


def test_another_teams_agent_cannot_resend(bruno_client, refused):
    assert bruno_client.post(resend_url(refused)).status_code == 404
    assert Delivery.objects.get(message=refused).state == Delivery.State.FAILED


def test_the_failure_reads_in_polish(anna_client, refused):
    page = conversation_page(anna_client, refused, **{"accept-language": "pl"})

    assert "Nie doręczono" in page
    assert f"Serwer poczty odpowiedział: {REFUSAL}" in page
    assert ">Wyślij ponownie</button>" in timeline(page)
    assert "(odpowiedź nie została doręczona)" in timeline(page)
