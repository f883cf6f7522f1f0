"""Passwordless sign-in by magic link: emailed, single-use, short-lived, rate-limited and
never telling whether an address is known."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from portal_helpers import link_token, signed_in_client

from klient.portal import sign_in
from klient.portal.models import SignInLink

pytestmark = pytest.mark.django_db


def test_a_known_customer_gets_a_link_by_email_in_their_language_and_signs_in(
    client, smtp_sink, ola_conversation
):
    response = client.post("/portal/?lang=pl", {"email": "Ola@Example.com"})
    assert response.status_code == 302
    sign_in.redrive_sign_in_links()  # what the worker's sweep does
    [email] = smtp_sink.wait_for(1)
    assert email["To"] == "ola@example.com"
    assert email["Subject"] == "Twój link do logowania"
    url = re.search(r"http\S+/portal/sign-in/\S+/", email.get_content()).group(0)
    path = url.split("127.0.0.1:8000", 1)[1]

    confirm = client.get(path)
    assert confirm.status_code == 200  # a mail scanner opening the link uses nothing
    assert client.post(path).status_code == 302
    page = client.get("/portal/")
    assert ola_conversation.reference in page.content.decode()


def test_only_a_hash_of_the_token_is_stored(ola_conversation):
    token = link_token("ola@example.com")
    link = SignInLink.objects.get()
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = " ".join(str(v) for v in SignInLink.objects.values().get().values())
    assert token not in stored


def test_a_link_works_only_once(client, ola_conversation):
    token = link_token("ola@example.com")
    assert client.post(f"/portal/sign-in/{token}/").status_code == 302
    other = client.__class__()
    assert other.post(f"/portal/sign-in/{token}/").status_code == 410
    assert "K-" not in other.get("/portal/").content.decode()


def test_a_link_expires_after_fifteen_minutes(client, ola_conversation):
    token = link_token("ola@example.com")
    SignInLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(f"/portal/sign-in/{token}/").status_code == 410
    assert client.post(f"/portal/sign-in/{token}/").status_code == 410
    assert "portal_customer_id" not in client.session


def test_the_answer_is_the_same_for_known_and_unknown_addresses(client, ola_conversation):
    known = client.post("/portal/", {"email": "ola@example.com"}, follow=True)
    unknown = client.post("/portal/", {"email": "nobody@example.com"}, follow=True)
    assert known.status_code == unknown.status_code == 200
    assert known.redirect_chain == unknown.redirect_chain
    assert known.content == unknown.content
    assert list(SignInLink.objects.values_list("email", flat=True)) == ["ola@example.com"]


def test_links_per_address_are_limited_silently(client, ola_conversation):
    for _ in range(sign_in.PER_ADDRESS_LIMIT + 2):
        response = client.post("/portal/", {"email": "ola@example.com"})
        assert response.status_code == 302  # the same answer: nothing to learn from it
    assert SignInLink.objects.count() == sign_in.PER_ADDRESS_LIMIT


def test_requests_per_ip_address_are_limited(client, ola_conversation):
    for n in range(sign_in.PER_IP_LIMIT):
        assert client.post("/portal/", {"email": f"x{n}@example.com"}).status_code == 302
    assert client.post("/portal/", {"email": "ola@example.com"}).status_code == 429
    assert not SignInLink.objects.exists()


def test_signing_in_rotates_the_session_and_signing_out_ends_it(client, ola_conversation):
    client.get("/portal/")
    before = client.session.session_key
    signed_in_client(client, "ola@example.com")
    assert client.session.session_key != before
    assert client.post("/portal/sign-out/").status_code == 302
    assert ola_conversation.reference not in client.get("/portal/").content.decode()


def test_a_link_that_could_not_be_sent_is_retried_by_the_sweeper(ola_conversation, smtp_sink):
    smtp_sink.refuse = True
    link_token("ola@example.com")
    assert sign_in.send_sign_in_link(SignInLink.objects.get().pk) == "deferred"
    smtp_sink.refuse = False
    SignInLink.objects.update(next_attempt_at=timezone.now())
    assert sign_in.redrive_sign_in_links() == 1
    assert SignInLink.objects.get().state == SignInLink.State.SENT
    assert len(smtp_sink.wait_for(1)) == 1


def test_an_agent_session_is_not_a_customer_session(client, agent_anna, ola_conversation):
    client.force_login(agent_anna)
    page = client.get("/portal/")
    assert ola_conversation.reference not in page.content.decode()
