"""Callbacks: a customer asks to be called back in a window of their time zone (POST
/api/v1/callbacks); it is due when the window opens, with its own target, listed in
"Callbacks due"; each attempt is logged (POST /api/v1/callbacks/{id}/attempts); after a
missed one the customer is told, in their language, when the next will be — inside the
window when it can — and after the last what they can do."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from klient.conversations.models import Message
from klient.core.models import Event
from klient.phone.models import Callback

WARSAW_MORNING = "2030-03-12T09:00:00+01:00"
WARSAW_NOON = "2030-03-12T12:00:00+01:00"


@pytest.fixture(autouse=True)
def callback_rules(settings):
    settings.KLIENT_CALLBACK_ATTEMPTS = 3
    settings.KLIENT_CALLBACK_RETRY_MINUTES = 60
    settings.KLIENT_CALLBACK_TARGET_MINUTES = 30


def _request(call, user, **fields):
    body = {
        "phone": "+33 6 12 34 56 78",
        "window_start": WARSAW_MORNING,
        "window_end": WARSAW_NOON,
        "time_zone": "Europe/Warsaw",
        **fields,
    }
    return call(user, "post", "/api/v1/callbacks", body)


def _attempt(call, user, callback_id, outcome, note=""):
    return call(
        user,
        "post",
        f"/api/v1/callbacks/{callback_id}/attempts",
        {"outcome": outcome, "note": note},
    )


def _notices(conversation):
    return list(Message.objects.filter(conversation=conversation, sender="system").order_by("pk"))


def test_a_callback_in_a_future_window_is_due_when_it_opens_with_its_own_target(
    call, agent_anna, luc_power_cut
):
    response = _request(call, agent_anna, conversation=luc_power_cut.reference)

    assert response.status_code == 201, response.content
    out = response.json()
    opens = datetime.fromisoformat(WARSAW_MORNING)
    assert datetime.fromisoformat(out["due_at"]) == opens
    assert datetime.fromisoformat(out["target_at"]) == opens + timedelta(minutes=30)
    assert (out["state"], out["phone"], out["overdue"]) == ("due", "+33612345678", False)
    listed = call(agent_anna, "get", "/api/v1/callbacks").json()["items"]
    assert [c["id"] for c in listed] == [out["id"]]
    assert Event.objects.filter(conversation=luc_power_cut, kind="callback.requested").exists()


def test_a_callback_without_a_conversation_opens_one_for_the_caller(call, agent_anna, support_team):
    response = _request(call, agent_anna, phone="+48 601 234 567", customer={"name": "Ewa Lis"})

    assert response.status_code == 201
    callback = Callback.objects.get()
    assert callback.conversation.team == support_team
    assert callback.conversation.channel == "phone"
    assert callback.customer.name == "Ewa Lis"


def test_a_window_without_an_offset_or_that_ends_before_it_starts_is_refused(
    call, agent_anna, luc_power_cut
):
    ref = luc_power_cut.reference
    naive = _request(call, agent_anna, conversation=ref, window_start="2030-03-12T09:00:00")
    backwards = _request(call, agent_anna, conversation=ref, window_end="2030-03-12T08:00:00+01:00")

    assert naive.status_code == 422 and "offset" in naive.json()["detail"]
    assert backwards.status_code == 422
    assert Callback.objects.count() == 0


def test_a_missed_attempt_tells_the_customer_in_their_language_when_the_next_will_be(
    call, agent_anna, luc_power_cut
):
    now = timezone.now()
    window_end = (now + timedelta(hours=5)).isoformat()
    callback = _request(
        call,
        agent_anna,
        conversation=luc_power_cut.reference,
        window_start=(now - timedelta(minutes=5)).isoformat(),
        window_end=window_end,
        time_zone="Europe/Paris",
    ).json()

    response = _attempt(call, agent_anna, callback["id"], "no_answer", "Répondeur plein.")

    assert response.status_code == 201
    out = response.json()
    next_at = datetime.fromisoformat(out["attempts"][0]["next_attempt_at"])
    assert timedelta(minutes=59) < next_at - now < timedelta(minutes=61)
    assert datetime.fromisoformat(out["due_at"]) == next_at
    [notice] = _notices(luc_power_cut)
    assert notice.to == ["luc@client.fr"]
    assert notice.body_text.startswith("Nous avons essayé de vous appeler au +33612345678")
    local = timezone.localtime(next_at, __import__("zoneinfo").ZoneInfo("Europe/Paris"))
    assert f"{local:%H:%M}" in notice.body_text


def test_missed_then_reached_closes_the_callback(call, agent_anna, luc_power_cut):
    callback = _request(call, agent_anna, conversation=luc_power_cut.reference).json()

    _attempt(call, agent_anna, callback["id"], "voicemail")
    reached = _attempt(call, agent_anna, callback["id"], "reached", "Luc is fine now.").json()

    assert reached["state"] == "reached"
    assert [a["outcome"] for a in reached["attempts"]] == ["voicemail", "reached"]
    assert call(agent_anna, "get", "/api/v1/callbacks").json()["items"] == []
    assert len(_notices(luc_power_cut)) == 1  # only the missed one told the customer
    again = _attempt(call, agent_anna, callback["id"], "no_answer")
    assert again.status_code == 422


def test_after_the_last_attempt_the_customer_is_told_what_they_can_do(
    call, agent_anna, luc_power_cut
):
    callback = _request(call, agent_anna, conversation=luc_power_cut.reference).json()

    for _ in range(3):
        last = _attempt(call, agent_anna, callback["id"], "no_answer").json()

    assert last["state"] == "given_up"
    assert len(last["attempts"]) == 3
    assert last["attempts"][-1]["next_attempt_at"] is None
    notices = _notices(luc_power_cut)
    assert len(notices) == 3
    assert "nous ne réessaierons pas" in notices[-1].body_text
    assert _attempt(call, agent_anna, callback["id"], "no_answer").status_code == 422


def test_a_wrong_number_gives_up_at_once_and_asks_for_the_right_one(
    call, agent_anna, luc_power_cut
):
    callback = _request(call, agent_anna, conversation=luc_power_cut.reference).json()

    out = _attempt(call, agent_anna, callback["id"], "wrong_number").json()

    assert out["state"] == "given_up"
    assert "le bon numéro" in _notices(luc_power_cut)[0].body_text


def test_an_unknown_outcome_is_refused_and_an_outsider_gets_404(
    call, agent_anna, agent_bruno, luc_power_cut
):
    callback = _request(call, agent_anna, conversation=luc_power_cut.reference).json()

    assert _attempt(call, agent_anna, callback["id"], "maybe").status_code == 422
    assert _attempt(call, agent_bruno, callback["id"], "reached").status_code == 404
    assert call(agent_bruno, "get", "/api/v1/callbacks").json()["items"] == []


def test_callbacks_due_lists_them_soonest_first_and_logs_an_attempt(
    client, agent_anna, luc_power_cut
):
    from klient.phone.callbacks import request_callback

    later = request_callback(
        phone="+33612345678",
        window_start=datetime.fromisoformat(WARSAW_MORNING),
        window_end=datetime.fromisoformat(WARSAW_NOON),
        time_zone="Europe/Warsaw",
        source="api",
        conversation=luc_power_cut,
    )
    now = request_callback(
        phone="+33612345679",
        window_start=None,
        window_end=None,
        time_zone="",
        source="api",
        conversation=luc_power_cut,
    )
    client.force_login(agent_anna)

    page = client.get("/callbacks/").content.decode()

    assert page.index(f'id="callback-{now.pk}"') < page.index(f'id="callback-{later.pk}"')
    response = client.post(f"/callbacks/{now.pk}/attempt/", {"outcome": "reached"}, follow=True)
    assert response.status_code == 200
    assert Callback.objects.get(pk=now.pk).state == "reached"
    assert f'id="callback-{now.pk}"' not in response.content.decode()


def test_an_agent_outside_the_team_sees_no_callback_of_it(client, agent_bruno, luc_power_cut):
    from klient.phone.callbacks import request_callback

    callback = request_callback(
        phone="+33612345678",
        window_start=None,
        window_end=None,
        time_zone="",
        source="api",
        conversation=luc_power_cut,
    )
    client.force_login(agent_bruno)

    assert f"callback-{callback.pk}" not in client.get("/callbacks/").content.decode()
    assert (
        client.post(f"/callbacks/{callback.pk}/attempt/", {"outcome": "reached"}).status_code == 404
    )


def test_the_conversation_page_shows_the_callbacks_still_owed(client, agent_anna, luc_power_cut):
    from klient.phone.callbacks import request_callback

    request_callback(
        phone="+33612345678",
        window_start=None,
        window_end=None,
        time_zone="",
        source="api",
        conversation=luc_power_cut,
    )
    client.force_login(agent_anna)

    page = client.get(f"/c/{luc_power_cut.reference}/").content.decode()

    card = page[page.index('id="callbacks-title"') :]
    assert "+33612345678" in card[: card.index("</section>")]
