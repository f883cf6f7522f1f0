"""The only writers of the portal: customers' replies, closing and reopening, and request
form submissions. Conversations and messages are written by conversations.actions, on
the same path as inbound email."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from klient.conversations.actions import receive_message, update_conversation
from klient.conversations.incoming import IncomingAttachment, IncomingMessage
from klient.conversations.models import Conversation, Message
from klient.core.wiring import publish_on_commit
from klient.mail.language import detect_language
from klient.mail.uploads import stored_attachment
from klient.people.actions import set_customer_time_zone, valid_time_zone
from klient.people.models import Customer
from klient.phone.callbacks import request_callback
from klient.phone.models import Callback

from . import events
from .models import FormField, FormSubmission, RequestForm
from .request_forms import MAX_FILE_BYTES, Submission, UploadedData, readable_text

MAX_ATTACHMENTS = 5
MAX_BODY_CHARS = 50_000
WEB_CHANNEL = Conversation.Channel.WEB
_NONCE = re.compile(r"[0-9a-f]{32}")
CLOSED = (Conversation.Status.SOLVED, Conversation.Status.CLOSED)


def _message_id(kind: str, nonce: str) -> str:
    """A stable Message-ID from the page's one-time nonce: a form sent twice (double
    click, reload) stores one message."""
    nonce = nonce if _NONCE.fullmatch(nonce or "") else uuid.uuid4().hex
    return f"<{kind}.{nonce}@{settings.KLIENT_MAIL_DOMAIN}>"


def _store_attachments(files: Sequence[UploadedData]) -> tuple[IncomingAttachment, ...]:
    if len(files) > MAX_ATTACHMENTS:
        raise ValidationError(f"At most {MAX_ATTACHMENTS} files.")
    for upload in files:
        if len(upload.data) > MAX_FILE_BYTES:
            raise ValidationError(f"A file is larger than {MAX_FILE_BYTES // 2**20} MB.")
    return tuple(stored_attachment(f.filename, f.content_type, f.data) for f in files)


def customer_reply(
    conversation: Conversation,
    *,
    customer: Customer,
    email: str,
    body: str,
    files: Sequence[UploadedData] = (),
    nonce: str = "",
) -> Message:
    """A signed-in customer writes into their conversation from the portal: stored like an
    email from them (it reopens a solved case and waits for an answer)."""
    body = body.strip()
    if not body and not files:
        raise ValidationError("The message is empty.", code="required")
    if len(body) > MAX_BODY_CHARS:
        raise ValidationError("The message is too long.", code="too_long")
    attachments = _store_attachments(files)
    subject = conversation.subject
    incoming = IncomingMessage(
        team_id=conversation.team_id,
        from_address=email,
        from_name=customer.name,
        subject=subject if subject.lower().startswith("re:") else f"Re: {subject}",
        body_text=body,
        new_text=body,
        received_at=timezone.now(),
        message_id=_message_id("portal", nonce),
        language=detect_language(body),
        channel=WEB_CHANNEL,
        attachments=attachments,
    )
    message, _created = receive_message(incoming, conversation=conversation)
    return message


def set_status_by_customer(
    conversation: Conversation, *, customer: Customer, solved: bool
) -> Conversation:
    """Close (mark solved) or reopen a conversation at the customer's request."""
    if solved == (conversation.status in CLOSED):
        return conversation
    status = Conversation.Status.SOLVED if solved else Conversation.Status.OPEN
    with transaction.atomic():
        conversation = update_conversation(conversation, actor=None, status=status)
        events.status_set_by_customer(conversation, customer_id=customer.pk, status=status)
    return conversation


def _request_callbacks(
    fields: Sequence[FormField], submission: Submission, conversation: Conversation
) -> None:
    """Each filled "call me back" field asks for a callback on the form's conversation
    (checked by clean_submission; a refusal here undoes the whole submission)."""
    for form_field in fields:
        wanted = submission.values.get(form_field.key)
        if form_field.kind != FormField.Kind.CALLBACK or not wanted:
            continue
        request_callback(
            phone=wanted["phone"],
            window_start=datetime.fromisoformat(wanted["window_start"]),
            window_end=datetime.fromisoformat(wanted["window_end"]),
            time_zone=wanted["time_zone"],
            source=Callback.Source.FORM,
            conversation=conversation,
        )


def submit_form(
    form: RequestForm,
    fields: Sequence[FormField],
    submission: Submission,
    *,
    language: str,
    nonce: str = "",
    time_zone: str = "",
) -> Conversation:
    """A request form's submission becomes a conversation on the form's team, from the
    customer owning the address (created on first contact), channel "web"; the fields
    are the message's text and a FormSubmission row. Sent twice with one nonce: one.

    `time_zone`, the browser's, becomes the customer's when they have none yet, so that
    the confirmation (portal.confirmation) states the answer time in it."""
    title = form.title(language)
    body = readable_text(fields, submission, language, form_title=title)
    attachments = _store_attachments(list(submission.files.values()))
    incoming = IncomingMessage(
        team_id=form.team_id,
        from_address=submission.email,
        from_name=submission.name,
        subject=submission.subject,
        body_text=body,
        new_text=body,
        received_at=timezone.now(),
        to=(),
        message_id=_message_id("form", nonce),
        language=language,
        channel=WEB_CHANNEL,
        attachments=attachments,
    )
    # One transaction for the message and its submission record: if the process dies
    # between the two, neither is stored, and the retry (same nonce) records both.
    with transaction.atomic():
        message, created = receive_message(incoming)
        conversation = message.conversation
        if created:
            record = FormSubmission.objects.create(
                form=form,
                conversation=conversation,
                message=message,
                data={
                    "email": submission.email,
                    "name": submission.name,
                    "subject": submission.subject,
                    **submission.values,
                    **{key: f.filename for key, f in submission.files.items()},
                },
                language=language,
                created_at=incoming.received_at,
            )
            if valid_time_zone(time_zone):
                set_customer_time_zone(conversation.customer, time_zone, only_if_unset=True)
            _request_callbacks(fields, submission, conversation)
            # Published: the customer gets a confirmation (portal.handlers).
            publish_on_commit(
                events.form_submitted(conversation, form_id=form.pk, submission_id=record.pk)
            )
    return conversation
