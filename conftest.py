"""Shared fixtures: the people of STORIES.md as personas, and a real SMTP sink."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller

# A real ASGI server (HTTP + WebSockets) and Debian's Chromium, for browser tests.
from asgi_server import asgi_server, chromium  # noqa: F401

# A real Dovecot IMAP server on a free port, started only by the tests that use one.
from dovecot import dovecot, imap_account, private_dovecot, tls_dovecot  # noqa: F401
from support import SmtpSink, free_port, signed_in


@pytest.fixture(autouse=True)
def default_language() -> Iterator[None]:
    """Each test starts in the default language: a request a previous test made in Polish
    must not leave this thread speaking Polish (messages compared as text differ)."""
    from django.conf import settings
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Personas have passwords; the production hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_default_relay(settings):
    """Outbound mail of a test without `smtp_sink` goes to a port nothing listens on, not to
    the default relay (127.0.0.1:1025): what happens to run there must not change a result."""
    settings.KLIENT_SMTP_RELAY = f"127.0.0.1:{free_port()}"


@pytest.fixture(autouse=True)
def no_undo_window(settings):
    """Replies are handed to their channel at once, as they were before undo send: a test
    that is about the undo window opts in by setting KLIENT_UNDO_SEND_SECONDS itself."""
    settings.KLIENT_UNDO_SEND_SECONDS = 0


@pytest.fixture
def anna_client(agent_anna):
    """Anna (Support) signed in to the workspace."""
    return signed_in(agent_anna)


@pytest.fixture
def bruno_client(agent_bruno):
    """Bruno (Billing) signed in to the workspace."""
    return signed_in(agent_bruno)


@pytest.fixture
def zofia_client(admin_zofia):
    """Zofia, the administrator, signed in."""
    return signed_in(admin_zofia)


@pytest.fixture
def smtp_sink(settings) -> Iterator[SmtpSink]:
    """A real SMTP relay on a free port; Klient's outbound mail is pointed at it."""
    sink = SmtpSink("127.0.0.1", free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    settings.KLIENT_SMTP_RELAY = f"{sink.host}:{sink.port}"
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def support_team(db):
    from klient.people.actions import create_team

    return create_team("Support", address="support@shop.example")


@pytest.fixture
def billing_team(db):
    from klient.people.actions import create_team

    return create_team("Billing", address="billing@shop.example")


@pytest.fixture
def agent_anna(support_team):
    """Anna, an agent in Support who speaks Polish and English."""
    from klient.people.actions import create_agent

    user, token = create_agent(
        "anna@shop.example",
        name="Anna Nowak",
        teams=[support_team],
        password="correct horse battery",
        languages=["pl", "en"],
    )
    user.api_token = token
    return user


@pytest.fixture
def agent_bruno(billing_team):
    """Bruno, an agent in Billing only."""
    from klient.people.actions import create_agent

    user, token = create_agent(
        "bruno@shop.example",
        name="Bruno Martin",
        teams=[billing_team],
        password="pw-bruno-123",
        languages=["fr"],
    )
    user.api_token = token
    return user


@pytest.fixture
def admin_zofia(support_team):
    from klient.people.actions import create_agent

    user, token = create_agent(
        "zofia@shop.example", name="Zofia Admin", admin=True, password="pw-zofia-123"
    )
    user.api_token = token
    return user


@pytest.fixture
def receive(db):
    """receive(team, from_address, subject, body, **fields) -> Message: a customer email
    stored through conversations.actions.receive_message, as the mail pipeline would."""
    import uuid

    from django.utils import timezone

    from klient.conversations.actions import receive_message
    from klient.conversations.incoming import IncomingMessage

    def _receive(team, from_address, subject, body, *, conversation=None, **fields):
        incoming = IncomingMessage(
            team_id=team.pk,
            from_address=from_address,
            from_name=fields.pop("from_name", ""),
            subject=subject,
            body_text=body,
            new_text=fields.pop("new_text", body),
            received_at=fields.pop("received_at", timezone.now()),
            message_id=fields.pop("message_id", f"<{uuid.uuid4().hex}@customer.example>"),
            to=(team.inbound_address,),
            **fields,
        )
        message, _ = receive_message(incoming, conversation=conversation)
        return message

    return _receive


@pytest.fixture
def call(client):
    """call(user, method, url, body=None, token=None) -> response, with the user's API token
    (or `token`), the body sent as JSON."""

    def _call(user, method, url, body=None, *, token=None):
        token = token if token is not None else user.api_token
        headers = {"Authorization": f"Bearer {token}"}
        if body is None:
            return getattr(client, method)(url, headers=headers)
        return getattr(client, method)(
            url, data=json.dumps(body), content_type="application/json", headers=headers
        )

    return _call
