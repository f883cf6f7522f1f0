"""Pre-send checks in the workspace: the compose box asks for findings while the agent
writes (htmx), shows them next to the box, and the send itself runs the same checks and
tells what they found — it is never blocked by them."""

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from klient.conversations.checks import Finding, register_check, unregister_check
from klient.conversations.models import Message


def flag_actually(draft):
    for match in re.finditer(r"\bactually\b", draft.body, flags=re.IGNORECASE):
        yield Finding(
            check="actually",
            category="tone",
            message=f"Sounds like a correction ({draft.language}, {draft.channel}).",
            start=match.start(),
            end=match.end(),
            suggestion="In fact",
        )


def broken_check(draft):
    raise RuntimeError("this check is broken")


@pytest.fixture
def actually_check():
    register_check("broken", broken_check)  # first: its failure must not stop the next one
    register_check("actually", flag_actually)
    yield
    unregister_check("actually")
    unregister_check("broken")


@pytest.fixture
def conversation(support_team, receive):
    return receive(
        support_team, "luc@client.fr", "Rendez-vous", "Coupure", language="fr"
    ).conversation


def url(name, conversation):
    return reverse(f"workspace:{name}", args=[conversation.reference])


def test_the_compose_box_asks_for_findings_while_the_agent_writes(anna_client, conversation):
    page = anna_client.get(url("conversation", conversation)).content.decode()

    box = re.search(r'<div id="reply-findings"[^>]*>', page).group(0)
    assert f'hx-post="{url("reply_check", conversation)}"' in box
    assert "keyup changed delay:" in box
    assert "from:#id_body" in box


def test_the_findings_of_a_draft_are_shown_next_to_the_box(
    anna_client, conversation, actually_check
):
    response = anna_client.post(
        url("reply_check", conversation),
        {"body": "Well actually, it is fine.", "status": ""},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Before you send" in html
    assert "<q>actually</q>" in html
    assert "Sounds like a correction (fr, email)." in html
    assert "Perhaps: In fact" in html
    assert not Message.objects.filter(kind=Message.Kind.OUTBOUND).exists()


def test_a_draft_without_findings_shows_nothing(anna_client, conversation, actually_check):
    response = anna_client.post(url("reply_check", conversation), {"body": "All good."})

    assert response.status_code == 200
    assert response.content.decode().strip() == ""


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("fr", "Avant d'envoyer"),
        ("pl", "Zanim wyślesz"),
        ("de", "Vor dem Senden"),
        ("uk", "Перш ніж надіслати"),
    ],
)
def test_the_findings_card_speaks_the_agents_language(
    anna_client, conversation, actually_check, language, title
):
    response = anna_client.post(
        url("reply_check", conversation),
        {"body": "Well actually"},
        headers={"accept-language": language},
    )

    html = response.content.decode()
    assert title in html or escape(title) in html


def test_sending_runs_the_checks_and_is_never_blocked(anna_client, conversation, actually_check):
    response = anna_client.post(url("reply", conversation), {"body": "Well actually, fine."})

    assert response.status_code == 302
    sent = Message.objects.get(conversation=conversation, kind=Message.Kind.OUTBOUND)
    assert sent.body_text == "Well actually, fine."
    page = anna_client.get(response["Location"]).content.decode()
    assert "Your reply is on its way." in page
    assert "A note on your reply: Sounds like a correction (fr, email)." in page


def test_findings_are_only_for_conversations_the_agent_can_see(
    bruno_client, conversation, actually_check
):
    response = bruno_client.post(url("reply_check", conversation), {"body": "Well actually"})

    assert response.status_code == 404
