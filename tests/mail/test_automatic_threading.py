"""Story 4's robots: an out-of-office or a bounce that names nothing we can follow still
lands where it belongs — on the sender's latest conversation, flagged, never reopening it
nor making anyone wait — and one from a sender with no recent case is kept for admins in
the "Automatic" view, out of agents' queues and counts. A bounce finds the reply it
returns by the Message-ID it quotes, and marks that delivery bounced. Over real SMTP."""

from __future__ import annotations

import pytest
from django.urls import reverse

from klient.conversations.actions import reply
from klient.conversations.models import Conversation, Delivery, Message
from klient.core.models import Event
from klient.workspace.inbox import build_inbox
from support import customer_email as mail
from support import run_worker, signed_in

pytestmark = pytest.mark.django_db(transaction=True)

MAREK = "Marek Zieliński <marek.zielinski@onet.example>"


@pytest.fixture
def answered(send, agent_anna, smtp_sink) -> tuple[Conversation, Message]:
    """Marek asked about a refund; Anna answered and set it waiting on the customer."""
    first = send(mail(MAREK, "Zwrot pieniędzy", "Kiedy dostanę zwrot za zamówienie 5521?"))
    answer = reply(first.conversation, actor=agent_anna, body="Jutro.", status="pending")
    run_worker()  # the reply goes out through the relay
    return first.conversation, answer


def test_an_out_of_office_without_headers_joins_the_latest_conversation_without_reopening(
    send, answered
):
    conversation, _ = answered

    message = send(
        mail(
            MAREK,
            "Automatyczna odpowiedź: Zwrot pieniędzy",
            "Jestem poza biurem do 14 marca. W pilnych sprawach proszę pisać do Anny.",
        )
    )

    assert message.conversation_id == conversation.pk
    assert message.is_auto_reply
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.PENDING
    assert conversation.waiting_since is None
    event = Event.objects.get(kind="message.received", data__message=message.pk)
    assert event.data["threaded_by"] == "automatic-recent"


def test_an_auto_reply_with_a_header_but_another_subject_joins_it_too(send, answered):
    conversation, _ = answered

    message = send(mail(MAREK, "Urlop", "Wracam 2 kwietnia.", Auto_Submitted="auto-replied"))

    assert message.conversation_id == conversation.pk
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.PENDING


def test_an_auto_reply_from_a_stranger_is_kept_for_admins_only(
    send, support_team, agent_anna, admin_zofia
):
    message = send(
        mail(
            "noreply@helpdesk.vendor.example",
            "Ticket #88231 received",
            "This is an automatic acknowledgement. Do not reply to this message.",
            Auto_Submitted="auto-generated",
        )
    )

    conversation = message.conversation
    assert conversation.automatic
    assert conversation.waiting_since is None
    now = conversation.updated_at
    anna = build_inbox(agent_anna, {"view": "all"}, now=now, with_counts=True)
    assert conversation not in anna.page.items
    assert "automatic" not in [key for key, *_ in anna.tabs_context()["views"]]
    assert anna.counts["all"] == 0
    anna_trying = build_inbox(agent_anna, {"view": "automatic"}, now=now)
    assert conversation not in anna_trying.page.items
    zofia = build_inbox(admin_zofia, {"view": "automatic"}, now=now, with_counts=True)
    assert list(zofia.page.items) == [conversation]
    assert zofia.counts["automatic"] == 1
    assert zofia.counts["open"] == 0


def test_the_automatic_view_is_a_tab_of_the_admins_inbox_page(send, admin_zofia, agent_anna):
    send(mail("noreply@vendor.example", "Out of office", "I am away.", X_Autoreply="yes"))

    zofia_page = signed_in(admin_zofia).get(reverse("workspace:inbox") + "?view=automatic")
    anna_page = signed_in(agent_anna).get(reverse("workspace:inbox"))

    assert zofia_page.status_code == 200
    assert "view=automatic" in zofia_page.content.decode()
    assert "view=automatic" not in anna_page.content.decode()


def test_a_person_writing_into_an_automatic_conversation_makes_it_a_case(send):
    robot = send(
        mail("biuro@firma.example", "Nieobecność w biurze", "Jestem poza biurem.",
             Auto_Submitted="auto-replied")
    )  # fmt: skip

    person = send(
        mail("biuro@firma.example", "Pytanie", "Mam pytanie o fakturę.",
             In_Reply_To=robot.message_id)
    )  # fmt: skip

    assert person.conversation_id == robot.conversation_id
    conversation = Conversation.objects.get(pk=robot.conversation_id)
    assert not conversation.automatic
    assert conversation.waiting_since == person.created_at


def test_a_text_bounce_quoting_the_reply_joins_it_and_marks_its_delivery_bounced(send, answered):
    conversation, answer = answered
    assert Delivery.objects.get(message=answer).state == Delivery.State.SENT

    bounce = send(
        mail(
            "MAILER-DAEMON@mx.onet.example",
            "Undelivered Mail Returned to Sender",
            "This is the mail system at host mx.onet.example.\n\n"
            "I'm sorry to have to inform you that your message could not\n"
            "be delivered to one or more recipients.\n\n"
            "<marek.zielinski@onet.example>: mailbox full\n\n"
            "------ This is a copy of the message, including all the headers. ------\n\n"
            "From: support@shop.example\n"
            "To: marek.zielinski@onet.example\n"
            f"Message-ID: {answer.message_id}\n"
            "Subject: Re: Zwrot pieniędzy\n\n"
            "Jutro.\n",
        )
    )

    assert bounce.is_bounce
    assert bounce.conversation_id == conversation.pk
    assert Delivery.objects.get(message=answer).state == Delivery.State.BOUNCED
    conversation.refresh_from_db()
    # The reply never reached Marek: he is waiting on us again (undelivered-reply rules).
    assert conversation.status == Conversation.Status.OPEN
    assert conversation.waiting_since is not None


def test_the_api_lists_a_strangers_auto_reply_for_admins_who_ask_for_it(
    send, client, agent_anna, admin_zofia
):
    robot = send(
        mail("noreply@helpdesk.vendor.example", "Ticket #88231 received",
             "This is an automatic acknowledgement.", Auto_Submitted="auto-generated")
    ).conversation  # fmt: skip
    url = reverse("api:list_conversations")

    def refs(user, query=""):
        answer = client.get(url + query, headers={"Authorization": f"Bearer {user.api_token}"})
        assert answer.status_code == 200, answer.content
        return [item["ref"] for item in answer.json()["items"]]

    assert refs(admin_zofia, "?automatic=true") == [robot.reference]
    assert refs(admin_zofia) == []  # not among the people's conversations
    assert refs(admin_zofia, "?automatic=false") == []
    assert refs(agent_anna, "?automatic=true") == []  # agents work on what people wrote
    detail = client.get(
        reverse("api:get_conversation", kwargs={"ref": robot.reference}),
        headers={"Authorization": f"Bearer {admin_zofia.api_token}"},
    )
    assert detail.json()["automatic"] is True
    wrong = client.get(
        url + "?automatic=maybe", headers={"Authorization": f"Bearer {admin_zofia.api_token}"}
    )
    assert wrong.status_code == 400
    assert "automatic must be true or false" in wrong.json()["detail"]


def test_only_admins_hear_live_of_a_strangers_auto_reply(send, support_team):
    from klient.core.models import Event
    from klient.live import groups
    from klient.live.publish import notices_by_group

    robot = send(
        mail("noreply@vendor.example", "Out of office", "I am away.", X_Autoreply="yes")
    ).conversation
    person = send(mail("ola@example.com", "Faktura", "Proszę o fakturę.")).conversation

    heard = notices_by_group(list(Event.objects.values_list("pk", flat=True)))

    assert [n["reference"] for n in heard[groups.ADMINS]] == [robot.reference, person.reference]
    assert [n["reference"] for n in heard[groups.team(support_team.pk)]] == [person.reference]
