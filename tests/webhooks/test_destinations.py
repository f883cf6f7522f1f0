"""Webhooks go only to public addresses: loopback, private, link-local, metadata and the
like are refused when the webhook is created (422) and again at every delivery, unless the
host is named in KLIENT_WEBHOOK_ALLOWED_HOSTS. Redirects are never followed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from receiver import start_receiver

from klient.webhooks import destinations
from klient.webhooks.models import Delivery, Endpoint
from support import worker_runs

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:8080/hook",
        "http://[fd00:ec2::254]/",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "http://localhost:9000/hook",  # a host name that resolves to 127.0.0.1
        "https://224.0.0.1/hook",
    ],
)
def test_private_loopback_and_metadata_destinations_are_refused_at_creation(
    url, api, admin_zofia, settings
):
    settings.KLIENT_WEBHOOK_ALLOWED_HOSTS = ""
    response = api(
        admin_zofia, "post", "/api/v1/webhooks", {"url": url, "events": ["conversation.created"]}
    )

    assert response.status_code == 422, response.content
    assert "cannot receive webhooks" in response.json()["detail"]
    assert not Endpoint.objects.exists()


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "http://"])
def test_only_http_and_https_urls_with_a_host_are_accepted(url, api, admin_zofia):
    response = api(
        admin_zofia, "post", "/api/v1/webhooks", {"url": url, "events": ["conversation.created"]}
    )
    assert response.status_code == 422


def test_every_address_a_host_resolves_to_is_checked():
    def resolver(host, port):
        return ["93.184.215.14", "10.0.0.5"]  # one public, one private: refused

    with pytest.raises(destinations.RefusedDestination, match="private"):
        destinations.check("https://hooks.example.com/x", resolver=resolver)

    checked = destinations.check(
        "https://hooks.example.com:8443/x?a=1", lambda h, p: ["93.184.215.14"]
    )
    assert (checked.address, checked.host_header, checked.path) == (
        "93.184.215.14",
        "hooks.example.com:8443",
        "/x?a=1",
    )


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.0.0.1",
        "172.16.5.4",
        "100.64.0.1",
        "169.254.169.254",
        "::1",
        "fe80::1",
        "fd00:ec2::254",
        "ff02::1",
        "::ffff:10.0.0.1",
        "240.0.0.1",
        "0.0.0.0",
    ],
)
def test_non_public_addresses_have_a_reason(address):
    assert destinations.refusal(address) is not None


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700::6810:84e5", "8.8.8.8"])
def test_public_addresses_are_allowed(address):
    assert destinations.refusal(address) is None


def test_a_destination_no_longer_allowed_is_refused_at_delivery_and_nothing_is_sent(
    receiver, subscribe, settings, support_team, receive
):
    webhook, _ = subscribe(receiver.url, ["conversation.created"])
    settings.KLIENT_WEBHOOK_ALLOWED_HOSTS = ""  # as if the name now pointed at loopback

    receive(support_team, "luc@client.fr", "Coupure", "Plus de courant.")
    worker_runs(at=timezone.now())

    delivery = Delivery.objects.get(endpoint_id=webhook)
    assert receiver.requests == []
    assert delivery.state == "pending" and "loopback" in delivery.last_error
    assert delivery.last_status is None


def test_a_redirect_is_not_followed_and_counts_as_a_failure(
    receiver, subscribe, support_team, receive
):
    elsewhere = start_receiver()
    try:
        webhook, _ = subscribe(receiver.url, ["conversation.created"])
        receiver.answer_next((302, {"Location": elsewhere.url}), (307, {"Location": elsewhere.url}))
        receive(support_team, "luc@client.fr", "Coupure", "Plus de courant.")
        at = timezone.now()
        worker_runs(at=at)
        delivery = Delivery.objects.get(endpoint_id=webhook)
        assert (delivery.state, delivery.last_status) == ("pending", 302)
        assert "not followed" in delivery.last_error
        worker_runs(at=at + timedelta(seconds=6))
        delivery.refresh_from_db()
        assert delivery.last_status == 307
        assert elsewhere.requests == []
        worker_runs(at=at + timedelta(minutes=6))
        delivery.refresh_from_db()
        assert delivery.state == "delivered" and len(receiver.requests) == 3
    finally:
        elsewhere.server.shutdown()
        elsewhere.server.server_close()
