"""The only writers of imports: runs, checkpoints, and what imported objects become.

Each `import_*` action writes its object and the object's checkpoint (`ImportedObject`)
in the caller's transaction (the importer opens one `entry_point()` per batch), so after
a crash a checkpoint exists exactly for what was stored.

Conversations and messages are written through a bulk path of their own, like
`conversations.receive` writes received mail, because history is not news: statuses,
authors and times are the source's, agents' replies were delivered long ago (no
`Delivery` row, nothing is sent), and none of the events is published, so no
acknowledgement, SLA clock or notification follows an import (docs/importers.md).
Customers are found or created by `people.actions`, by their identities."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from klient.conversations import events as conversation_events
from klient.conversations import search
from klient.conversations.models import Attachment, Conversation, Message, Participant, Tag
from klient.core import bulk
from klient.core.events import append, collecting
from klient.mail.sanitize import html_to_text, sanitize_html
from klient.people import actions as people
from klient.people.events import Kind as PeopleKind
from klient.people.identities import InvalidIdentity
from klient.people.models import Customer, Organisation, Team

from . import events
from . import zendesk_format as zf
from .models import ImportedObject, ImportRun, ImportWarning

Kind = ImportedObject.Kind
WAITING_STATUSES = (Conversation.Status.NEW, Conversation.Status.OPEN)


@dataclass(frozen=True)
class Person:
    """A source user as the importer knows it after importing users: a customer (by id),
    a Klient agent (by id), or an agent Klient does not have (agent_id None)."""

    name: str
    address: str
    customer_id: int | None = None
    agent_id: int | None = None
    language: str = ""

    @property
    def is_customer(self) -> bool:
        return self.customer_id is not None


@dataclass(frozen=True)
class StoredFile:
    """An attachment's bytes, already in core.blobs."""

    attachment: zf.Attachment
    file_name: str
    blob: str
    size: int


# -- runs ------------------------------------------------------------------------------------


def start_run(source: str, path: str, team: Team) -> ImportRun:
    """The unfinished run of this export, resumed, or a new one."""
    run = (
        ImportRun.objects.select_for_update()
        .filter(source=source, path=path, state=ImportRun.State.RUNNING)
        .order_by("-pk")
        .first()
    )
    if run is not None:
        run.attempts += 1
        run.save(update_fields=["attempts"])
    else:
        run = ImportRun.objects.create(
            source=source, path=path, team=team, started_at=timezone.now()
        )
    events.run_started(run)
    return run


def finish_run(run: ImportRun, counts: dict[str, int]) -> None:
    run.state = ImportRun.State.FINISHED
    run.finished_at = timezone.now()
    run.save(update_fields=["state", "finished_at"])
    events.run_finished(run, counts)


def skip(
    run: ImportRun, kind: str, source_id: str, reason: str, details: dict[str, Any] | None = None
) -> None:
    """Checkpoint an object that is not imported, with why (kept for the report); an
    object skipped before stays as it was."""
    bulk.insert(
        ImportedObject,
        [
            ImportedObject(
                run=run,
                source=run.source,
                kind=kind,
                source_id=str(source_id)[:200],
                skipped=reason[:500],
                details=details or {},
            )
        ],
        ignore_conflicts=True,
    )


def warn(run: ImportRun, code: str, subject: str, message: str) -> None:
    """A warning for the report, once per run and subject."""
    bulk.insert(
        ImportWarning,
        [ImportWarning(run=run, code=code, subject=subject[:300], message=message[:500])],
        ignore_conflicts=True,
    )


def _checkpoint(
    run: ImportRun, kind: str, source_id: Any, klient_id: int | None, **details: Any
) -> ImportedObject:
    return ImportedObject(
        run=run,
        source=run.source,
        kind=kind,
        source_id=str(source_id),
        klient_id=klient_id,
        details=details,
    )


# -- organisations and users -----------------------------------------------------------------


def import_organisation(run: ImportRun, org: zf.Organization) -> int:
    """The organisation of that name (an existing one is reused: names are unique)."""
    with transaction.atomic():
        existing = Organisation.objects.filter(name__iexact=org.name).first()
        if existing is None:
            existing = Organisation.objects.create(name=org.name)
            events.organisation_imported(run, existing.pk, org.id)
        bulk.insert(
            ImportedObject,
            [_checkpoint(run, Kind.ORGANIZATION, org.id, existing.pk, **org.details)],
        )
    return existing.pk


def import_user(
    run: ImportRun, user: zf.User, *, organisations: dict[int, int], agents: dict[str, int]
) -> Person:
    """An end user becomes a customer, found or created by email, else by phone; an agent
    is matched to the Klient agent with that email (`agents`: normalised email -> id), or
    kept by name when Klient has none (their messages carry the name)."""
    with transaction.atomic():
        if user.is_agent:
            return _import_agent(run, user, agents)
        address, customer = _customer_for(run, user)
        updates: dict[str, Any] = {}
        org_id = organisations.get(user.organization_id or 0)
        if org_id is not None and customer.organisation_id is None:
            updates["organisation_id"] = org_id
        if user.language and not customer.language:
            updates["language"] = user.language
        if updates:
            Customer.objects.filter(pk=customer.pk).update(**updates)
        if user.time_zone:
            try:
                people.set_customer_time_zone(
                    customer, user.time_zone, only_if_unset=True, actor_label="import"
                )
            except ValidationError:
                warn(run, "time_zone", user.time_zone, "not a time zone Klient knows; left out")
        bulk.insert(
            ImportedObject,
            [
                _checkpoint(
                    run,
                    Kind.USER,
                    user.id,
                    customer.pk,
                    name=user.name,
                    address=address,
                    language=user.language,
                )
            ],
        )
    return Person(name=user.name, address=address, customer_id=customer.pk, language=user.language)


def _import_agent(run: ImportRun, user: zf.User, agents: dict[str, int]) -> Person:
    agent_id = agents.get(people.normalise_email(user.email)) if user.email else None
    if agent_id is None:
        warn(
            run,
            "unknown_agent",
            user.email or user.name,
            "no Klient agent has this email: their messages keep the name, without an author",
        )
    bulk.insert(
        ImportedObject,
        [_checkpoint(run, Kind.AGENT, user.id, agent_id, name=user.name, address=user.email)],
    )
    return Person(name=user.name, address=user.email, agent_id=agent_id)


def _customer_for(run: ImportRun, user: zf.User) -> tuple[str, Customer]:
    """(the address messages come from, the customer) by the user's identities."""
    keys: list[people.IdentityKey] = []
    for kind, value in (("email", user.email), ("phone", user.phone)):
        if not value:
            continue
        try:
            keys.append(people.identity_key(kind, value))
        except InvalidIdentity as exc:
            warn(run, f"invalid_{kind}", value, f"user {user.id}: {exc}; left out")
    if not keys:
        customer = Customer.objects.create(name=user.name or f"Zendesk user {user.id}")
        append(PeopleKind.CUSTOMER_CREATED, actor_label="import", data={"customer": customer.pk})
        return "", customer
    first, *others = keys
    customer = people.find_or_create_customers({first: user.name})[first]
    for kind, value in others:
        try:
            people.add_identity(customer, kind=kind, value=value, verified=True)
        except ValidationError as exc:
            warn(run, f"taken_{kind}", value, " ".join(exc.messages))
    return first[1], customer


# -- tickets ---------------------------------------------------------------------------------


def import_ticket(
    run: ImportRun,
    ticket: zf.Ticket,
    *,
    people_by_id: dict[int, Person],
    files: dict[int, StoredFile],
    custom_fields: dict[str, Any],
    team: Team | None = None,
) -> Conversation:
    """A ticket becomes a conversation with its comments as messages (public ones as the
    customer's messages or agents' replies, private ones as internal notes), all at their
    original times, its attachments (`files`, already stored) and its inline images. It
    lands in `team` (the team of its Zendesk group's name), else the run's team.

    Precondition: the requester is a customer in `people_by_id` (the importer checks)."""
    requester = people_by_id[ticket.requester_id]
    assert requester.customer_id is not None
    assignee = people_by_id.get(ticket.assignee_id or 0)
    with transaction.atomic(), collecting():
        conversation = Conversation(
            subject=ticket.subject,
            status=ticket.status,
            priority=ticket.priority,
            channel=ticket.channel,
            language=requester.language,
            team=team or run.team,
            customer_id=requester.customer_id,
            assignee_id=assignee.agent_id if assignee else None,
            created_at=ticket.created_at,
            updated_at=ticket.updated_at,
        )
        messages = [
            _message(conversation, comment, people_by_id, requester, files)
            for comment in ticket.comments
        ]
        conversation.waiting_since = _waiting_since(ticket.status, messages)
        bulk.insert(Conversation, [conversation])
        conversation_events.conversation_created(conversation)
        for message, _ in messages:
            message.conversation = conversation
        bulk.insert(Message, [m for m, _ in messages])
        search.index_messages(m for m, _ in messages)
        attachments = [pair for message, found in messages for pair in _attachments(message, found)]
        bulk.insert(Attachment, [attachment for _, attachment in attachments])
        for message, _ in messages:
            if message.kind == Message.Kind.INBOUND:
                conversation_events.message_received(conversation, message)
            else:
                events.message_imported(conversation, message, actor=message.author)
        _tag(conversation, ticket.tags)
        _copy(conversation, ticket.copied_ids, people_by_id, requester)
        events.ticket_imported(
            run,
            conversation,
            source_id=ticket.id,
            data={"status": ticket.zendesk_status, "messages": len(messages)},
        )
        bulk.insert(
            ImportedObject,
            [
                _checkpoint(
                    run,
                    Kind.TICKET,
                    ticket.id,
                    conversation.pk,
                    custom_fields=custom_fields,
                    unmapped=ticket.unmapped,
                ),
                *(
                    _checkpoint(run, Kind.COMMENT, comment.id, message.pk)
                    for comment, (message, _) in zip(ticket.comments, messages, strict=True)
                ),
                *(
                    _checkpoint(run, Kind.ATTACHMENT, source_id, attachment.pk)
                    for source_id, attachment in attachments
                ),
            ],
        )
    return conversation


def _message(
    conversation: Conversation,
    comment: zf.Comment,
    people_by_id: dict[int, Person],
    requester: Person,
    files: dict[int, StoredFile],
) -> tuple[Message, list[StoredFile]]:
    author = people_by_id.get(comment.author_id or 0)
    if author is None:
        name, address = f"Zendesk user {comment.author_id or '?'}", ""
        sender = Message.Sender.SYSTEM
    else:
        name, address = author.name, author.address
        sender = Message.Sender.CUSTOMER if author.is_customer else Message.Sender.AGENT
    if not comment.public:
        kind = Message.Kind.NOTE
    elif sender == Message.Sender.CUSTOMER:
        kind = Message.Kind.INBOUND
    else:
        kind = Message.Kind.OUTBOUND
    html, _shown = zf.inline_images(comment.html_body, comment.attachments)
    clean = sanitize_html(html)
    text = comment.body_text or html_to_text(clean.html)
    found = [files[a.id] for a in comment.attachments if a.id in files]
    return (
        Message(
            conversation=conversation,
            kind=kind,
            sender=sender,
            author_id=author.agent_id if author is not None else None,
            from_address=address[:320],
            from_name=name[:200],
            to=[requester.address] if kind == Message.Kind.OUTBOUND and requester.address else [],
            subject=conversation.subject,
            body_text=text,
            new_text=text,
            body_html=clean.html,
            has_remote_images=clean.had_remote_images,
            created_at=comment.created_at,
        ),
        found,
    )


def _attachments(message: Message, found: Sequence[StoredFile]) -> list[tuple[int, Attachment]]:
    """(source id, attachment) of each stored file of the message."""
    return [
        (
            stored.attachment.id,
            Attachment(
                message=message,
                filename=stored.file_name,
                content_type=stored.attachment.content_type[:255],
                size=stored.size,
                blob=stored.blob,
                content_id=zf.content_id(stored.attachment.id),
            ),
        )
        for stored in found
    ]


def _waiting_since(status: str, messages: list[tuple[Message, list[StoredFile]]]) -> Any:
    """When the customer's oldest unanswered public message was written, for a case still
    new or open; None once answered, or for any other status."""
    if status not in WAITING_STATUSES:
        return None
    waiting = None
    for message, _ in messages:
        if message.kind == Message.Kind.INBOUND and waiting is None:
            waiting = message.created_at
        elif message.kind == Message.Kind.OUTBOUND:
            waiting = None
    return waiting


def _copy(
    conversation: Conversation,
    user_ids: tuple[int, ...],
    people_by_id: dict[int, Person],
    requester: Person,
) -> None:
    """Customers copied on the ticket may write into the conversation, as the addresses
    copied on a mail's first message may (conversations.receive)."""
    addresses = sorted(
        {
            person.address
            for uid in user_ids
            if (person := people_by_id.get(uid)) is not None
            and person.is_customer
            and "@" in person.address
            and person.address != requester.address
        }
    )
    bulk.insert(
        Participant,
        [Participant(conversation=conversation, address=a[:320]) for a in addresses],
        ignore_conflicts=True,
    )


def _tag(conversation: Conversation, names: tuple[str, ...]) -> None:
    if not names:
        return
    wanted = sorted(set(names))
    bulk.insert(Tag, [Tag(name=name) for name in wanted], ignore_conflicts=True)
    tag_ids = list(Tag.objects.filter(name__in=wanted).values_list("pk", flat=True))
    through = Conversation.tags.through
    bulk.insert(through, [through(conversation_id=conversation.pk, tag_id=t) for t in tag_ids])
