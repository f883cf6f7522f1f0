"""The IMAP poller against a real Dovecot: store, then flag, then advance; never twice."""

from __future__ import annotations

import socket
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from klient import cli
from klient.conversations.models import Message
from klient.core import blobs
from klient.core.models import Event
from klient.mail import imap, mailbox_admin
from klient.mail.models import ImapMailbox, InboundMail

pytestmark = pytest.mark.django_db(transaction=True)

SEEN = b"\\Seen"


def unused_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def email_bytes(subject: str, *, sender: str = "ola@customer.example") -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Ola Kowalska <{sender}>"
    msg["To"] = "support@shop.example"
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="customer.example")
    msg.set_content(f"{subject}: my order has not arrived.\n")
    return msg.as_bytes(policy=policy.SMTP)


@pytest.fixture
def mailbox(support_team, imap_account) -> ImapMailbox:
    return mailbox_admin.add_mailbox(
        team=support_team,
        host=imap_account.host,
        port=imap_account.port,
        use_ssl=False,
        username=imap_account.username,
        password=imap_account.password,
        folder="INBOX",
    )


def test_poll_stores_each_new_message_once_and_then_marks_it_seen(mailbox, imap_account):
    sent = [email_bytes(f"Order {n}") for n in range(3)]
    for raw in sent:
        imap_account.append(raw)

    result = imap.poll_mailbox(mailbox)

    assert (result.fetched, result.stored, result.error) == (3, 3, "")
    rows = InboundMail.objects.filter(source="imap").order_by("pk")
    assert [blobs.load(r.raw_blob) for r in rows] == sent
    assert {r.state for r in rows} == {"done"}
    assert {r.team_id for r in rows} == {mailbox.team_id}
    assert Message.objects.filter(kind="inbound").count() == 3
    flags = imap_account.flags()
    assert all(SEEN in f for f in flags.values())
    mailbox.refresh_from_db()
    assert mailbox.last_uid == max(flags)
    assert mailbox.last_polled_at is not None
    assert mailbox.last_error == ""


def test_a_second_poll_fetches_nothing_new(mailbox, imap_account):
    imap_account.append(email_bytes("Invoice"))
    imap.poll_mailbox(mailbox)

    again = imap.poll_mailbox(mailbox)

    assert again.fetched == 0
    assert again.describe().endswith("no new mail")
    assert InboundMail.objects.count() == 1


def test_mail_arriving_after_a_poll_is_fetched_by_the_next_one(mailbox, imap_account):
    imap_account.append(email_bytes("First"))
    imap.poll_mailbox(mailbox)
    imap_account.append(email_bytes("Second"))

    result = imap.poll_mailbox(mailbox)

    assert (result.fetched, result.stored) == (1, 1)
    assert sorted(Message.objects.values_list("subject", flat=True)) == ["First", "Second"]


def test_a_crash_between_storing_and_flagging_does_not_duplicate(mailbox, imap_account):
    """Given mail stored by a poll that died before \\Seen and last_uid were written
    (the flag is removed on the server and last_uid put back), the next poll fetches it
    again, recognises it and flags it, storing nothing twice."""
    imap_account.append(email_bytes("Where is my parcel?"))
    imap_account.append(email_bytes("Also: wrong size"))
    imap.poll_mailbox(mailbox)
    client = imap_account.client()
    client.select_folder("INBOX")
    client.remove_flags(client.search(["ALL"]), [SEEN])
    client.logout()
    ImapMailbox.objects.filter(pk=mailbox.pk).update(last_uid=0)
    mailbox.refresh_from_db()

    result = imap.poll_mailbox(mailbox)

    assert (result.fetched, result.stored, result.duplicates) == (2, 0, 2)
    assert InboundMail.objects.count() == 2
    assert Message.objects.count() == 2
    assert all(SEEN in f for f in imap_account.flags().values())


def test_mail_stored_but_never_processed_is_processed_when_fetched_again(mailbox, imap_account):
    """Given the poller died right after accept_raw, the row is still `received`; the
    next poll processes it instead of counting it as already known."""
    raw = email_bytes("Stored before the crash")
    imap_account.append(raw)
    from klient.mail.actions import accept_raw

    accept_raw(raw, source="imap", team_id=mailbox.team_id)

    result = imap.poll_mailbox(mailbox)

    assert (result.fetched, result.stored) == (1, 1)
    assert InboundMail.objects.get().state == "done"


def test_a_new_uidvalidity_starts_over_without_duplicates(mailbox, imap_account):
    imap_account.append(email_bytes("Renumbered"))
    imap.poll_mailbox(mailbox)
    ImapMailbox.objects.filter(pk=mailbox.pk).update(uidvalidity=1, last_uid=999)
    mailbox.refresh_from_db()

    result = imap.poll_mailbox(mailbox)

    assert (result.fetched, result.duplicates) == (1, 1)
    assert Message.objects.count() == 1
    mailbox.refresh_from_db()
    assert mailbox.uidvalidity != 1
    assert mailbox.last_uid == 1
    assert Event.objects.filter(kind="imap.uidvalidity_changed").count() == 1


def test_an_unreachable_server_is_recorded_not_raised(support_team):
    mailbox = mailbox_admin.add_mailbox(
        team=support_team,
        host="127.0.0.1",
        port=unused_port(),
        use_ssl=False,
        username="nobody",
        password="x",
    )

    result = imap.poll_mailbox(mailbox)

    assert "Connection refused" in result.error
    mailbox.refresh_from_db()
    assert "Connection refused" in mailbox.last_error
    assert mailbox.last_polled_at is not None
    assert Event.objects.filter(kind="imap.poll_failed").count() == 1
    assert "failed" in result.describe()


def test_a_failure_is_recorded_once_and_cleared_when_polling_works_again(mailbox):
    working_port = mailbox.port
    ImapMailbox.objects.filter(pk=mailbox.pk).update(port=unused_port())
    mailbox.refresh_from_db()

    imap.poll_mailbox(mailbox)
    imap.poll_mailbox(mailbox)
    ImapMailbox.objects.filter(pk=mailbox.pk).update(port=working_port)
    mailbox.refresh_from_db()
    recovered = imap.poll_mailbox(mailbox)

    assert recovered.error == ""
    mailbox.refresh_from_db()
    assert mailbox.last_error == ""
    assert Event.objects.filter(kind="imap.poll_failed").count() == 1
    assert Event.objects.filter(kind="imap.poll_recovered").count() == 1


def test_a_wrong_password_is_recorded_not_raised(support_team, private_dovecot):
    account = private_dovecot.add_account()
    mailbox = mailbox_admin.add_mailbox(
        team=support_team,
        host=account.host,
        port=account.port,
        use_ssl=False,
        username=account.username,
        password="wrong",
    )

    result = imap.poll_mailbox(mailbox)

    assert result.error == "LoginError: [AUTHENTICATIONFAILED] Authentication failed."
    mailbox.refresh_from_db()
    assert mailbox.last_error == result.error


def test_the_sweep_polls_only_mailboxes_not_polled_in_the_last_minute(mailbox, imap_account):
    imap_account.append(email_bytes("Due"))

    first = imap.poll_due_mailboxes()
    imap_account.append(email_bytes("Not yet"))
    second = imap.poll_due_mailboxes()
    ImapMailbox.objects.filter(pk=mailbox.pk).update(
        last_polled_at=timezone.now() - timedelta(minutes=2)
    )
    third = imap.poll_due_mailboxes()

    assert (first, second, third) == (1, 0, 1)
    assert Message.objects.count() == 2


def test_adding_a_mailbox_is_an_event_and_the_same_mailbox_cannot_be_added_twice(
    mailbox, support_team
):
    event = Event.objects.get(kind="imap.mailbox_added")
    assert event.data["mailbox"] == mailbox.pk
    assert "password" not in event.data
    with pytest.raises(ValidationError):
        mailbox_admin.add_mailbox(
            team=support_team,
            host=mailbox.host,
            port=mailbox.port,
            use_ssl=False,
            username=mailbox.username,
            password="x",
        )


def test_the_imap_commands_add_and_poll(support_team, imap_account, capsys):
    imap_account.append(email_bytes("Via the command line"))

    added = cli.main(
        [
            "imap",
            "add",
            "--team",
            "Support",
            "--host",
            imap_account.host,
            "--port",
            str(imap_account.port),
            "--no-ssl",
            "--user",
            imap_account.username,
            "--password",
            imap_account.password,
        ]
    )
    polled = cli.main(["imap", "poll"])

    out = capsys.readouterr().out
    assert (added, polled) == (0, 0)
    assert f"{imap_account.username}@127.0.0.1/INBOX: 1 new: 1 stored" in out
    assert Message.objects.get().subject == "Via the command line"


def test_many_messages_are_fetched_in_batches_in_uid_order(mailbox, imap_account, monkeypatch):
    monkeypatch.setattr(imap, "FETCH_BATCH", 2)
    for n in range(5):
        imap_account.append(email_bytes(f"Batch {n}"))

    result = imap.poll_mailbox(mailbox)

    assert (result.fetched, result.stored) == (5, 5)
    subjects = list(InboundMail.objects.order_by("pk").values_list("message__subject", flat=True))
    assert subjects == [f"Batch {n}" for n in range(5)]
    assert len(imap_account.flags()) == 5
    assert all(SEEN in f for f in imap_account.flags().values())


def test_the_password_is_kept_sealed_and_still_logs_in(mailbox, imap_account):
    imap_account.append(email_bytes("Sealed"))

    stored = ImapMailbox.objects.values_list("sealed_password", flat=True).get(pk=mailbox.pk)
    result = imap.poll_mailbox(mailbox)

    assert imap_account.password not in stored
    assert result.error is None or result.error == ""
    assert Message.objects.filter(subject="Sealed").count() == 1


def test_a_password_sealed_under_another_secret_key_is_an_error_not_a_crash(mailbox, settings):
    settings.SECRET_KEY = "a-completely-different-secret-key-after-a-botched-rotation"

    result = imap.poll_mailbox(mailbox)

    assert result.error.startswith("UnsealError")
    mailbox.refresh_from_db()
    assert "KLIENT_SECRET_KEY_FALLBACKS" in mailbox.last_error


def test_an_old_secret_key_in_the_fallbacks_still_opens_the_password(
    mailbox, imap_account, settings
):
    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "the-new-secret-key-after-rotation-0123456789"
    settings.SECRET_KEY_FALLBACKS = [old_key]
    imap_account.append(email_bytes("Rotated"))

    result = imap.poll_mailbox(mailbox)

    assert not result.error
    assert Message.objects.filter(subject="Rotated").count() == 1


def test_a_mailbox_being_polled_is_not_polled_by_a_second_worker_until_its_lease_runs_out(
    mailbox, imap_account
):
    from klient.core import work

    imap_account.append(email_bytes("Fetched once"))
    # A worker holds the mailbox: its poll may outlast the poll interval.
    assert work.claim_one(imap.POLL_WORK, mailbox.pk) is not None

    assert imap.poll_due_mailboxes() == 0
    # The worker died: once its lease has run out, the next sweep polls the mailbox.
    ImapMailbox.objects.filter(pk=mailbox.pk).update(
        lease_until=timezone.now() - timedelta(seconds=1)
    )
    assert imap.poll_due_mailboxes() == 1
    assert imap.poll_due_mailboxes() == 0
    assert ImapMailbox.objects.get(pk=mailbox.pk).lease_until is None
    assert Message.objects.count() == 1


def test_klient_imap_poll_leaves_a_mailbox_a_worker_is_polling_to_it(mailbox, imap_account):
    from klient.core import work

    imap_account.append(email_bytes("Fetched by the worker"))
    worker = work.claim_one(imap.POLL_WORK, mailbox.pk)
    assert worker is not None

    [line] = imap.poll_all()

    assert "being polled by a worker" in line
    assert Message.objects.count() == 0
    work.complete(worker, mailbox.pk)
    [line] = imap.poll_all()  # once the worker is done, the command polls it
    assert Message.objects.count() == 1
    assert ImapMailbox.objects.get(pk=mailbox.pk).lease_until is None
