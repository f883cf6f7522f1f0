"""The conversations API: scope, whitelisted filters, keyset pages, detail, replies,
notes and changes through the actions, and query counts that do not grow with a page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from klient.conversations.actions import update_conversation
from klient.conversations.models import Conversation, Delivery, Message

URL = "/api/v1/conversations"


def refs(response):
    assert response.status_code == 200, response.content
    return [item["ref"] for item in response.json()["items"]]


# Scope


def test_an_agent_sees_the_conversations_of_their_teams_only(
    call, agent_anna, agent_bruno, luc_power_cut, ola_invoice
):
    assert refs(call(agent_anna, "get", URL)) == [luc_power_cut.reference]
    assert refs(call(agent_bruno, "get", URL)) == [ola_invoice.reference]


def test_an_agent_also_sees_what_is_assigned_to_them(
    call, agent_anna, agent_bruno, luc_power_cut, ola_invoice
):
    update_conversation(luc_power_cut, actor=agent_anna, assignee=agent_bruno)

    assert set(refs(call(agent_bruno, "get", URL))) == {
        luc_power_cut.reference,
        ola_invoice.reference,
    }
    assert call(agent_bruno, "get", f"{URL}/{luc_power_cut.reference}").status_code == 200


def test_an_admin_sees_everything(call, admin_zofia, luc_power_cut, ola_invoice):
    assert set(refs(call(admin_zofia, "get", URL))) == {
        luc_power_cut.reference,
        ola_invoice.reference,
    }


def test_a_list_item_carries_team_customer_and_assignee(call, agent_anna, luc_power_cut):
    update_conversation(luc_power_cut, actor=agent_anna, assignee=agent_anna)

    [item] = call(agent_anna, "get", URL).json()["items"]

    assert item["team"]["name"] == "Support"
    assert item["customer"] == {
        "id": luc_power_cut.customer_id,
        "name": "Luc Martin",
        "email": "luc@client.fr",
    }
    assert item["assignee"]["email"] == "anna@shop.example"
    assert item["url"] == f"/api/v1/conversations/{luc_power_cut.reference}"
    assert item["waiting_since"] is not None


# Filters


@pytest.fixture
def desk(support_team, admin_zofia, agent_anna, receive):
    """Four Support conversations in different states."""
    luc = receive(
        support_team, "luc@client.fr", "Coupure de courant", "Je reviens", language="fr"
    ).conversation
    jan = receive(
        support_team, "jan@firma.pl", "Karta SIM", "Telefon pokazuje błąd SIM", language="pl"
    ).conversation
    eva = receive(
        support_team, "eva@kunde.de", "Termin", "Kommt der Berater wirklich?", language="de"
    ).conversation
    chat = receive(
        support_team, "tom@example.com", "Hello", "Live chat question", channel="chat"
    ).conversation
    update_conversation(jan, actor=admin_zofia, status="pending", assignee=agent_anna)
    update_conversation(eva, actor=admin_zofia, status="solved")
    return {"luc": luc, "jan": jan, "eva": eva, "chat": chat}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=pending", {"jan"}),
        ("status=pending,solved", {"jan", "eva"}),
        ("assignee=me", {"jan"}),
        ("assignee=none", {"luc", "eva", "chat"}),
        ("customer=eva@kunde.de", {"eva"}),
        ("customer=EVA@KUNDE.DE", {"eva"}),
        ("q=courant", {"luc"}),
        ("q=błąd sim", {"jan"}),
        ("language=de", {"eva"}),
        ("channel=chat", {"chat"}),
        ("team=Support", {"luc", "jan", "eva", "chat"}),
        ("team=support&status=new", {"luc", "chat"}),
        ("team=Billing", set()),
    ],
)
def test_whitelisted_filters(call, agent_anna, desk, query, expected):
    found = refs(call(agent_anna, "get", f"{URL}?{query}"))

    assert set(found) == {desk[name].reference for name in expected}


def test_filters_by_ids(call, agent_anna, support_team, desk):
    jan = desk["jan"]

    assert refs(call(agent_anna, "get", f"{URL}?assignee={agent_anna.pk}")) == [jan.reference]
    assert refs(call(agent_anna, "get", f"{URL}?customer={jan.customer_id}")) == [jan.reference]
    assert len(refs(call(agent_anna, "get", f"{URL}?team={support_team.pk}"))) == 4
    assert refs(call(agent_anna, "get", f"{URL}?q={jan.reference}")) == [jan.reference]


def test_an_unknown_parameter_is_refused_with_the_allowed_list(call, agent_anna, desk):
    response = call(agent_anna, "get", f"{URL}?status=open&subject__startswith=x")

    assert response.status_code == 400
    body = response.json()
    assert "subject__startswith" in body["detail"]
    assert set(body["allowed"]) == {
        "status",
        "team",
        "assignee",
        "customer",
        "q",
        "language",
        "channel",
        "tag",
        "automatic",
        "sort",
        "cursor",
        "limit",
    }


@pytest.mark.parametrize(
    "query",
    [
        "status=forgotten",
        "channel=pigeon",
        "assignee=somebody",
        "customer=not-an-address",
        "limit=0",
        "limit=101",
        "limit=ten",
        "cursor=not-a-cursor",
        "language=<script>",
        "status=open&status=new",
    ],
)
def test_an_invalid_filter_value_is_a_400_with_a_message(call, agent_anna, desk, query):
    response = call(agent_anna, "get", f"{URL}?{query}")

    assert response.status_code == 400
    assert response.json()["detail"]


# Pagination


def test_keyset_pages_walk_every_conversation_once_newest_first(
    call, agent_anna, support_team, receive
):
    made = [
        receive(support_team, f"c{i}@example.com", f"Question {i}", "?").conversation
        for i in range(7)
    ]
    seen: list[str] = []
    url = f"{URL}?limit=3"
    pages = 0
    while url:
        body = call(agent_anna, "get", url).json()
        seen += [item["ref"] for item in body["items"]]
        pages += 1
        url = f"{URL}?limit=3&cursor={body['next_cursor']}" if body["next_cursor"] else None

    assert pages == 3
    expected = sorted(made, key=lambda c: (c.updated_at, c.pk), reverse=True)
    assert seen == [c.reference for c in expected]


def test_the_default_page_holds_25(call, agent_anna, support_team, receive):
    for i in range(26):
        receive(support_team, f"c{i}@example.com", f"Question {i}", "?")

    body = call(agent_anna, "get", URL).json()

    assert len(body["items"]) == 25
    assert body["next_cursor"]


# Detail


def test_the_detail_has_messages_with_flags_and_attachments_and_the_events(
    call, agent_anna, support_team, receive, attachment_factory
):
    first = receive(
        support_team,
        "luc@client.fr",
        "Coupure",
        "Encore une coupure",
        body_html="<p>Encore une <b>coupure</b></p>",
        has_remote_images=True,
    )
    attachment = attachment_factory(first.conversation, "photo.png", b"\x89PNG...", "image/png")
    conversation = first.conversation

    response = call(agent_anna, "get", f"{URL}/{conversation.reference.lower()}")

    assert response.status_code == 200
    body = response.json()
    assert body["ref"] == conversation.reference
    messages = body["messages"]
    assert [m["kind"] for m in messages] == ["inbound", "inbound"]
    assert messages[0]["from"] == {"address": "luc@client.fr", "name": ""}
    assert messages[0]["body_html"] == "<p>Encore une <b>coupure</b></p>"
    assert messages[0]["flags"]["remote_images"] is True
    assert messages[0]["delivery"] is None
    [listed] = messages[1]["attachments"]
    assert listed == {
        "id": attachment.pk,
        "filename": "photo.png",
        "content_type": "image/png",
        "size": 7,
        "download_url": f"/api/v1/attachments/{attachment.pk}",
    }
    kinds = [e["kind"] for e in body["events"]]
    assert kinds[:2] == ["conversation.created", "message.received"]


def test_an_unknown_reference_is_a_404(call, agent_anna, luc_power_cut):
    for ref in ("K-999999", "nonsense", "K-0"):
        response = call(agent_anna, "get", f"{URL}/{ref}")
        assert response.status_code == 404
        assert response.json()["detail"]


# Writes


def test_a_reply_is_queued_for_sending_and_answers_the_customer(call, agent_anna, luc_power_cut):
    response = call(
        agent_anna,
        "post",
        f"{URL}/{luc_power_cut.reference}/replies",
        {"body": "Pas de souci, on reprogramme.", "status": "pending"},
    )

    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["sender"], body["to"]) == ("outbound", "agent", ["luc@client.fr"])
    assert body["delivery"]["state"] == "queued"
    assert body["from"]["address"] == "support@shop.example"
    message = Message.objects.get(pk=body["id"])
    assert message.author == agent_anna
    assert Delivery.objects.filter(message=message).exists()
    conversation = Conversation.objects.get(pk=luc_power_cut.pk)
    assert conversation.status == "pending"
    assert conversation.is_answered


def test_an_empty_reply_is_refused_with_the_actions_message(call, agent_anna, luc_power_cut):
    response = call(agent_anna, "post", f"{URL}/{luc_power_cut.reference}/replies", {"body": "   "})

    assert response.status_code == 422
    assert response.json()["detail"] == "The message is empty."
    assert not Message.objects.filter(kind="outbound").exists()


def test_a_reply_without_a_body_is_a_422_naming_the_field(call, agent_anna, luc_power_cut):
    response = call(agent_anna, "post", f"{URL}/{luc_power_cut.reference}/replies", {})

    assert response.status_code == 422
    assert "body" in response.json()["detail"]


def test_a_note_stays_internal(call, agent_anna, luc_power_cut):
    response = call(
        agent_anna,
        "post",
        f"{URL}/{luc_power_cut.reference}/notes",
        {"body": "Demander à l'équipe réseau"},
    )

    assert response.status_code == 201
    assert response.json()["kind"] == "note"
    assert response.json()["delivery"] is None
    assert not Conversation.objects.get(pk=luc_power_cut.pk).is_answered


def test_patch_changes_each_given_field_through_the_action(
    call, agent_anna, admin_zofia, luc_power_cut
):
    url = f"{URL}/{luc_power_cut.reference}"

    response = call(
        agent_anna,
        "patch",
        url,
        {"status": "on_hold", "priority": "high", "assignee": agent_anna.pk},
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["priority"], body["assignee"]["id"]) == (
        "on_hold",
        "high",
        agent_anna.pk,
    )
    kinds = set(luc_power_cut.events.values_list("kind", flat=True))
    assert {"status.changed", "priority.changed", "assignee.changed"} <= kinds

    response = call(agent_anna, "patch", url, {"assignee": None})
    assert response.status_code == 200
    assert response.json()["assignee"] is None
    assert response.json()["status"] == "on_hold"  # absent fields are left alone


def test_patch_moves_to_another_team_only_with_a_handover_note(
    call, agent_anna, billing_team, luc_power_cut
):
    """Moving is a transfer (issue 14): the receiver must not have to ask Luc again."""
    url = f"{URL}/{luc_power_cut.reference}"
    refused = call(agent_anna, "patch", url, {"team": billing_team.pk})
    assert refused.status_code == 422
    assert "handover note" in refused.json()["detail"]
    luc_power_cut.refresh_from_db()
    assert luc_power_cut.team.name != "Billing"

    response = call(
        agent_anna,
        "patch",
        url,
        {"team": billing_team.pk, "note": "Refund of the March invoice; meter read on 4 March."},
    )

    assert response.status_code == 200
    assert response.json()["team"]["name"] == "Billing"
    # Now outside Anna's scope.
    assert call(agent_anna, "get", f"{URL}/{luc_power_cut.reference}").status_code == 404


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"status": "forgotten"}, "Unknown status"),
        ({"priority": "whenever"}, "Unknown priority"),
        ({"team": 999999}, "No team with id 999999"),
        ({"assignee": 999999}, "No active agent with id 999999"),
        ({"status": None}, "status cannot be null"),
        ({"subject": "changed"}, "subject"),
    ],
)
def test_an_invalid_patch_is_a_422_with_a_clear_message(
    call, agent_anna, luc_power_cut, body, message
):
    response = call(agent_anna, "patch", f"{URL}/{luc_power_cut.reference}", body)

    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert Conversation.objects.get(pk=luc_power_cut.pk).status == "new"


# Query counts


def count_queries(call, user, url):
    call(user, "get", url)  # the first call of the minute records the token's use
    with CaptureQueriesContext(connection) as queries:
        response = call(user, "get", url)
    assert response.status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_3_or_20_conversations(
    call, agent_anna, support_team, receive
):
    for i in range(3):
        receive(support_team, f"c{i}@example.com", f"Question {i}", "?")
    few = count_queries(call, agent_anna, f"{URL}?limit=100")
    for i in range(3, 20):
        receive(support_team, f"c{i}@example.com", f"Question {i}", "?")
    many = count_queries(call, agent_anna, f"{URL}?limit=100")

    assert few == many == 2  # the token (with its agent), the page


def test_the_detail_costs_the_same_queries_for_2_or_12_messages(
    call, agent_anna, support_team, receive, attachment_factory
):
    conversation = receive(support_team, "luc@client.fr", "Coupure", "1").conversation
    url = f"{URL}/{conversation.reference}"
    call(agent_anna, "post", f"{url}/replies", {"body": "Réponse"})
    few = count_queries(call, agent_anna, url)
    for i in range(5):
        receive(support_team, "luc@client.fr", "Coupure", f"encore {i}", conversation=conversation)
        attachment_factory(conversation, f"f{i}.txt", b"x", "text/plain")

    many = count_queries(call, agent_anna, url)

    # token, conversation, messages with deliveries, their attachments, events
    assert few == many == 5


def test_a_reply_can_be_logged_on_the_phone_when_the_customer_has_a_number(
    call, agent_anna, luc_power_cut
):
    from klient.people.actions import add_identity

    url = f"{URL}/{luc_power_cut.reference}/replies"
    refused = call(agent_anna, "post", url, {"body": "Je vous ai appelé.", "channel": "phone"})
    assert refused.status_code == 422
    assert "no verified phone number" in refused.json()["detail"]
    add_identity(luc_power_cut.customer, kind="phone", value="+33 6 12 34 56 78", verified=True)

    response = call(agent_anna, "post", url, {"body": "Je vous ai appelé.", "channel": "phone"})

    assert response.status_code == 201
    body = response.json()
    assert body["to"] == ["+33612345678"]
    assert body["delivery"]["channel"] == "phone"
    unknown = call(agent_anna, "post", url, {"body": "?", "channel": "fax"})
    assert unknown.status_code == 422
    assert "Unknown channel 'fax'" in unknown.json()["detail"]


def test_patch_giving_a_colleagues_conversation_to_another_needs_a_note(
    call, agent_anna, agent_bruno, admin_zofia, support_team, luc_power_cut
):
    """Anna has Luc's case; Zofia gives it to Bruno: a handover, so a note is needed, and
    the note is pinned for Bruno. Taking it yourself, or assigning one nobody has, is not."""
    from klient.conversations.actions import update_conversation
    from klient.conversations.models import Message
    from klient.core.models import Event

    support_team.members.add(agent_bruno)
    update_conversation(luc_power_cut, actor=None, assignee=agent_anna)
    url = f"{URL}/{luc_power_cut.reference}"

    refused = call(admin_zofia, "patch", url, {"assignee": agent_bruno.pk})
    assert refused.status_code == 422
    given = call(
        admin_zofia, "patch", url, {"assignee": agent_bruno.pk, "note": "Luc waits for the meter."}
    )
    assert given.status_code == 200
    assert given.json()["assignee"]["id"] == agent_bruno.pk
    assert Event.objects.filter(kind="conversation.transferred").count() == 1
    assert Message.objects.filter(
        conversation=luc_power_cut, kind="note", body_text="Luc waits for the meter."
    ).exists()

    taken = call(agent_anna, "patch", url, {"assignee": agent_anna.pk})
    assert taken.status_code == 200
    unassigned = call(agent_anna, "patch", url, {"assignee": None})
    assert unassigned.status_code == 200
    assigned = call(admin_zofia, "patch", url, {"assignee": agent_bruno.pk})
    assert assigned.status_code == 200  # nobody had it: triage, not a handover
