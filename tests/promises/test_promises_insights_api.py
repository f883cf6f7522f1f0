"""POST /api/v1/insights/promises: any text, a reference time and a zone -> the promises
with their offsets, quotes and due times (ISO 8601 with the zone's offset)."""

from __future__ import annotations

import json

URL = "/api/v1/insights/promises"


def post(client, user, body):
    return client.post(
        URL,
        data=json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {user.api_token}"},
    )


def test_promises_with_offsets_and_due_times(client, agent_anna):
    text = "Dzień dobry! Oddzwonię jutro. Pozdrawiam"
    response = post(
        client,
        agent_anna,
        {
            "text": text,
            "reference_time": "2026-03-27T15:00:00+01:00",
            "time_zone": "Europe/Warsaw",
            "language": "pl",
        },
    )
    assert response.status_code == 200
    assert response.json() == {
        "promises": [
            {
                "start": 13,
                "end": 29,
                "quote": "Oddzwonię jutro.",
                "due": "2026-03-28T17:00:00+01:00",
            }
        ]
    }
    assert text[13:29] == "Oddzwonię jutro."


def test_elapsed_time_crosses_dst_and_the_language_may_be_left_out(client, agent_anna):
    response = post(
        client,
        agent_anna,
        {
            "text": "Ich antworte Ihnen innerhalb von 48 Stunden.",
            "reference_time": "2026-03-27T14:00:00Z",
            "time_zone": "Europe/Berlin",
        },
    )
    assert response.json()["promises"][0]["due"] == "2026-03-29T16:00:00+02:00"


def test_an_unknown_zone_is_refused(client, agent_anna):
    body = {"text": "x", "reference_time": "2026-03-27T14:00:00Z", "time_zone": "Mars/Olympus"}
    assert post(client, agent_anna, body).status_code == 422


def test_a_token_is_needed(client, db):
    assert client.post(URL, data="{}", content_type="application/json").status_code == 401
