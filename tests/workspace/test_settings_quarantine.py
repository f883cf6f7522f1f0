"""/settings/quarantine/: administrators see quarantined mail with its reason and date,
download its raw source (a download a browser never renders), retry it through the same
action as the API and `klient quarantine retry`, and discard it with a reason that is
recorded and shown. Other agents get 403."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from django.urls import reverse

from klient.core.models import Event
from klient.mail import actions
from klient.mail.models import InboundMail
from klient.people.actions import create_team

LIST = reverse("ops_settings:quarantine")


def email_to(address: str, subject: str = "Oferta <b>pilna</b>") -> bytes:
    msg = EmailMessage()
    msg["From"] = "Ola <ola@klientka.pl>"
    msg["To"] = address
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{abs(hash(subject))}@klientka.pl>"
    msg.set_content("<script>alert(1)</script> Dzień dobry, proszę o ofertę.")
    return bytes(msg)


@pytest.fixture
def quarantined(support_team) -> InboundMail:
    """A mail for a team that does not exist yet: the pipeline quarantines it."""
    inbound, _ = actions.accept_raw(email_to("sales@shop.example"), source="smtp")
    assert actions.process_inbound(inbound.pk) == "quarantined"
    inbound.refresh_from_db()
    return inbound


def url(name: str, inbound: InboundMail) -> str:
    return reverse(f"ops_settings:{name}", args=[inbound.pk])


def test_the_list_shows_each_quarantined_mail_with_its_reason_and_date(zofia_client, quarantined):
    page = zofia_client.get(LIST).content.decode()

    assert f"Email #{quarantined.pk}" in page
    assert "sales@shop.example" in page  # the reason names the address nobody receives
    assert "No team receives mail for the recipients (sales@shop.example" in page
    assert "Quarantined (1)" in page


def test_the_detail_shows_the_reason_and_the_headers_escaped(zofia_client, quarantined):
    response = zofia_client.get(url("quarantine_detail", quarantined))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Why it is in quarantine" in page
    assert "Oferta &lt;b&gt;pilna&lt;/b&gt;" in page
    assert "<script>alert(1)</script>" not in page
    assert "mail.quarantined" not in page  # the event is shown by its label
    assert "Incoming email quarantined" in page


@pytest.mark.parametrize(
    ("name", "method"),
    [
        (None, "get"),
        ("quarantine_detail", "get"),
        ("quarantine_raw", "get"),
        ("quarantine_retry", "post"),
        ("quarantine_discard", "post"),
    ],
)
def test_other_agents_get_403(anna_client, quarantined, name, method):
    target = LIST if name is None else url(name, quarantined)

    response = getattr(anna_client, method)(target, {"reason": "no"} if method == "post" else {})

    assert response.status_code == 403
    assert InboundMail.objects.get(pk=quarantined.pk).state == "quarantined"


def test_the_raw_source_is_a_download_never_rendered(zofia_client, quarantined):
    response = zofia_client.get(url("quarantine_raw", quarantined))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"quarantined-{quarantined.pk}.eml" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == email_to("sales@shop.example")


def test_retry_after_the_fix_stores_the_mail_and_says_where(zofia_client, quarantined):
    create_team("Sales", address="sales@shop.example")

    response = zofia_client.post(url("quarantine_retry", quarantined), follow=True)

    inbound = InboundMail.objects.get(pk=quarantined.pk)
    assert (inbound.state, inbound.outcome) == ("done", "stored")
    reference = actions.stored_message(inbound).conversation.reference
    assert f"The email is stored in {reference}." in response.content.decode()
    event = Event.objects.get(kind="mail.retried")
    assert event.data["inbound"] == quarantined.pk
    assert event.actor.email == "zofia@shop.example"


def test_retry_into_a_chosen_team(zofia_client, quarantined, billing_team):
    zofia_client.post(url("quarantine_retry", quarantined), {"team": billing_team.pk})

    inbound = InboundMail.objects.get(pk=quarantined.pk)
    assert inbound.state == "done"
    assert actions.stored_message(inbound).conversation.team == billing_team


def test_a_retry_that_fails_again_shows_why(zofia_client, quarantined):
    response = zofia_client.post(url("quarantine_retry", quarantined), follow=True)

    assert "Quarantined again:" in response.content.decode()
    assert InboundMail.objects.get(pk=quarantined.pk).state == "quarantined"


def test_discard_records_and_shows_the_reason_and_who(zofia_client, quarantined):
    response = zofia_client.post(
        url("quarantine_discard", quarantined), {"reason": "Spam sent to an old address"}
    )

    assert response.status_code == 302
    inbound = InboundMail.objects.get(pk=quarantined.pk)
    assert (inbound.state, inbound.discard_reason) == ("discarded", "Spam sent to an old address")
    event = Event.objects.get(kind="mail.discarded")
    assert (event.actor.email, event.data["reason"]) == (
        "zofia@shop.example",
        "Spam sent to an old address",
    )
    listed = zofia_client.get(LIST + "?show=discarded").content.decode()
    assert "Spam sent to an old address" in listed
    assert "Discarded by Zofia Admin" in listed
    detail = zofia_client.get(url("quarantine_detail", quarantined)).content.decode()
    assert "Why it was discarded" in detail
    assert "Quarantined email discarded" in detail
    assert zofia_client.get(url("quarantine_raw", quarantined)).status_code == 200  # kept


def test_discard_without_a_reason_is_refused_on_the_page(zofia_client, quarantined):
    response = zofia_client.post(url("quarantine_discard", quarantined), {"reason": ""})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()
    assert InboundMail.objects.get(pk=quarantined.pk).state == "quarantined"


def test_mail_that_is_not_quarantined_is_a_404(zofia_client, db):
    received, _ = actions.accept_raw(b"waiting", source="import")

    assert zofia_client.get(url("quarantine_detail", received)).status_code == 404
    assert zofia_client.get(url("quarantine_raw", received)).status_code == 404
    assert zofia_client.post(url("quarantine_retry", received)).status_code == 404


def test_the_list_shows_each_mails_from_subject_and_message_id(zofia_client, quarantined):
    page = zofia_client.get(LIST).content.decode()

    assert "Ola &lt;ola@klientka.pl&gt;" in page
    assert "Oferta &lt;b&gt;pilna&lt;/b&gt;" in page  # escaped, never markup
    message_id = f"&lt;{abs(hash('Oferta <b>pilna</b>'))}@klientka.pl&gt;"
    assert message_id in page


@pytest.mark.parametrize(
    ("language", "wording"),
    [
        ("fr", "Aucune équipe ne reçoit le courrier des destinataires (sales@shop.example"),
        ("pl", "Żaden zespół nie odbiera poczty dla adresatów (sales@shop.example"),
        ("de", "Kein Team empfängt Mail für die Empfänger (sales@shop.example"),
        ("uk", "Жодна команда не отримує пошту для адресатів (sales@shop.example"),
    ],
)
def test_the_reason_reads_in_the_administrators_language(
    zofia_client, quarantined, language, wording
):
    headers = {"accept-language": language}
    listed = zofia_client.get(LIST, headers=headers).content.decode()
    detail = zofia_client.get(url("quarantine_detail", quarantined), headers=headers)

    assert wording in listed
    assert wording in detail.content.decode()
    assert quarantined.reason.startswith("no team receives mail")  # stored as Klient wrote it
