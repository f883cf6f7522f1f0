"""The "New conversation" page: linked from the top bar and the inbox, it offers the
agent's own teams only and starts a conversation through the same action as the API."""

from __future__ import annotations

from klient.conversations.models import Conversation, Message
from klient.mail.uploads import upload_file

URL = "/new/"


def form(**fields):
    return {
        "channel": "email",
        "email": "luc@client.fr",
        "name": "Luc Martin",
        "subject": "Votre rendez-vous",
        "body": "Bonjour Luc, le technicien passe jeudi.",
        "status": "",
        **fields,
    }


def test_the_page_is_linked_from_the_top_bar_and_the_inbox(anna_client):
    inbox = anna_client.get("/").content.decode()

    assert inbox.count(f'href="{URL}"') == 2


def test_the_page_offers_only_the_agents_own_teams(anna_client, support_team, billing_team):
    page = anna_client.get(URL)

    assert page.status_code == 200
    html = page.content.decode()
    assert f'<option value="{support_team.pk}" selected>Support</option>' in html
    assert "Billing" not in html


def test_an_email_conversation_starts_and_opens_its_page(anna_client, agent_anna, support_team):
    response = anna_client.post(URL, form(team=support_team.pk))

    conversation = Conversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/c/{conversation.reference}/"
    assert (conversation.channel, conversation.team, conversation.status) == (
        "email",
        support_team,
        "open",
    )
    [first] = conversation.messages.all()
    assert (first.kind, first.author, first.to) == ("outbound", agent_anna, ["luc@client.fr"])
    page = anna_client.get(response["Location"]).content.decode()
    assert f"Email on its way: {conversation.reference} started." in page


def test_a_phone_call_is_logged_with_the_number_and_its_files(
    anna_client, agent_anna, support_team
):
    upload = upload_file(
        actor=agent_anna, filename="notes.txt", content_type="text/plain", data=b"n"
    )

    response = anna_client.post(
        URL,
        form(
            team=support_team.pk,
            channel="phone",
            email="leftover@typed.before",  # the channel decides which identity counts
            phone="601 234 567",
            status="solved",
            attachments=[upload.pk],
        ),
    )

    assert response.status_code == 302
    conversation = Conversation.objects.get()
    assert (conversation.channel, conversation.status) == ("phone", "solved")
    logged = conversation.messages.get()
    assert logged.to == ["+48601234567"]
    assert logged.attachments.get().filename == "notes.txt"


def test_a_refusal_is_shown_on_its_field_and_nothing_is_stored(anna_client, support_team):
    response = anna_client.post(URL, form(team=support_team.pk, email="not an address"))

    assert response.status_code == 400
    assert "This is not an email address." in response.content.decode()
    assert not Conversation.objects.exists()
    assert not Message.objects.exists()


def test_a_team_outside_the_agents_teams_is_refused(anna_client, billing_team):
    response = anna_client.post(URL, form(team=billing_team.pk))

    assert response.status_code == 400
    assert not Conversation.objects.exists()


def test_the_page_reads_in_polish(anna_client):
    page = anna_client.get(URL, HTTP_ACCEPT_LANGUAGE="pl").content.decode()

    assert "Nowa rozmowa" in page
