"""`klient import-mail`: a folder of .eml files, an mbox, a Maildir — one pipeline."""

from __future__ import annotations

import mailbox
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from klient import cli
from klient.conversations.models import Conversation, Message
from klient.core import blobs
from klient.core.models import Event
from klient.mail import importer
from klient.mail.models import InboundMail

pytestmark = pytest.mark.django_db

POLISH = (
    "From: =?windows-1250?q?Ma=B3gorzata_Wi=9Cniewska?= <malgorzata@klientka.example>\n"
    "To: support@shop.example\n"
    "Subject: =?windows-1250?q?Faktura_VAT_za_zam=F3wienie?=\n"
    "Message-ID: <pl-1250@klientka.example>\n"
    "Date: Mon, 03 Jun 2024 09:15:00 +0200\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=windows-1250\n"
    "Content-Transfer-Encoding: 8bit\n"
    "\n"
    "Dzień dobry, proszę o fakturę VAT na firmę. Zażółć gęślą jaźń.\n"
).encode("cp1250")

GARBAGE = b"\x00\x01\xfe\xff this is not an email at all \x00\n\x89PNG\r\n"


def english(n: int, to: str = "support@shop.example") -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Customer {n} <customer{n}@example.com>"
    msg["To"] = to
    msg["Subject"] = f"Question {n}"
    msg["Message-ID"] = f"<question-{n}@example.com>"
    msg.set_content(f"Hello, this is question number {n}.\n")
    return msg.as_bytes(policy=policy.default)


def run(*argv: str) -> int:
    return cli.main(["import-mail", *argv, "--no-progress"])


@pytest.fixture
def eml_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "export"
    (folder / "2023" / "june").mkdir(parents=True)
    (folder / "first.eml").write_bytes(english(1))
    (folder / "2023" / "second.EML").write_bytes(english(2))
    (folder / "2023" / "june" / "polish.eml").write_bytes(POLISH)
    (folder / "garbage.eml").write_bytes(GARBAGE)
    (folder / "notes.txt").write_text("not mail, not imported")
    return folder


def test_a_folder_of_eml_files_is_imported_recursively(support_team, eml_folder, capsys):
    code = run(str(eml_folder))

    out = capsys.readouterr().out
    assert code == 0
    assert "4 messages read" in out
    assert "3 stored, 0 duplicates, 1 quarantined — see `klient quarantine list`" in out
    assert Message.objects.count() == 3
    assert set(InboundMail.objects.values_list("source", flat=True)) == {"import"}


def test_a_polish_windows_1250_message_is_stored_untouched_and_read_correctly(
    support_team, eml_folder
):
    run(str(eml_folder))

    message = Message.objects.get(message_id="<pl-1250@klientka.example>")
    assert message.subject == "Faktura VAT za zamówienie"
    assert message.from_name == "Małgorzata Wiśniewska"
    assert "Zażółć gęślą jaźń" in message.body_text
    assert blobs.load(message.raw_blob) == POLISH


def test_a_garbage_file_is_quarantined_with_a_reason(support_team, eml_folder, capsys):
    run(str(eml_folder))
    capsys.readouterr()

    garbage = InboundMail.objects.get(raw_blob=blobs.digest_of(GARBAGE))
    assert garbage.state == "quarantined"
    assert garbage.reason
    cli.main(["quarantine", "list"])
    assert garbage.reason in capsys.readouterr().out


def test_importing_twice_stores_nothing_new(support_team, eml_folder, capsys):
    run(str(eml_folder))
    capsys.readouterr()

    code = run(str(eml_folder))

    assert code == 0
    assert "0 stored, 4 duplicates, 0 quarantined" in capsys.readouterr().out
    assert Message.objects.count() == 3
    assert InboundMail.objects.count() == 4


def test_an_mbox_is_imported(support_team, tmp_path, capsys):
    path = tmp_path / "archive.mbox"
    box = mailbox.mbox(path)
    for raw in (english(1), english(2), POLISH, GARBAGE):
        box.add(raw)
    box.flush()
    box.close()

    code = run(str(path))

    out = capsys.readouterr().out
    assert code == 0
    assert f"4 messages read from {path} (mbox)" in out
    assert "3 stored, 0 duplicates, 1 quarantined" in out
    polish = Message.objects.get(message_id="<pl-1250@klientka.example>")
    assert "Zażółć gęślą jaźń" in polish.body_text
    assert blobs.load(polish.raw_blob) == POLISH


def test_a_maildir_is_imported_from_new_and_cur(support_team, tmp_path, capsys):
    path = tmp_path / "Maildir"
    box = mailbox.Maildir(path, create=True)
    box.add(english(1))
    read = mailbox.MaildirMessage(english(2))
    read.set_subdir("cur")
    read.add_flag("S")
    box.add(read)
    box.add(POLISH)

    code = run(str(path))

    assert code == 0
    assert f"3 messages read from {path} (Maildir)" in capsys.readouterr().out
    assert sorted(Message.objects.values_list("subject", flat=True)) == [
        "Faktura VAT za zamówienie",
        "Question 1",
        "Question 2",
    ]


def test_the_team_comes_from_the_recipients_or_from_the_team_option(
    support_team, billing_team, tmp_path
):
    by_recipient, by_option = tmp_path / "billing", tmp_path / "old-desk"
    by_recipient.mkdir()
    by_option.mkdir()
    (by_recipient / "billing.eml").write_bytes(english(1, to="billing@shop.example"))
    (by_option / "elsewhere.eml").write_bytes(english(2, to="old-desk@previous-tool.example"))

    run(str(by_recipient))
    run(str(by_option), "--team", "Support")

    assert Conversation.objects.get(subject="Question 1").team == billing_team
    assert Conversation.objects.get(subject="Question 2").team == support_team


def test_mail_for_no_known_team_is_quarantined_with_the_reason(support_team, tmp_path):
    folder = tmp_path / "lost"
    folder.mkdir()
    (folder / "a.eml").write_bytes(english(1, to="old-desk@previous-tool.example"))

    run(str(folder))

    assert "old-desk@previous-tool.example" in InboundMail.objects.get().reason


def test_imported_mail_is_history_and_announces_nothing(
    support_team, eml_folder, django_capture_on_commit_callbacks
):
    """No acknowledgement or notification is queued for last year's mail."""
    support_team.acknowledge = True
    support_team.save()

    with django_capture_on_commit_callbacks() as callbacks:
        run(str(eml_folder))

    assert callbacks == []
    assert Event.objects.filter(kind="message.received").count() == 3


def test_an_unknown_path_exits_2_with_a_clear_message(support_team, tmp_path, capsys):
    code = run(str(tmp_path / "no-such-export"))

    assert code == 2
    assert "no-such-export: no such file or folder" in capsys.readouterr().err


def test_a_file_of_unknown_format_exits_2(support_team, tmp_path, capsys):
    path = tmp_path / "notes.txt"
    path.write_text("meeting notes, not mail")

    code = run(str(path))

    assert code == 2
    assert "unknown format" in capsys.readouterr().err


def test_without_any_team_the_import_says_to_create_one(tmp_path, eml_folder, capsys):
    code = run(str(eml_folder))

    assert code == 2
    assert "klient team add" in capsys.readouterr().err
    assert InboundMail.objects.count() == 0


def test_an_unknown_team_option_exits_2(support_team, eml_folder, capsys):
    code = run(str(eml_folder), "--team", "Sales")

    assert code == 2
    assert "no team named 'Sales'" in capsys.readouterr().err


def test_the_summary_reports_unreadable_files(support_team, tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "ok.eml").write_bytes(english(1))
    (folder / "dangling.eml").symlink_to(tmp_path / "gone.eml")

    summary = importer.import_path(folder, progress=False)

    assert (summary.seen, summary.stored, summary.failed_to_read) == (2, 1, 1)
    assert "1 could not be read" in summary.describe()
