"""Privacy fixtures: Olga, a customer with everything Klient can hold about someone (mail
with an attachment through the real pipeline, an agent's reply with an upload, calls and a
callback, a quarantined mail, a portal session), and scans of the database and the data
directory for what must be gone after her erasure."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from support import customer_email


@dataclass
class Persona:
    """Her values: unique to each test, so what an earlier test left in the database
    file's free pages is never mistaken for hers."""

    name: str
    email: str
    phone: str
    text: str
    file_text: str
    reply_text: str

    def values(self) -> list[str]:
        return [self.name, self.email, self.phone, self.text, self.file_text, self.reply_text]


@pytest.fixture
def persona() -> Persona:
    tag = secrets.token_hex(4)
    digits = "".join(str(int(c, 16) % 10) for c in tag)
    return Persona(
        name=f"Olga Zielińska{tag}",
        email=f"olga.{tag}@pracownia.example",
        phone=f"+4860{digits[:7]}",
        text=f"Moja pralka przecieka od wtorku, numer seryjny PX-{tag}.",
        file_text=f"Zdjecie tabliczki znamionowej {tag}",
        reply_text=f"Pani Olgo, technik przyjedzie w czwartek ({tag}).",
    )


def olga_mail(persona: Persona) -> bytes:
    msg = customer_email(f"{persona.name} <{persona.email}>", "Pralka przecieka", persona.text)
    msg.add_attachment(
        persona.file_text.encode() * 20,
        maintype="application",
        subtype="octet-stream",
        filename="tabliczka.bin",
    )
    return msg.as_bytes()


def quarantined_mail(persona: Persona) -> bytes:
    """A mail of hers the pipeline cannot store: a From address over 320 characters
    (so it is known as hers only by the envelope sender)."""
    msg = customer_email(
        f"{persona.name} <{'x' * 320}@pracownia.example>", "Pralka nadal przecieka", persona.text
    )
    return msg.as_bytes()


@dataclass
class Olga:
    persona: Persona
    customer: object
    conversation: object


@pytest.fixture
def olga(persona, support_team, agent_anna, admin_zofia, call, client, smtp_sink) -> Olga:
    """Olga writes with an attachment; Anna answers with an upload and logs two calls;
    another mail of hers is quarantined."""
    from klient.conversations.models import Conversation
    from klient.core import wiring
    from klient.mail import actions as mail_actions
    from klient.people.actions import add_identity
    from klient.people.models import Customer

    ids = [mail_actions.accept_raw(olga_mail(persona), source="smtp")[0].pk]
    ids.append(
        mail_actions.accept_raw(
            quarantined_mail(persona), source="smtp", envelope_from=persona.email
        )[0].pk
    )
    outcomes = mail_actions.process_batch(ids)
    assert sorted(outcomes.values()) == ["quarantined", "stored"], outcomes

    conversation = Conversation.objects.get(customer__identities__value=persona.email)
    customer = Customer.objects.get(pk=conversation.customer_id)
    assert customer.name == persona.name
    from django.db import transaction

    with transaction.atomic():
        add_identity(customer, kind="phone", value=persona.phone, verified=True)

    token = {"Authorization": f"Bearer {agent_anna.api_token}"}
    uploaded = client.post(
        "/api/v1/uploads",
        {"file": SimpleUploadedFile("instrukcja.bin", persona.file_text.encode() * 3 + b"!")},
        headers=token,
    )
    assert uploaded.status_code == 201, uploaded.content
    reply = call(
        agent_anna,
        "post",
        f"/api/v1/conversations/{conversation.reference}/replies",
        {"body": persona.reply_text, "attachments": [uploaded.json()["id"]]},
    )
    assert reply.status_code == 201, reply.content
    wiring.dispatch_pending()
    [email] = smtp_sink.wait_for(1)
    assert persona.email in email["To"]
    for body in (
        {"direction": "outbound", "number": persona.phone, "outcome": "answered",
         "notes": f"Rozmowa z {persona.name}", "transcript": persona.text},
        {"direction": "inbound", "number": persona.phone, "outcome": "missed"},
    ):  # fmt: skip
        logged = call(
            agent_anna, "post", f"/api/v1/conversations/{conversation.reference}/calls", body
        )
        assert logged.status_code == 201, logged.content
    # Anna asks her colleague Celina about Olga, and starts another reply with a file.
    from klient.people.actions import create_agent

    create_agent("celina@shop.example", name="Celina Wójcik", teams=[support_team])
    asked = call(
        agent_anna,
        "post",
        f"/api/v1/conversations/{conversation.reference}/colleague-requests",
        {"question": f"Kto zna model pralki {persona.name}?", "agent": "celina@shop.example"},
    )
    assert asked.status_code == 201, asked.content
    note = client.post(
        "/api/v1/uploads",
        {"file": SimpleUploadedFile("szkic.bin", persona.file_text.encode() + b"?")},
        headers=token,
    )
    drafted = call(
        agent_anna,
        "put",
        f"/api/v1/conversations/{conversation.reference}/draft",
        {"body": f"Pani {persona.name}, ", "attachments": [note.json()["id"]]},
    )
    assert drafted.status_code == 200, drafted.content
    wiring.dispatch_pending()
    return Olga(persona, customer, conversation)
