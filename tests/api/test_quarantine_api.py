"""The quarantine over the API: administrators list and retry; others get 403 on the
list and 404 on an id."""

from email.message import EmailMessage

import pytest

from klient.core.models import Event
from klient.mail import actions
from klient.mail.models import InboundMail
from klient.people.actions import create_team

URL = "/api/v1/quarantine"


def email_to(address: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Ola <ola@klientka.pl>"
    msg["To"] = address
    msg["Subject"] = "Oferta"
    msg["Message-ID"] = "<ola-offer@klientka.pl>"
    msg.set_content("Dzień dobry, proszę o ofertę.")
    return bytes(msg)


@pytest.fixture
def quarantined(support_team):
    """A mail for a team that does not exist yet: the pipeline quarantines it."""
    inbound, _ = actions.accept_raw(email_to("sales@shop.example"), source="smtp")
    assert actions.process_inbound(inbound.pk) == "quarantined"
    inbound.refresh_from_db()
    return inbound


def test_an_admin_lists_quarantined_mail_with_its_reason(call, admin_zofia, quarantined):
    response = call(admin_zofia, "get", URL)

    assert response.status_code == 200
    [item] = response.json()["items"]
    assert item["id"] == quarantined.pk
    assert item["reason"] == quarantined.reason != ""
    assert (item["source"], item["size"]) == ("smtp", quarantined.size)
    assert item["received_at"]
    assert response.json()["next_cursor"] is None


def test_the_list_is_paged(call, admin_zofia, support_team):
    for i in range(3):
        inbound, _ = actions.accept_raw(f"garbage {i}".encode(), source="import")
        actions.quarantine(inbound, "unreadable")

    first = call(admin_zofia, "get", f"{URL}?limit=2").json()
    second = call(admin_zofia, "get", f"{URL}?limit=2&cursor={first['next_cursor']}").json()

    ids = [i["id"] for i in first["items"] + second["items"]]
    assert len(ids) == len(set(ids)) == 3
    assert second["next_cursor"] is None


def test_an_agent_may_not_see_the_quarantine(call, agent_anna, quarantined):
    response = call(agent_anna, "get", URL)

    assert response.status_code == 403
    assert "administrators" in response.json()["detail"]


def test_an_admin_retries_after_the_fix_and_the_mail_is_stored(call, admin_zofia, quarantined):
    create_team("Sales", address="sales@shop.example")

    response = call(admin_zofia, "post", f"{URL}/{quarantined.pk}/retry")

    assert response.status_code == 200
    assert response.json() == {
        "id": quarantined.pk,
        "outcome": "stored",
        "state": "done",
        "reason": "",
    }
    assert InboundMail.objects.get(pk=quarantined.pk).message is not None


def test_a_retry_that_fails_again_says_why(call, admin_zofia, quarantined):
    response = call(admin_zofia, "post", f"{URL}/{quarantined.pk}/retry")

    assert response.status_code == 200
    assert response.json()["state"] == "quarantined"
    assert response.json()["reason"]


def test_retrying_mail_that_is_not_quarantined_is_a_404(call, admin_zofia, quarantined):
    create_team("Sales", address="sales@shop.example")
    call(admin_zofia, "post", f"{URL}/{quarantined.pk}/retry")

    assert call(admin_zofia, "post", f"{URL}/{quarantined.pk}/retry").status_code == 404
    assert call(admin_zofia, "post", f"{URL}/999999/retry").status_code == 404


def test_an_agent_retrying_gets_a_404(call, agent_anna, quarantined):
    response = call(agent_anna, "post", f"{URL}/{quarantined.pk}/retry")

    assert response.status_code == 404
    assert InboundMail.objects.get(pk=quarantined.pk).state == "quarantined"


def test_an_admin_discards_with_a_reason_and_the_mail_leaves_the_quarantine(
    call, admin_zofia, quarantined
):
    response = call(
        admin_zofia, "post", f"{URL}/{quarantined.pk}/discard", {"reason": "Spam for sales@"}
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["state"], body["discard_reason"]) == (
        quarantined.pk,
        "discarded",
        "Spam for sales@",
    )
    assert body["reason"] == quarantined.reason
    assert body["discarded_by"] == admin_zofia.pk
    assert body["discarded_at"]
    assert call(admin_zofia, "get", URL).json()["items"] == []
    event = Event.objects.get(kind="mail.discarded")
    assert (event.actor, event.data["reason"]) == (admin_zofia, "Spam for sales@")


def test_a_discard_without_a_reason_is_refused_and_changes_nothing(call, admin_zofia, quarantined):
    response = call(admin_zofia, "post", f"{URL}/{quarantined.pk}/discard", {"reason": "  "})

    assert response.status_code == 422
    assert "why" in response.json()["detail"]
    assert InboundMail.objects.get(pk=quarantined.pk).state == "quarantined"
    assert not Event.objects.filter(kind="mail.discarded").exists()


def test_discarded_mail_can_be_neither_discarded_again_nor_retried(call, admin_zofia, quarantined):
    call(admin_zofia, "post", f"{URL}/{quarantined.pk}/discard", {"reason": "spam"})

    again = call(admin_zofia, "post", f"{URL}/{quarantined.pk}/discard", {"reason": "spam"})
    retried = call(admin_zofia, "post", f"{URL}/{quarantined.pk}/retry")

    assert (again.status_code, retried.status_code) == (404, 404)


def test_an_agent_discarding_gets_a_404(call, agent_anna, quarantined):
    response = call(agent_anna, "post", f"{URL}/{quarantined.pk}/discard", {"reason": "spam"})

    assert response.status_code == 404
    assert InboundMail.objects.get(pk=quarantined.pk).state == "quarantined"


def test_each_item_shows_its_message_id_from_and_subject_as_far_as_they_were_read(
    call, admin_zofia, support_team
):
    unreadable, _ = actions.accept_raw(b"From: Kr\xfcger, Stefan\r\n\r\nno address", source="smtp")
    assert actions.process_inbound(unreadable.pk) == "quarantined"

    by_id = {i["id"]: i for i in call(admin_zofia, "get", URL).json()["items"]}

    item = by_id[unreadable.pk]
    assert item["from_header"] == "Krüger, Stefan"  # raw Latin-1, read as such
    assert (item["message_id"], item["subject"]) == ("", "")
    assert item["reason"] == "the email has no usable From address"


def test_a_quarantined_mail_for_no_team_shows_its_headers(call, admin_zofia, quarantined):
    [item] = call(admin_zofia, "get", URL).json()["items"]

    assert (item["message_id"], item["from_header"], item["subject"]) == (
        "<ola-offer@klientka.pl>",
        "Ola <ola@klientka.pl>",
        "Oferta",
    )
