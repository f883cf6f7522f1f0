"""Story 5, "The consultant who lost a client over one sentence": a reminder asked whether
the client would actually come; she answered that after three years she would look for
another consultant. In Klient her angry answer is read as a relationship at risk, and a
recovery task, with her words as the reason, goes to the manager she liked, who is told."""

from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from klient.conversations.actions import reply
from klient.notifications.models import Notification
from klient.people.actions import create_agent, create_team
from klient.people.admin_actions import update_team
from klient.sentiment.models import RecoveryTask
from support import accept_customer_email, worker_runs

pytestmark = pytest.mark.django_db(transaction=True)


def client_mail(subject: str, body: str, **headers: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = "Sabine Becker <sabine.becker@example.de>"
    mail["To"] = "beratung@outplacement.example"
    mail["Subject"] = subject
    mail["Message-ID"] = make_msgid(domain="example.de")
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content(body)
    return mail


def test_her_angry_answer_to_the_doubting_reminder_gives_the_manager_a_recovery_task(
    smtp_sink,
):
    team = create_team("Beratung", address="beratung@outplacement.example")
    consultant, _ = create_agent("jonas@outplacement.example", name="Jonas Weber", teams=[team])
    manager, _ = create_agent("petra@outplacement.example", name="Petra Lang", teams=[team])
    update_team(team, actor=None, lead=manager)

    # Three smooth years: she writes about next week's session.
    conversation = accept_customer_email(
        team,
        client_mail(
            "Termin nächste Woche", "Guten Tag, ich freue mich auf den Termin am Dienstag."
        ),
    )
    assert not RecoveryTask.objects.exists()

    # The consultant's reminder doubts her.
    reminder = reply(
        conversation,
        actor=consultant,
        body="Bitte teilen Sie mir mit, ob Sie den Termin tatsächlich wahrnehmen.",
    )
    worker_runs()

    # Her answer.
    accept_customer_email(
        team,
        client_mail(
            "Re: Termin nächste Woche",
            "Ich bin seit drei Jahren Ihre Kundin, und so werde ich behandelt? "
            "Ich werde mir einen anderen Berater suchen.",
            In_Reply_To=reminder.message_id,
            References=reminder.message_id,
        ),
    )

    [task] = RecoveryTask.objects.all()
    assert task.conversation == conversation
    assert task.assignee == manager
    assert task.state == "open"
    assert "anderen Berater" in [reason.get("quote") for reason in task.reasons]
    assert task.due_at > task.opened_at
    assert Notification.objects.filter(recipient=manager, kind="sentiment.recovery_task").exists()
    # Her first, friendly message opened nothing; a second angry one opens nothing more.
    accept_customer_email(
        team,
        client_mail(
            "Re: Termin nächste Woche",
            "Schon wieder keine Antwort. Ich kündige.",
            In_Reply_To=reminder.message_id,
        ),
    )
    assert RecoveryTask.objects.count() == 1
