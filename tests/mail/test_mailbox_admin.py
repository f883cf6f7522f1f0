"""Configuring IMAP mailboxes (klient.mail.mailbox_admin) against a real Dovecot: the
password is sealed and never told back, changes are events, a disabled mailbox is not
polled, a mailbox being polled is not deleted, and "test connection" signs in over TLS,
STARTTLS or plain text and reports the server's own error."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from klient.core.models import Event
from klient.core.sealing import unseal
from klient.mail import imap, mailbox_admin
from klient.mail.mailbox_admin import MailboxSettings
from klient.mail.models import ImapMailbox

pytestmark = pytest.mark.django_db(transaction=True)


def settings_for(team, account, *, password=None, security="none", port=None, folder="INBOX"):
    return MailboxSettings(
        team=team,
        host=account.host,
        port=port or account.port,
        security=security,
        username=account.username,
        password=password,
        folder=folder,
    )


@pytest.fixture
def mailbox(support_team, imap_account, admin_zofia) -> ImapMailbox:
    values = settings_for(support_team, imap_account, password=imap_account.password)
    with transaction.atomic():
        return mailbox_admin.create_mailbox(values, actor=admin_zofia)


def test_a_new_mailbox_keeps_its_password_sealed_and_out_of_the_event(mailbox, imap_account):
    assert mailbox.sealed_password != imap_account.password
    assert unseal(mailbox.sealed_password) == imap_account.password
    event = Event.objects.get(kind="imap.mailbox_added")
    assert imap_account.password not in str(event.data)
    assert event.actor is not None


def test_a_new_mailbox_needs_a_password(support_team, imap_account):
    with pytest.raises(ValidationError) as refused:
        mailbox_admin.create_mailbox(settings_for(support_team, imap_account, password=""))

    assert "password" in refused.value.message_dict


def test_changing_settings_without_a_password_keeps_the_stored_one(
    mailbox, imap_account, billing_team, admin_zofia
):
    sealed = mailbox.sealed_password

    with transaction.atomic():
        mailbox_admin.change_mailbox(
            mailbox, settings_for(billing_team, imap_account), actor=admin_zofia
        )

    mailbox.refresh_from_db()
    assert mailbox.team == billing_team
    assert mailbox.sealed_password == sealed
    event = Event.objects.get(kind="imap.mailbox_changed")
    assert event.data["changed"] == ["team"]


def test_a_new_password_replaces_the_sealed_one_and_is_not_in_the_event(
    mailbox, imap_account, support_team, admin_zofia
):
    with transaction.atomic():
        mailbox_admin.change_mailbox(
            mailbox,
            settings_for(support_team, imap_account, password="n3w-secret"),
            actor=admin_zofia,
        )

    mailbox.refresh_from_db()
    assert unseal(mailbox.sealed_password) == "n3w-secret"
    event = Event.objects.get(kind="imap.mailbox_changed")
    assert event.data["changed"] == ["password"]
    assert "n3w-secret" not in str(event.data)


def test_another_folder_is_another_mailbox_whose_polling_starts_again(
    mailbox, imap_account, support_team, admin_zofia
):
    ImapMailbox.objects.filter(pk=mailbox.pk).update(uidvalidity=7, last_uid=42)
    mailbox.refresh_from_db()

    with transaction.atomic():
        mailbox_admin.change_mailbox(
            mailbox, settings_for(support_team, imap_account, folder="Archive"), actor=admin_zofia
        )

    mailbox.refresh_from_db()
    assert (mailbox.folder, mailbox.uidvalidity, mailbox.last_uid) == ("Archive", None, 0)


def test_a_disabled_mailbox_is_not_polled_until_it_is_enabled_again(
    mailbox, imap_account, admin_zofia
):
    imap_account.append(b"From: a@b.example\r\nSubject: hello\r\n\r\nhi\r\n")
    with transaction.atomic():
        mailbox_admin.set_mailbox_active(mailbox, False, actor=admin_zofia)

    assert imap.poll_due_mailboxes() == 0
    assert imap.poll_all() == ["no enabled IMAP mailboxes (add one with `klient imap add`)"]

    with transaction.atomic():
        mailbox_admin.set_mailbox_active(mailbox, True, actor=admin_zofia)
    assert imap.poll_due_mailboxes() == 1
    kinds = list(Event.objects.filter(kind__startswith="imap.mailbox_").values_list("kind"))
    assert kinds == [("imap.mailbox_added",), ("imap.mailbox_disabled",), ("imap.mailbox_enabled",)]


def test_a_mailbox_being_polled_is_not_deleted(mailbox, admin_zofia):
    ImapMailbox.objects.filter(pk=mailbox.pk).update(
        lease_until=timezone.now() + timedelta(seconds=30)
    )

    with pytest.raises(ValidationError, match="being polled"), transaction.atomic():
        mailbox_admin.delete_mailbox(mailbox, actor=admin_zofia)

    assert ImapMailbox.objects.filter(pk=mailbox.pk).exists()


def test_deleting_a_mailbox_is_an_event_that_names_it(mailbox, admin_zofia):
    with transaction.atomic():
        mailbox_admin.delete_mailbox(mailbox, actor=admin_zofia)

    assert not ImapMailbox.objects.exists()
    event = Event.objects.get(kind="imap.mailbox_deleted")
    assert (event.data["host"], event.data["username"]) == (mailbox.host, mailbox.username)


def test_the_connection_check_signs_in_and_counts_without_fetching(support_team, imap_account):
    imap_account.append(b"From: a@b.example\r\nSubject: one\r\n\r\nhi\r\n")
    imap_account.append(b"From: a@b.example\r\nSubject: two\r\n\r\nhi\r\n")
    events = Event.objects.count()

    check = mailbox_admin.check_connection(
        settings_for(support_team, imap_account, password=imap_account.password)
    )

    assert check == mailbox_admin.ConnectionCheck(ok=True, detail="", messages=2)
    assert all(b"\\Seen" not in flags for flags in imap_account.flags().values())
    assert Event.objects.count() == events


def test_the_connection_check_uses_the_stored_password_when_none_is_typed(
    mailbox, support_team, imap_account
):
    check = mailbox_admin.check_connection(
        settings_for(support_team, imap_account), mailbox=mailbox
    )

    assert check.ok


def test_a_wrong_password_is_reported_in_the_servers_words(support_team, private_dovecot):
    account = private_dovecot.add_account()

    check = mailbox_admin.check_connection(settings_for(support_team, account, password="wrong"))

    assert not check.ok
    assert check.detail == "LoginError: [AUTHENTICATIONFAILED] Authentication failed."


def test_a_missing_folder_is_reported_in_the_servers_words(support_team, imap_account):
    values = settings_for(support_team, imap_account, password=imap_account.password)

    check = mailbox_admin.check_connection(
        MailboxSettings(**{**values.__dict__, "folder": "Nowhere"})
    )

    assert not check.ok
    assert "Mailbox doesn't exist: Nowhere" in check.detail


def logins(server, username, *, count):
    """Dovecot writes its log a moment after a login: wait for `count` lines. A login
    over TLS says ", TLS"; a plain one from 127.0.0.1 says "secured"."""
    deadline = time.monotonic() + 10
    while len(lines := server.logins(username)) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(lines) == count, lines
    return lines


def test_tls_from_the_start_and_starttls_both_sign_in(support_team, tls_dovecot):
    account = tls_dovecot.add_account()

    over_tls = mailbox_admin.check_connection(
        settings_for(
            support_team,
            account,
            password=account.password,
            security="tls",
            port=tls_dovecot.tls_port,
        )
    )
    over_starttls = mailbox_admin.check_connection(
        settings_for(support_team, account, password=account.password, security="starttls")
    )

    assert (over_tls.ok, over_tls.detail) == (True, "")
    assert (over_starttls.ok, over_starttls.detail) == (True, "")
    assert all(", TLS" in line for line in logins(tls_dovecot, account.username, count=2))


def test_tls_to_a_plain_text_port_fails_with_the_tls_error(support_team, imap_account):
    check = mailbox_admin.check_connection(
        settings_for(support_team, imap_account, password=imap_account.password, security="tls")
    )

    assert not check.ok
    assert "SSL" in check.detail


def test_the_poller_reads_a_starttls_mailbox(support_team, tls_dovecot):
    account = tls_dovecot.add_account()
    account.append(b"From: a@b.example\r\nTo: support@shop.example\r\nSubject: s\r\n\r\nhi\r\n")
    mailbox = mailbox_admin.add_mailbox(
        team=support_team,
        host=account.host,
        port=account.port,
        use_ssl=False,
        starttls=True,
        username=account.username,
        password=account.password,
    )

    result = imap.poll_mailbox(mailbox)

    assert (result.error, result.fetched) == ("", 1)
    appended, polled = logins(tls_dovecot, account.username, count=2)
    assert (", TLS" in appended, ", TLS" in polled) == (False, True)
