"""Pre-send checks through the API: POST /conversations/{ref}/check-reply gives a draft's
findings without sending anything, and a reply's response carries the same findings. A
finding never blocks the reply; a check that raises is skipped."""

import re

import pytest

from klient.conversations.checks import Finding, register_check, unregister_check
from klient.conversations.models import Message

URL = "/api/v1/conversations"


def flag_actually(draft):
    """The dummy check: "actually" can sound like a correction of the customer."""
    for match in re.finditer(r"\bactually\b", draft.body, flags=re.IGNORECASE):
        yield Finding(
            check="actually",
            category="tone",
            message="“Actually” can sound like you are correcting the customer.",
            start=match.start(),
            end=match.end(),
            suggestion="In fact",
        )


def broken_check(draft):
    raise RuntimeError("this check is broken")


@pytest.fixture
def actually_check():
    register_check("actually", flag_actually)
    yield
    unregister_check("actually")


@pytest.fixture
def a_broken_check():
    register_check("broken", broken_check)
    yield
    unregister_check("broken")


EXPECTED = {
    "check": "actually",
    "category": "tone",
    "message": "“Actually” can sound like you are correcting the customer.",
    "start": 5,
    "end": 13,
    "excerpt": "actually",
    "suggestion": "In fact",
}


def test_check_reply_returns_the_findings_and_sends_nothing(
    call, agent_anna, luc_power_cut, actually_check
):
    before = Message.objects.count()

    response = call(
        agent_anna,
        "post",
        f"{URL}/{luc_power_cut.reference}/check-reply",
        {"body": "Well actually, the power cut is on your side."},
    )

    assert response.status_code == 200
    assert response.json() == {"findings": [EXPECTED]}
    assert Message.objects.count() == before


def test_without_checks_the_findings_are_empty(call, agent_anna, luc_power_cut):
    response = call(
        agent_anna,
        "post",
        f"{URL}/{luc_power_cut.reference}/check-reply",
        {"body": "Well actually"},
    )

    assert response.status_code == 200
    assert response.json() == {"findings": []}


def test_the_reply_is_sent_and_its_response_carries_the_findings(
    call, agent_anna, luc_power_cut, actually_check
):
    response = call(
        agent_anna,
        "post",
        f"{URL}/{luc_power_cut.reference}/replies",
        {"body": "Well actually, the power cut is on your side."},
    )

    assert response.status_code == 201
    body = response.json()
    assert body["findings"] == [EXPECTED]
    assert body["kind"] == "outbound"  # every field of a message is still there
    assert body["delivery"]["state"] == "queued"
    sent = Message.objects.get(pk=body["id"])
    assert sent.body_text == "Well actually, the power cut is on your side."


def test_a_raising_check_is_skipped_and_blocks_nothing(
    call, agent_anna, luc_power_cut, a_broken_check, actually_check, caplog
):
    checked = call(
        agent_anna,
        "post",
        f"{URL}/{luc_power_cut.reference}/check-reply",
        {"body": "Well actually"},
    )
    replied = call(
        agent_anna, "post", f"{URL}/{luc_power_cut.reference}/replies", {"body": "Well actually"}
    )

    assert checked.status_code == 200
    assert [f["check"] for f in checked.json()["findings"]] == ["actually"]
    assert replied.status_code == 201
    assert [f["check"] for f in replied.json()["findings"]] == ["actually"]
    assert "reply check broken failed" in caplog.text


def test_check_reply_outside_the_callers_teams_is_a_404(
    call, agent_bruno, luc_power_cut, actually_check
):
    response = call(
        agent_bruno, "post", f"{URL}/{luc_power_cut.reference}/check-reply", {"body": "actually"}
    )

    assert response.status_code == 404


def test_check_reply_refuses_unknown_fields(call, agent_anna, luc_power_cut):
    response = call(
        agent_anna,
        "post",
        f"{URL}/{luc_power_cut.reference}/check-reply",
        {"body": "Hello", "send": True},
    )

    assert response.status_code == 422
