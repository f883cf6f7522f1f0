"""Outbound mail through a relay that wants STARTTLS and a login (a real aiosmtpd server
with a certificate made for the test), as most hosted relays do."""

from __future__ import annotations

import datetime
import ipaddress
import ssl

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from klient.conversations.actions import reply
from klient.conversations.models import Delivery
from klient.mail.sending import send_delivery
from support import SmtpSink, free_port

USER, PASSWORD = "klient", "relay-secret-Zażółć"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 and its key, as PEM files."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "relay.test")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("relay-cert")
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == USER.encode() and auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def secured_relay(settings, certificate):
    cert_file, key_file = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    sink = SmtpSink("127.0.0.1", free_port())
    controller = Controller(
        sink,
        hostname=sink.host,
        port=sink.port,
        tls_context=context,
        require_starttls=True,
        authenticator=_authenticate,
        auth_required=True,
        auth_require_tls=True,
    )
    controller.start()
    settings.KLIENT_SMTP_RELAY = f"{sink.host}:{sink.port}"
    settings.KLIENT_SMTP_RELAY_SECURITY = "starttls"
    settings.KLIENT_SMTP_RELAY_USER = USER
    settings.KLIENT_SMTP_RELAY_PASSWORD = PASSWORD
    settings.KLIENT_SMTP_RELAY_CAFILE = str(cert_file)
    try:
        yield sink
    finally:
        controller.stop()


@pytest.fixture
def answered(support_team, receive, agent_anna):
    question = receive(support_team, "ola@customer.example", "Faktura", "Gdzie faktura?")
    message = reply(question.conversation, actor=agent_anna, body="Faktura jest w załączniku.")
    return Delivery.objects.get(message=message)


def test_a_reply_goes_out_over_starttls_with_a_login(secured_relay, answered):
    assert send_delivery(answered.pk) == "sent"

    [email] = secured_relay.parsed()
    assert "Faktura jest w załączniku." in email.get_body().get_content()


def test_wrong_credentials_are_retried_with_a_clear_error_not_failed_for_good(
    secured_relay, answered, settings
):
    settings.KLIENT_SMTP_RELAY_PASSWORD = "not-the-password"

    outcome = send_delivery(answered.pk)

    answered.refresh_from_db()
    assert outcome == "deferred"
    assert answered.state == Delivery.State.PENDING
    assert "KLIENT_SMTP_RELAY_USER" in answered.last_error
    assert secured_relay.messages == []


def test_an_untrusted_certificate_is_never_accepted(secured_relay, answered, settings):
    settings.KLIENT_SMTP_RELAY_CAFILE = ""  # the system's CAs do not know the test's

    outcome = send_delivery(answered.pk)

    answered.refresh_from_db()
    assert outcome == "deferred"
    assert "CERTIFICATE_VERIFY_FAILED" in answered.last_error
    assert secured_relay.messages == []


def test_starttls_is_required_when_configured(smtp_sink, answered, settings):
    settings.KLIENT_SMTP_RELAY_SECURITY = "starttls"  # the plain sink offers no STARTTLS

    outcome = send_delivery(answered.pk)

    answered.refresh_from_db()
    assert outcome == "deferred"
    assert "does not offer STARTTLS" in answered.last_error
    assert smtp_sink.messages == []
