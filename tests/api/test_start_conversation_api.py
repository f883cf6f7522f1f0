"""Agents start conversations: POST /api/v1/conversations finds or creates the customer by
the channel's identity; an email conversation's first message reaches the customer's
mailbox, a logged phone call sends nothing; only the caller's teams."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from klient.conversations.models import Conversation, Delivery, Message
from klient.core import wiring
from klient.people.actions import find_or_create_customer
from klient.sla.models import ConversationSla

URL = "/api/v1/conversations"


def start(**fields):
    return {
        "customer": {"email": "luc@client.fr", "name": "Luc Martin"},
        "team": "Support",
        "subject": "Votre rendez-vous de jeudi",
        "body": "Bonjour Luc, le technicien passe jeudi à 14 h.",
        "channel": "email",
        **fields,
    }


def test_an_email_conversation_is_created_and_its_first_message_reaches_the_customer(
    call, agent_anna, smtp_sink
):
    response = call(agent_anna, "post", URL, start())

    assert response.status_code == 201, response.content
    body = response.json()
    conversation = Conversation.objects.get()
    assert body["ref"] == conversation.reference
    assert (body["channel"], body["status"], body["team"]["name"]) == ("email", "open", "Support")
    assert body["customer"]["email"] == "luc@client.fr"
    assert body["customer"]["name"] == "Luc Martin"
    assert body["waiting_since"] is None
    [first] = body["messages"]
    assert (first["kind"], first["sender"], first["author_id"]) == (
        "outbound",
        "agent",
        agent_anna.pk,
    )
    kinds = [e["kind"] for e in body["events"]]
    assert kinds[:2] == ["conversation.created", "message.outbound_queued"]
    assert body["events"][0]["actor_id"] == agent_anna.pk
    # The same shape as GET /conversations/{ref}.
    assert call(agent_anna, "get", body["url"]).json().keys() == body.keys()

    wiring.dispatch_pending()
    [email] = smtp_sink.wait_for(1)
    assert email["To"].addresses[0].addr_spec == "luc@client.fr"
    assert str(email["Subject"]) == f"Votre rendez-vous de jeudi [{conversation.reference}]"
    assert "le technicien passe jeudi" in email.get_body(("plain",)).get_content()
    assert Delivery.objects.get().state == Delivery.State.SENT


def test_a_known_customer_is_found_by_their_address_not_created_again(call, agent_anna):
    known = find_or_create_customer("email", "Luc@Client.fr", "Luc Martin")

    response = call(agent_anna, "post", URL, start(customer={"email": "LUC@client.fr "}))

    assert response.status_code == 201, response.content
    assert Conversation.objects.get().customer == known


def test_a_logged_phone_call_sends_nothing_and_is_recorded_at_once(call, agent_anna, smtp_sink):
    response = call(
        agent_anna,
        "post",
        URL,
        start(
            customer={"phone": "601 234 567", "name": "Jan Kowalski"},
            channel="phone",
            subject="Zgłoszenie awarii",
            body="Klient zadzwonił: brak internetu od rana. Technik jutro o 9:00.",
            status="solved",
        ),
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["channel"], body["status"]) == ("phone", "solved")
    [logged] = body["messages"]
    assert logged["to"] == ["+48601234567"]
    assert logged["delivery"]["channel"] == "phone"
    wiring.dispatch_pending()
    assert Delivery.objects.get().state == Delivery.State.SENT  # the call happened
    assert smtp_sink.messages == []
    # No customer message waits: no SLA target started, so none is met or breached.
    sla = ConversationSla.objects.filter(conversation__channel="phone").first()
    assert sla is None or not sla.breached


def test_attachments_go_with_the_first_email(client, call, agent_anna, smtp_sink):
    uploaded = client.post(
        "/api/v1/uploads",
        {"file": SimpleUploadedFile("plan.pdf", b"%PDF-1.7\r\n\x00\xff", "application/pdf")},
        headers={"Authorization": f"Bearer {agent_anna.api_token}"},
    ).json()

    response = call(agent_anna, "post", URL, start(attachments=[uploaded["id"]]))

    assert response.status_code == 201, response.content
    assert response.json()["messages"][0]["attachments"][0]["filename"] == "plan.pdf"
    wiring.dispatch_pending()
    [email] = smtp_sink.wait_for(1)
    [part] = email.iter_attachments()
    assert part.get_payload(decode=True) == b"%PDF-1.7\r\n\x00\xff"


def test_a_team_is_given_by_id_or_name_and_one_outside_the_callers_teams_answers_404(
    call, agent_anna, support_team, billing_team
):
    by_id = call(agent_anna, "post", URL, start(team=support_team.pk))
    assert by_id.status_code == 201, by_id.content

    for team in ("Billing", billing_team.pk, str(billing_team.pk), "No such team"):
        response = call(agent_anna, "post", URL, start(team=team))
        assert response.status_code == 404, team
        assert "that you belong to" in response.json()["detail"]
    assert Conversation.objects.count() == 1


def test_an_administrator_may_start_one_in_any_team(call, admin_zofia, billing_team):
    response = call(admin_zofia, "post", URL, start(team="billing"))

    assert response.status_code == 201, response.content
    assert response.json()["team"]["name"] == "Billing"


@pytest.mark.parametrize(
    ("fields", "detail"),
    [
        ({"customer": {"phone": "601 234 567"}}, "needs the customer's email address"),
        ({"customer": {"email": "not-an-address"}}, "is not an email address"),
        ({"channel": "phone"}, "needs the customer's phone number"),
        ({"channel": "phone", "customer": {"phone": "12"}}, "is not a phone number"),
        (
            {"customer": {"email": "luc@client.fr", "phone": "601 234 567"}},
            "not both",
        ),
        ({"channel": "chat"}, "started by email or phone"),
        ({"subject": "  "}, "The subject is empty."),
        ({"body": ""}, "The message is empty."),
        ({"status": "done"}, "Unknown status 'done'"),
    ],
)
def test_a_conversation_that_cannot_start_is_refused_with_a_clear_detail_and_nothing_stored(
    call, agent_anna, fields, detail
):
    response = call(agent_anna, "post", URL, start(**fields))

    assert response.status_code == 422
    assert detail in response.json()["detail"]
    assert not Conversation.objects.exists()
    assert not Message.objects.exists()


def test_a_missing_field_is_a_422_naming_it(call, agent_anna):
    payload = start()
    del payload["subject"]

    response = call(agent_anna, "post", URL, payload)

    assert response.status_code == 422
    assert "subject" in response.json()["detail"]


def test_another_agents_upload_answers_404(client, call, agent_anna, agent_bruno):
    annas = client.post(
        "/api/v1/uploads",
        {"file": SimpleUploadedFile("a.txt", b"a", "text/plain")},
        headers={"Authorization": f"Bearer {agent_anna.api_token}"},
    ).json()

    response = call(agent_bruno, "post", URL, start(team="Billing", attachments=[annas["id"]]))

    assert response.status_code == 404
    assert not Conversation.objects.exists()
