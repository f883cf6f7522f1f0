"""A provider's delivery over real loopback HTTP to a live server (uvicorn serving
klient.asgi on a free port): signed, it records the call; the same bytes again change
nothing; a forged copy gets 401."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
import webhook_requests as signed
from test_telephony_webhooks import missed_call

from klient.phone.models import Call, Callback


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read()


@pytest.mark.django_db(transaction=True)
def test_a_signed_generic_webhook_over_http_records_one_missed_call(asgi_server, support_number):
    url = asgi_server.url + "/api/v1/telephony/generic"
    body, headers = signed.generic(missed_call(), webhook_id="msg_over_http")

    first = _post(url, body, headers)
    replay = _post(url, body, headers)
    forged = _post(url, body.replace(b"missed", b"ended"), headers)

    assert first[0] == 200 and json.loads(first[1])["changed"] is True
    assert replay[0] == 200 and json.loads(replay[1])["changed"] is False
    assert forged[0] == 401
    assert Call.objects.count() == 1
    assert Callback.objects.count() == 1
