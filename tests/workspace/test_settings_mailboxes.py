"""/settings/mailboxes/: administrators add, edit, disable, delete and test IMAP mailboxes
(against a real Dovecot); the password is never shown back; other agents get 403."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from klient.core.models import Event
from klient.core.sealing import unseal
from klient.mail import mailbox_admin
from klient.mail.models import ImapMailbox

LIST = reverse("ops_settings:mailboxes")
NEW = reverse("ops_settings:mailbox_new")


def form_data(team, account, **changes):
    data = {
        "team": team.pk,
        "host": account.host,
        "security": "none",
        "port": account.port,
        "username": account.username,
        "password": account.password,
        "folder": "INBOX",
    }
    return {**data, **changes}


@pytest.fixture
def mailbox(support_team, imap_account):
    return mailbox_admin.add_mailbox(
        team=support_team,
        host=imap_account.host,
        port=imap_account.port,
        use_ssl=False,
        username=imap_account.username,
        password=imap_account.password,
    )


def test_an_administrator_sees_the_mailboxes(zofia_client, mailbox):
    response = zofia_client.get(LIST)

    assert response.status_code == 200
    assert str(mailbox) in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [LIST, NEW, "mailbox", "mailbox_test", "mailbox_active", "mailbox_delete"],
)
def test_other_agents_get_403_on_every_mailbox_page(anna_client, mailbox, url):
    if not url.startswith("/"):
        url = reverse(f"ops_settings:{url}", args=[mailbox.pk])
    method = (
        anna_client.post if url.endswith(("/test/", "/active/", "/delete/")) else anna_client.get
    )

    assert method(url).status_code == 403
    assert ImapMailbox.objects.get(pk=mailbox.pk).is_active


def test_signed_out_visitors_are_sent_to_sign_in(db):
    response = Client().get(LIST)

    assert response.status_code == 302
    assert "sign-in" in response["Location"]


def test_adding_a_mailbox_seals_the_password_and_writes_an_event(
    zofia_client, support_team, imap_account
):
    response = zofia_client.post(NEW, form_data(support_team, imap_account))

    assert response.status_code == 302
    mailbox = ImapMailbox.objects.get()
    assert unseal(mailbox.sealed_password) == imap_account.password
    assert (mailbox.use_ssl, mailbox.starttls) == (False, False)
    assert Event.objects.filter(kind="imap.mailbox_added").count() == 1


def test_the_edit_page_never_shows_the_password(zofia_client, mailbox, imap_account):
    page = zofia_client.get(reverse("ops_settings:mailbox", args=[mailbox.pk])).content.decode()

    assert imap_account.password not in page
    assert mailbox.sealed_password not in page
    assert 'type="password" name="password"' in page


def test_saving_with_an_empty_password_keeps_the_stored_one(
    zofia_client, mailbox, support_team, imap_account
):
    sealed = mailbox.sealed_password
    url = reverse("ops_settings:mailbox", args=[mailbox.pk])

    response = zofia_client.post(
        url, form_data(support_team, imap_account, password="", security="starttls", port=143)
    )

    assert response.status_code == 302
    mailbox.refresh_from_db()
    assert (mailbox.sealed_password, mailbox.starttls, mailbox.port) == (sealed, True, 143)
    assert Event.objects.get(kind="imap.mailbox_changed").data["changed"] == [
        "port",
        "starttls",
    ]


def test_a_refused_change_is_shown_on_the_form_and_saves_nothing(
    zofia_client, mailbox, support_team, imap_account
):
    response = zofia_client.post(NEW, form_data(support_team, imap_account))

    assert response.status_code == 400
    assert "is already polled" in response.content.decode()
    assert ImapMailbox.objects.count() == 1


def test_disabling_and_enabling(zofia_client, mailbox):
    url = reverse("ops_settings:mailbox_active", args=[mailbox.pk])

    zofia_client.post(url, {"active": "0"})
    assert not ImapMailbox.objects.get(pk=mailbox.pk).is_active
    assert "disabled" in zofia_client.get(LIST).content.decode()
    zofia_client.post(url, {"active": "1"})

    assert ImapMailbox.objects.get(pk=mailbox.pk).is_active
    kinds = ["imap.mailbox_disabled", "imap.mailbox_enabled"]
    assert list(Event.objects.filter(kind__in=kinds).values_list("kind", flat=True)) == kinds


def test_deleting(zofia_client, mailbox):
    response = zofia_client.post(reverse("ops_settings:mailbox_delete", args=[mailbox.pk]))

    assert response.status_code == 302
    assert not ImapMailbox.objects.exists()
    assert Event.objects.filter(kind="imap.mailbox_deleted").count() == 1


def test_test_connection_from_the_list_reports_success(zofia_client, mailbox, imap_account):
    imap_account.append(b"From: a@b.example\r\nSubject: x\r\n\r\nhi\r\n")

    response = zofia_client.post(
        reverse("ops_settings:mailbox_test", args=[mailbox.pk]), follow=True
    )

    assert response.status_code == 200
    assert "signed in; the folder holds 1 message." in response.content.decode()


def test_test_connection_with_a_wrong_password_shows_the_servers_error(
    zofia_client, support_team, private_dovecot
):
    account = private_dovecot.add_account()

    response = zofia_client.post(
        reverse("ops_settings:mailbox_new_test"),
        form_data(support_team, account, password="wrong"),
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "The connection failed. The server said:" in page
    assert "LoginError: [AUTHENTICATIONFAILED] Authentication failed." in page
    assert 'value="wrong"' not in page  # a typed password is not put back either
    assert not ImapMailbox.objects.exists()


def test_test_connection_of_typed_settings_saves_nothing(
    zofia_client, mailbox, support_team, imap_account
):
    url = reverse("ops_settings:mailbox_test", args=[mailbox.pk])

    response = zofia_client.post(url, form_data(support_team, imap_account, folder="INBOX"))

    assert "Signed in: the folder holds 0 messages." in response.content.decode()
    assert "Type the password again to save it." in response.content.decode()
    assert not Event.objects.filter(kind="imap.mailbox_changed").exists()
