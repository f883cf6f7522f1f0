"""From stored raw bytes to an IncomingMessage, in typed steps.

analyse (parse -> classify -> language -> extract new text -> sanitise -> store
attachments: the bytes alone decide it, no database) -> prepare (find team -> thread).
Each step is a plain function; a failure raises PipelineError with the reason the mail is
quarantined under. Analysing needs no database, so a batch of mail can be analysed in one
thread while another stores the batch before it (`klient.mail.importer`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from klient.conversations.incoming import IncomingAttachment, IncomingMessage
from klient.conversations.models import Conversation, Message
from klient.core import blobs
from klient.people.queries import team_email_addresses

from . import addresses, storable, thread_matching
from .classify import Classification, classify
from .language import detect_language
from .parsing import MailParseError, ParsedMail, parse
from .quotes import extract_new_text
from .sanitize import SanitizedHtml, sanitize_html


class PipelineError(Exception):
    """The mail cannot become a message; str(exc) is the quarantine reason."""


@dataclass(frozen=True)
class MailAnalysis:
    """What the bytes of a mail say, worked out without the database."""

    parsed: ParsedMail
    classification: Classification
    language: str
    new_text: str
    safe_html: SanitizedHtml | None
    attachments: tuple[IncomingAttachment, ...]


@dataclass(frozen=True)
class Prepared:
    parsed: ParsedMail
    classification: Classification
    incoming: IncomingMessage
    conversation: Conversation | None
    thread: thread_matching.ThreadMatch
    # The Message-ID of the message a bounce reports as undelivered, when it says.
    bounced_id: str | None = None


def hash_message_id(raw_digest: str) -> str:
    """The dedupe key of a message without a Message-ID: the hash of its bytes."""
    return f"<{raw_digest}@sha256.klient>"


def header_ids(parsed: ParsedMail) -> list[str]:
    """The Message-IDs a mail refers to, for threading."""
    return [i for i in (parsed.in_reply_to, *parsed.references) if i]


def stored_conversations(ids: list[str]) -> dict[str, int | None]:
    """For each Message-ID, the conversation of the stored message, or None: one query
    for a whole batch of mail."""
    known: dict[str, int | None] = dict.fromkeys(ids)
    if ids:
        rows = Message.objects.filter(message_id__in=ids).values_list(
            "message_id", "conversation_id"
        )
        known.update((message_id, conv_id) for message_id, conv_id in rows if message_id)
    return known


def bounced_message_id(parsed: ParsedMail) -> str | None:
    """The Message-ID of the message a bounce returns: from its delivery report (the
    returned message/rfc822 or text/rfc822-headers part), else from the returned headers
    a plain-text bounce quotes in its body."""
    if parsed.report is not None and parsed.report.original_message_id:
        return parsed.report.original_message_id
    return thread_matching.quoted_message_id(parsed.text)


def parse_raw(raw: bytes) -> ParsedMail:
    try:
        return parse(raw)
    except MailParseError as exc:
        raise PipelineError(f"unreadable email: {exc}") from exc


def team_addresses() -> dict[str, int]:
    """Every address a team receives mail at (lower case) -> team id."""
    return team_email_addresses()


def find_team(
    parsed: ParsedMail,
    envelope_to: list[str],
    team_id: int | None,
    teams: dict[str, int] | None = None,
) -> int:
    if team_id is not None:
        return team_id
    if teams is None:
        teams = team_addresses()
    for address in (*envelope_to, *parsed.to, *parsed.cc):
        base, _ = addresses.split_plus(address)
        if base in teams:
            return teams[base]
    recipients = ", ".join((*envelope_to, *parsed.to, *parsed.cc)) or "none"
    raise PipelineError(f"no team receives mail for the recipients ({recipients})")


def analyse_mail(raw: bytes, *, durable: bool = True) -> MailAnalysis:
    """Parse, classify, tell the new text apart, sanitise and store the attachments.

    With durable=False the attachments are written but not flushed to disk: the caller
    must call `blobs.sync_all()` before it commits rows that name them (one sync for a
    batch instead of one per attachment)."""
    parsed = parse_raw(raw)
    if not parsed.from_address or "@" not in parsed.from_address:
        raise PipelineError("the email has no usable From address")
    if (problem := storable.unstorable(parsed)) is not None:
        raise PipelineError(problem)
    # The language is the customer's own words' (issue 17 analyses them in it), not the
    # quoted history's, which is often ours; a reply too short to tell ("Thanks!") is read
    # with its quote, since it is usually in the same language as what it answers.
    new_text = extract_new_text(parsed.text) if parsed.text else ""
    language = detect_language(new_text) if new_text else ""
    if not language and parsed.text and new_text != parsed.text:
        language = detect_language(parsed.text)
    return MailAnalysis(
        parsed=parsed,
        classification=classify(parsed),
        language=language,
        new_text=new_text,
        safe_html=sanitize_html(parsed.html) if parsed.html else None,
        attachments=tuple(
            IncomingAttachment(
                filename=a.filename,
                content_type=a.content_type,
                blob=blobs.store(a.data, durable=durable),
                size=len(a.data),
                content_id=a.content_id,
            )
            for a in parsed.attachments
        ),
    )


def prepare(
    raw: bytes,
    *,
    raw_digest: str,
    received_at: datetime,
    envelope_to: list[str],
    team_id: int | None,
    teams: dict[str, int] | None = None,
    analysis: MailAnalysis | None = None,
    known_ids: dict[str, int | None] | None = None,
) -> Prepared:
    """Everything but storing. Pass `analysis` when the caller analysed the bytes already."""
    if analysis is None:
        analysis = analyse_mail(raw)
    parsed = analysis.parsed
    team = find_team(parsed, envelope_to, team_id, teams)
    recipients = (*envelope_to, *parsed.to, *parsed.cc)
    match = thread_matching.find_conversation(
        from_address=parsed.from_address,
        recipients=tuple(recipients),
        subject=parsed.subject,
        in_reply_to=parsed.in_reply_to,
        references=parsed.references,
        team_id=team,
        known_ids=known_ids,
        received_at=received_at,
        # A bounce is found by the message it reports (below), not by its sender.
        automatic=analysis.classification.auto_reply and not analysis.classification.bounce,
    )
    conversation = match.conversation
    classification = analysis.classification
    bounced_id = bounced_message_id(parsed) if classification.bounce else None
    if conversation is None and bounced_id:
        conversation = _conversation_of(bounced_id)
        if conversation is not None:
            match = thread_matching.ThreadMatch(conversation, "bounce-report")
    safe = analysis.safe_html
    incoming = IncomingMessage(
        team_id=conversation.team_id if conversation else team,
        from_address=parsed.from_address,
        from_name=parsed.from_name,
        subject=parsed.subject,
        body_text=parsed.text,
        new_text=analysis.new_text,
        received_at=received_at,
        to=parsed.to,
        cc=parsed.cc,
        body_html=safe.html if safe else "",
        raw_blob=raw_digest,
        message_id=parsed.message_id or hash_message_id(raw_digest),
        in_reply_to=parsed.in_reply_to,
        references=parsed.references,
        language=analysis.language,
        is_auto_reply=classification.auto_reply,
        is_bounce=classification.bounce,
        is_bulk=classification.bulk,
        auto_score=classification.auto_score,
        auto_reasons=classification.auto_reasons,
        has_remote_images=bool(safe and safe.had_remote_images),
        attachments=analysis.attachments,
        threaded_by=match.how,
    )
    return Prepared(parsed, classification, incoming, conversation, match, bounced_id)


def _conversation_of(message_id: str | None) -> Conversation | None:
    if not message_id:
        return None
    conv_id = (
        Message.objects.filter(message_id=message_id)
        .values_list("conversation_id", flat=True)
        .first()
    )
    return Conversation.objects.filter(pk=conv_id).first() if conv_id else None
