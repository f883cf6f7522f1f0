"""Over https the delivery connects to the checked address and still verifies the
certificate for the URL's host name (SNI): a certificate Klient does not trust is a
failed attempt, one it trusts is delivered. The receiver is a real TLS server on loopback
with a certificate for "localhost" made for the test; trusting it is configuration
(SSL_CERT_FILE, which OpenSSL reads), not a change to the code under test."""

from __future__ import annotations

import datetime as dt
import ssl
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.db import transaction
from django.utils import timezone
from receiver import start_receiver, verify

from klient.webhooks.actions import send_to_endpoint
from klient.webhooks.models import Delivery
from support import worker_runs

pytestmark = pytest.mark.django_db


def certificate_for_localhost(tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def tls_receiver(tmp_path):
    cert_path, key_path = certificate_for_localhost(tmp_path)
    receiver = start_receiver()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_path, key_path)
    receiver.server.shutdown()  # serve again, with TLS on the same listening socket
    receiver.server.socket = context.wrap_socket(receiver.server.socket, server_side=True)
    threading.Thread(target=receiver.server.serve_forever, daemon=True).start()
    yield receiver, cert_path
    receiver.server.shutdown()
    receiver.server.server_close()


def test_a_certificate_klient_does_not_trust_is_a_failed_attempt(tls_receiver, subscribe):
    receiver, _ = tls_receiver
    port = receiver.server.server_address[1]
    webhook, _ = subscribe(f"https://localhost:{port}/hook")
    with transaction.atomic():
        send_to_endpoint(webhook, "order.checked", {"order": 1})
    worker_runs(at=timezone.now())

    delivery = Delivery.objects.get()
    assert delivery.state == "pending" and "CERTIFICATE_VERIFY_FAILED" in delivery.last_error
    assert receiver.requests == []


def test_a_trusted_certificate_for_the_urls_host_is_delivered(tls_receiver, subscribe, monkeypatch):
    receiver, cert_path = tls_receiver
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_path))
    port = receiver.server.server_address[1]
    webhook, secret = subscribe(f"https://localhost:{port}/hook")
    with transaction.atomic():
        send_to_endpoint(webhook, "order.checked", {"order": 2})
    worker_runs(at=timezone.now())

    assert Delivery.objects.get().state == "delivered"
    assert verify(receiver.requests[0], secret)["data"] == {"order": 2}
    assert receiver.requests[0].headers["host"] == f"localhost:{port}"
