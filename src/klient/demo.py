"""Demo data: two teams, four agents, and customers from STORIES.md writing in five languages.

Every customer message is a real RFC 5322 email (some in ISO-8859-2 or Windows-1250) fed
through the real pipeline, mail.actions.accept_raw + process_inbound, as an import; replies
and notes go through conversations.actions. seed() prints nothing: the CLI does."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from klient.conversations import actions
from klient.conversations.models import Conversation, Message
from klient.mail.actions import accept_raw, process_inbound
from klient.mail.models import InboundMail
from klient.people.actions import create_agent, create_team
from klient.people.models import Team

SIGN_IN_HINT = (
    "Open http://127.0.0.1:8000/ and sign in as admin@klient.localhost / klient-demo"
    " (customers' request form: http://127.0.0.1:8000/forms/contact/)"
)
PASSWORD = "klient-demo"  # noqa: S105 (the documented demo password)

TEAMS = (
    ("Support", "support@klient.localhost", True),
    ("Billing", "billing@klient.localhost", False),
)

# email, name, teams, admin, languages, time zone
AGENTS = (
    ("admin@klient.localhost", "Klient Admin", (), True, ["en"], "Europe/Warsaw"),
    ("anna@klient.localhost", "Anna Nowak", ("Support",), False, ["pl", "en"], "Europe/Warsaw"),
    ("luc@klient.localhost", "Luc Moreau", ("Support",), False, ["fr"], "Europe/Paris"),
    ("jana@klient.localhost", "Jana Becker", ("Billing",), False, ["de", "uk"], "Europe/Berlin"),
)


@dataclass(frozen=True)
class DemoMail:
    """One customer email. `after` names an earlier mail or agent reply it answers."""

    key: str
    team: str
    from_name: str
    from_address: str
    subject: str
    text: str
    hours_ago: float | None  # None: now (it answers something sent now)
    charset: str = "utf-8"
    html: str = ""
    after: str = ""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoReply:
    key: str
    to: str  # key of the mail whose conversation it answers
    agent: str
    text: str
    status: str | None = None


OLEKSANDR = ("Oleksandr Melnyk", "oleksandr.melnyk@freelance.example")
KATARZYNA = ("Katarzyna Wiśniewska", "k.wisniewska@poczta.example")
MAGDALENA = ("Magdalena Zielińska", "magda.zielinska@pracownia.example")
SABINE = ("Sabine Krüger", "sabine.krueger@beratung.example")
OLENA = ("Олена Шевченко", "olena.shevchenko@mail.example")
TOM = ("Tom Baker", "tom.baker@example.com")

POWER_CUT_TEXT = """\
Bonjour,

Je suis vraiment désolé pour ce matin. J'avais réservé un créneau dans votre agenda pour \
notre entretien vidéo de 10 h, mais une coupure de courant a tout coupé chez moi en même \
temps : l'électricité, le Wi-Fi et même le réseau mobile. Je n'ai pas pu me connecter ni \
même vous envoyer un SMS pour vous prévenir.

Ici, en Ukraine, ces coupures arrivent souvent et sans prévenir. Est-ce qu'on pourrait \
reprogrammer l'appel ? Je suis disponible toute la semaine, et si la connexion tombe \
encore pendant l'appel, je peux vous rappeler depuis une station-service qui a un \
générateur.

Merci beaucoup pour votre patience,
Oleksandr
"""

POWER_CUT_HTML = """\
<p>Bonjour,</p>
<p>Je suis vraiment désolé pour ce matin. J'avais réservé un créneau dans votre agenda pour
notre <strong>entretien vidéo de 10 h</strong>, mais une coupure de courant a tout coupé chez
moi en même temps&nbsp;: l'électricité, le Wi-Fi et même le réseau mobile.</p>
<p>Est-ce qu'on pourrait reprogrammer l'appel&nbsp;?</p>
<p>Merci beaucoup pour votre patience,<br>Oleksandr</p>
"""

MAILS = (
    DemoMail(
        key="power-cut",
        team="Support",
        from_name=OLEKSANDR[0],
        from_address=OLEKSANDR[1],
        subject="Coupure de courant : notre appel vidéo de ce matin",
        text=POWER_CUT_TEXT,
        html=POWER_CUT_HTML,
        hours_ago=76,
    ),
    DemoMail(
        key="sim-error",
        team="Support",
        from_name=KATARZYNA[0],
        from_address=KATARZYNA[1],
        subject="Błąd karty SIM po przeniesieniu numeru",
        charset="iso-8859-2",
        text="""\
Dzień dobry,

od dwóch dni mój telefon pokazuje błąd karty SIM. Przeniosłam numer do Państwa sieci \
w poniedziałek i od tego czasu nie mogę ani dzwonić, ani wysyłać SMS-ów. Telefon był \
restartowany kilka razy i nic się nie zmieniło.

Co mam zrobić? Bardzo proszę o szybką pomoc, bo potrzebuję telefonu do pracy.

Z poważaniem,
Katarzyna Wiśniewska
""",
        hours_ago=50,
    ),
    DemoMail(
        key="vat-invoice",
        team="Billing",
        from_name=MAGDALENA[0],
        from_address=MAGDALENA[1],
        subject="Faktura VAT do zamówienia nr 4471",
        charset="windows-1250",
        text="""\
Dzień dobry,

złożyłam zamówienie nr 4471 na firmę. Formularz zamówienia pytał o nazwę firmy, ale nie \
miał pola na numer NIP. Otrzymałam od Państwa odpowiedź, że nie wystawiają Państwo \
faktur VAT.

Uprzejmie pytam: dlaczego? Jako firma potrzebuję faktury, żeby rozliczyć ten zakup. \
Mój NIP to 525-000-00-00.

Pozdrawiam serdecznie,
Magdalena Zielińska
""",
        hours_ago=108,
    ),
    DemoMail(
        key="vat-invoice-again",
        team="Billing",
        from_name=MAGDALENA[0],
        from_address=MAGDALENA[1],
        subject="Re: Faktura VAT do zamówienia nr 4471",
        charset="windows-1250",
        after="vat-invoice",
        text="""\
Dzień dobry,

ponawiam moje pytanie, bo nadal nie dostałam żadnej odpowiedzi. Dlaczego sklep nie może \
wystawić faktury VAT? Bardzo proszę o informację.

Pozdrawiam,
Magdalena Zielińska

W dniu {date} Magdalena Zielińska <magda.zielinska@pracownia.example> napisała:
> Dzień dobry,
>
> złożyłam zamówienie nr 4471 na firmę. Formularz zamówienia pytał o nazwę firmy, ale nie
> miał pola na numer NIP. Otrzymałam od Państwa odpowiedź, że nie wystawiają Państwo
> faktur VAT.
>
> Uprzejmie pytam: dlaczego?
""",
        hours_ago=34,
    ),
    DemoMail(
        key="reminder",
        team="Support",
        from_name=SABINE[0],
        from_address=SABINE[1],
        subject="Ihre Erinnerung an unseren Termin am Donnerstag",
        charset="windows-1252",
        text="""\
Guten Tag,

ich habe heute Ihre Erinnerung an unseren Termin am Donnerstag bekommen, mit der Frage, \
ob ich „dieses Mal tatsächlich“ erscheinen werde.

Ja, ich musste in den letzten Wochen einige Termine kurzfristig absagen. Dafür gab es \
Gründe, die ich nicht jedem erklären möchte. Diese Formulierung empfinde ich als \
herablassend und verletzend. Nach drei Jahren Zusammenarbeit hätte ich mehr Respekt \
erwartet.

Ich überlege ernsthaft, das Programm zu beenden.

Mit freundlichen Grüßen
Sabine Krüger
""",
        hours_ago=29,
    ),
    DemoMail(
        key="double-charge",
        team="Billing",
        from_name=OLENA[0],
        from_address=OLENA[1],
        subject="Подвійне списання за підписку",
        text="""\
Добрий день!

Сьогодні з моєї картки двічі списали оплату за місячну підписку — дві однакові суми \
з різницею в кілька хвилин. Я оплачувала лише один раз. Будь ласка, поверніть зайві \
кошти або поясніть, що сталося.

Дякую,
Олена Шевченко
""",
        hours_ago=14,
    ),
    DemoMail(
        key="lost-phone",
        team="Support",
        from_name=TOM[0],
        from_address=TOM[1],
        subject="Lost my phone - how do I block my number?",
        text="""\
Hello,

I lost my phone on the underground this morning and I'm worried someone could use my \
number. How do I block the SIM card, and can I keep the same number on a new card?

Thanks,
Tom Baker
""",
        hours_ago=67,
    ),
    # Answers to agent replies sent during seeding: they arrive "now".
    DemoMail(
        key="power-cut-away",
        team="Support",
        from_name=OLEKSANDR[0],
        from_address=OLEKSANDR[1],
        subject="Réponse automatique : Re: Coupure de courant : notre appel vidéo de ce matin",
        after="reply-power-cut",
        headers={"Auto-Submitted": "auto-replied", "X-Autoreply": "yes"},
        text="""\
Bonjour,

Je suis absent pour le moment : il n'y a plus d'électricité chez moi. Je réponds à votre \
message dès que le courant revient.

Oleksandr
""",
        hours_ago=None,
    ),
    DemoMail(
        key="lost-phone-again",
        team="Support",
        from_name=TOM[0],
        from_address=TOM[1],
        subject="Re: Lost my phone - how do I block my number?",
        after="reply-lost-phone",
        text="""\
Hi Anna,

Thanks, the SIM is blocked now. Can the new card be sent to my office instead of my home \
address? I'm never at home during the day.

Tom

On {date}, Support <support@klient.localhost> wrote:
> Hello Tom,
>
> I have blocked your SIM card, so nobody can use your number any more.
> You keep the same number: we will send you a new SIM card for free.
""",
        hours_ago=None,
    ),
)

REPLIES = (
    DemoReply(
        key="reply-power-cut",
        to="power-cut",
        agent="luc@klient.localhost",
        status="pending",
        text="""\
Bonjour Oleksandr,

Aucun souci, et merci de nous avoir prévenus dès que possible. Nous reprogrammons \
l'entretien : choisissez simplement un nouveau créneau dans l'agenda, à l'heure de Kyiv.

Si la connexion tombe pendant l'appel, écrivez-nous un mot ici ou rappelez-nous quand \
vous pouvez : nous vous attendrons.

Bien cordialement,
Luc""",
    ),
    DemoReply(
        key="reply-sim-error",
        to="sim-error",
        agent="anna@klient.localhost",
        status="pending",
        text="""\
Dzień dobry Pani Katarzyno,

czy włożyła Pani do telefonu nową kartę SIM, która przyszła razem z umową? Po \
przeniesieniu numeru stara karta przestaje działać. Jeśli po włożeniu nowej karty błąd \
nadal się pojawia, proszę o odpowiedź na tę wiadomość, a od razu się tym zajmiemy.

Pozdrawiam serdecznie,
Anna""",
    ),
    DemoReply(
        key="reply-lost-phone",
        to="lost-phone",
        agent="anna@klient.localhost",
        text="""\
Hello Tom,

I have blocked your SIM card, so nobody can use your number any more.
You keep the same number: we will send you a new SIM card for free.

Best regards,
Anna""",
    ),
)

# (mail key, agent, note)
NOTES = (
    (
        "power-cut",
        "luc@klient.localhost",
        "Il vit en Ukraine : coupures de courant fréquentes. Proposer des créneaux souples "
        "et le téléphone comme canal de secours. Ses absences ont une raison, pas de reproche.",
    ),
    (
        "reminder",
        "admin@klient.localhost",
        "Relationship at risk after our reminder asked whether she would 'actually' come. "
        "Her manager will call her today. Reminder wording to be reviewed.",
    ),
)

# (mail key, agent or None, fields)
UPDATES: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("reminder", "admin@klient.localhost", {"priority": "high", "assignee": "admin"}),
    ("double-charge", "admin@klient.localhost", {"assignee": "jana"}),
)


def seed(force: bool = False) -> bool:
    """Load the demo data if there is no team yet (or if force). Returns whether anything
    was added. Safe to run again: nothing is ever stored twice."""
    if Team.objects.exists() and not force:
        return False
    now = timezone.now()
    teams = _teams()
    agents = _agents(teams)
    from klient.sla.demo import seed_demo as seed_sla  # hours, policies, escalation

    seed_sla(lead=agents["admin@klient.localhost"])
    sent: dict[str, tuple[str, datetime]] = {}  # key -> (Message-ID, date)
    conversations: dict[str, Conversation] = {}
    new_conversations: set[str] = set()
    added = False

    def deliver(mail: DemoMail) -> None:
        nonlocal added
        # Answers to replies sent during seeding arrive after them, so at the real "now".
        at = now - timedelta(hours=mail.hours_ago) if mail.hours_ago is not None else timezone.now()
        message, created = _deliver(mail, teams[mail.team], at, sent)
        added |= created
        sent[mail.key] = (message.message_id or "", message.created_at)
        conversations[mail.key] = message.conversation
        if created and not mail.after:
            new_conversations.add(mail.key)

    first_wave = [m for m in MAILS if m.hours_ago is not None]
    for mail in sorted(first_wave, key=lambda m: -(m.hours_ago or 0)):
        deliver(mail)
    for reply in REPLIES:
        conversation = conversations[reply.to]
        if reply.to in new_conversations:
            message = actions.reply(
                conversation, actor=agents[reply.agent], body=reply.text, status=reply.status
            )
        else:
            message = _existing_reply(conversation)
        sent[reply.key] = (message.message_id or "", message.created_at)
    for mail in MAILS:
        if mail.hours_ago is None:
            deliver(mail)
    for key, agent, text in NOTES:
        if key in new_conversations:
            actions.add_note(conversations[key], actor=agents[agent], body=text)
    by_name = {email.split("@")[0]: user for email, user in agents.items()}
    for key, agent, changes in UPDATES:
        if key in new_conversations:
            fields = dict(changes)
            if "assignee" in fields:
                fields["assignee"] = by_name[fields["assignee"]]
            actions.update_conversation(conversations[key], actor=agents[agent], **fields)
    from klient.portal.demo import seed_demo as seed_portal  # the request form (h6)

    seed_portal()
    from klient.knowledge.demo import seed_demo as seed_knowledge  # articles (h5)
    from klient.macros.demo import seed_demo as seed_macros  # saved replies (h5)

    seed_knowledge()
    seed_macros()
    from klient.collab.demo import seed_demo as seed_collab  # a question, a follow-up (h7)

    seed_collab()
    return added


def _teams() -> dict[str, Team]:
    existing = {team.name: team for team in Team.objects.all()}
    for name, address, acknowledge in TEAMS:
        if name not in existing:
            existing[name] = create_team(name, address=address, acknowledge=acknowledge)
    return existing


def _agents(teams: dict[str, Team]) -> dict[str, Any]:
    """The demo agents, created on first run. One password hash serves them all, so the
    seed stays fast (a hash costs a good part of a second by design)."""
    user_model = get_user_model()
    users = {u.username: u for u in user_model.objects.filter(username__in=[a[0] for a in AGENTS])}
    missing = [a for a in AGENTS if a[0] not in users]
    if missing:
        hashed = make_password(PASSWORD)
        for email, name, team_names, admin, languages, time_zone in missing:
            user, _token = create_agent(
                email,
                name=name,
                teams=[teams[t] for t in team_names],
                admin=admin,
                languages=languages,
                time_zone=time_zone,
            )
            user_model.objects.filter(pk=user.pk).update(password=hashed)
            users[email] = user
    return users


def _deliver(
    mail: DemoMail, team: Team, at: datetime, sent: dict[str, tuple[str, datetime]]
) -> tuple[Message, bool]:
    """Build the email, put it through the real intake, return its stored message."""
    raw = _build_email(mail, team, at, sent)
    inbound, _created = accept_raw(raw, source="import", team_id=team.pk)
    if inbound.state == InboundMail.State.RECEIVED:
        InboundMail.objects.filter(pk=inbound.pk).update(received_at=at)
        process_inbound(inbound.pk)
        inbound.refresh_from_db()
    if inbound.message_id is None:
        raise RuntimeError(f"demo mail {mail.key} was not stored: {inbound.reason}")
    message = Message.objects.select_related("conversation").get(pk=inbound.message_id)
    return message, inbound.outcome == "stored" and _created


def _build_email(
    mail: DemoMail, team: Team, at: datetime, sent: dict[str, tuple[str, datetime]]
) -> bytes:
    msg = EmailMessage()
    msg["From"] = Address(mail.from_name, addr_spec=mail.from_address)
    msg["To"] = Address(team.name, addr_spec=team.inbound_address)
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(at)
    domain = mail.from_address.rpartition("@")[2]
    msg["Message-ID"] = f"<demo-{mail.key}@{domain}>"
    text = mail.text
    if mail.after:
        parent_id, parent_date = sent[mail.after]
        msg["In-Reply-To"] = parent_id
        msg["References"] = parent_id
        text = text.replace("{date}", format_datetime(parent_date))
    for name, value in mail.headers.items():
        msg[name] = value
    msg.set_content(text, charset=mail.charset, cte="quoted-printable")
    if mail.html:
        msg.add_alternative(mail.html, subtype="html", charset=mail.charset)
    return msg.as_bytes(policy=policy.SMTP)


def _existing_reply(conversation: Conversation) -> Message:
    reply = (
        conversation.messages.filter(kind=Message.Kind.OUTBOUND, sender=Message.Sender.AGENT)
        .order_by("created_at", "id")
        .first()
    )
    if reply is None:
        raise RuntimeError(f"{conversation.reference} has no agent reply to answer")
    return reply
