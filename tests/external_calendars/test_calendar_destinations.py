"""core.destinations, the guard every user-given URL passes (calendars, webhooks): what
is refused, and a pinned connection that goes only to the addresses checked."""

from __future__ import annotations

import pytest

from klient.core import destinations
from klient.core.destinations import Destination, RefusedDestination


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.5.6.7/",
        "http://10.0.0.1/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://100.64.0.1/",  # shared address space (carrier NAT)
        "http://169.254.169.254/",
        "http://0.0.0.0/",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://[::ffff:10.0.0.1]/",
        "http://224.0.0.1/",
        "http://localhost/",
    ],
)
def test_non_public_addresses_are_refused_unless_allowed(url):
    with pytest.raises(RefusedDestination):
        destinations.check(url)
    host = url.split("//", 1)[1].split("/", 1)[0].strip("[]")
    assert destinations.check(url, allowed=[host]).host == host.lower()


def test_public_addresses_pass_and_keep_their_port():
    checked = destinations.check("https://8.8.8.8:8443/cal")
    assert (checked.scheme, checked.host, checked.port, checked.addresses) == (
        "https",
        "8.8.8.8",
        8443,
        ("8.8.8.8",),
    )


@pytest.mark.parametrize(
    "url", ["ftp://8.8.8.8/", "gopher://8.8.8.8/", "http:///nohost", "http://u:p@8.8.8.8/"]
)
def test_only_plain_http_and_https_urls(url):
    with pytest.raises(RefusedDestination):
        destinations.check(url)


def test_allowed_hosts_come_comma_separated():
    assert destinations.allowed_hosts(" Cal.Office.example, ,[::1] ") == {
        "cal.office.example",
        "::1",
    }


def test_the_pinned_session_connects_to_the_checked_address_not_a_new_dns_answer(feed_server):
    """A name no DNS knows reaches the server: the session never resolves again."""
    feed_server.serve("BEGIN:VCALENDAR\nEND:VCALENDAR\n")
    pinned = Destination(
        url=f"http://pinned.invalid:{feed_server.port}/agenda.ics",
        scheme="http",
        host="pinned.invalid",
        port=feed_server.port,
        addresses=("127.0.0.1",),
    )
    session = destinations.pinned_session(pinned, timeout=5)
    try:
        assert session.get(pinned.url, allow_redirects=False).status_code == 200
        # Any other name is not resolved at all.
        with pytest.raises(Exception, match=r"in-memory|resolve"):
            session.get(f"http://localhost:{feed_server.port}/agenda.ics")
    finally:
        session.close()
    assert feed_server.requests == ["/agenda.ics"]
