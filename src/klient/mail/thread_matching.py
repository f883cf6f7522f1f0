"""Which conversation an inbound email belongs to, and whether its sender may join it.

Order: In-Reply-To and References against stored Message-IDs, then a signed reply
address among the recipients, then the reference token in the subject. A conversation
merged into another stands for the survivor (its `merged_into`, followed to the end). A
match joins only if the sender is the conversation's customer or a participant, or wrote
through the signed reply address; otherwise a new conversation is opened (a forged From
cannot slip into someone else's case).

Then, for what none of those found:
- the subject: a reply ("Re: ...", "AW: ...", see `subjects`) from a conversation's
  customer or participant whose subject without its reply prefixes is that
  conversation's joins it, when it was active in the last SUBJECT_WINDOW and no other
  conversation of the sender has that subject (two would be a guess: a new one opens);
- an automatic reply (out of office, acknowledgement) goes to the sender's most recent
  conversation of the last SUBJECT_WINDOW: it answers what we sent last, and it never
  reopens nor makes anyone wait (conversations.receive). A subject alone never lets a
  stranger in: only the sender's own conversations are candidates."""

# ruff: noqa: S608  (SQL text from model metadata only; every value is a query parameter)

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone

from klient.conversations.merge import MAX_CHAIN
from klient.conversations.models import Conversation, Message, Participant
from klient.core import rows
from klient.people.models import Customer, Identity

from . import addresses
from .subjects import is_reply, normalise_subject

# How long a conversation stays a place a subject-only or automatic reply may join.
SUBJECT_WINDOW = timedelta(days=30)
# The sender's conversations looked at by subject, most recently active first.
SUBJECT_CANDIDATES = 200
# A returned header quoted in a text bounce: "Message-ID: <...>", maybe indented or "> ".
_QUOTED_MESSAGE_ID = re.compile(r"^[ \t>]*Message-ID:[ \t]*(<[^<>\s]{3,900}>)", re.I | re.M)
SUBJECT_TOKEN = re.compile(r"\[\s*(K-\d{1,15})\s*\]", re.IGNORECASE)


@dataclass(frozen=True)
class ThreadMatch:
    conversation: Conversation | None
    # "headers", "signed-address", "subject-token", "subject", "automatic-recent", "" for none
    how: str
    refused: str = ""  # why a match was not joined, for the event log


def find_conversation(
    *,
    from_address: str,
    recipients: tuple[str, ...],
    subject: str,
    in_reply_to: str,
    references: tuple[str, ...],
    team_id: int | None,
    known_ids: dict[str, int | None] | None = None,
    received_at: datetime | None = None,
    automatic: bool = False,
) -> ThreadMatch:
    """known_ids, when given, holds the header lookups a caller made in bulk: Message-ID ->
    its conversation id, or None for an id that is not stored. Ids it does not hold are
    looked up here. received_at (the mail's arrival; now when not given) dates the
    SUBJECT_WINDOW; automatic says the mail is an auto-reply or a bounce."""
    found = _by_links(
        from_address=from_address,
        recipients=recipients,
        subject=subject,
        in_reply_to=in_reply_to,
        references=references,
        known_ids=known_ids,
    )
    if found.conversation is not None or found.refused:
        return found
    since = (received_at or timezone.now()) - SUBJECT_WINDOW
    if is_reply(subject or ""):
        by_subject = _by_subject(from_address, subject, since)
        if by_subject is not None:
            return ThreadMatch(by_subject, "subject")
    if automatic:
        # The sender's latest case with us; their earlier unthreadable auto-replies only
        # when there is none (they gather in one "Automatic" conversation).
        recent = _senders_conversations(
            from_address, limit=1, automatic_last=True, updated_since=since
        )
        if recent:
            return ThreadMatch(recent[0], "automatic-recent")
    return found


def _by_links(
    *,
    from_address: str,
    recipients: tuple[str, ...],
    subject: str,
    in_reply_to: str,
    references: tuple[str, ...],
    known_ids: dict[str, int | None] | None,
) -> ThreadMatch:
    """Threading by what the mail names: Message-IDs, a signed address, a subject token."""
    signed_ref = next(
        (ref for a in recipients if (ref := addresses.verified_reference(a)) is not None), None
    )
    candidate: Conversation | None = None
    how = ""
    ids = [i for i in (in_reply_to, *reversed(references)) if i][:50]
    conv_id = None
    if known_ids is not None:
        conv_id = next((c for i in ids if (c := known_ids.get(i)) is not None), None)
        ids = [] if conv_id is not None else [i for i in ids if i not in known_ids]
    if ids:
        conv_id = (
            Message.objects.filter(message_id__in=ids)
            .order_by("-created_at")
            .values_list("conversation_id", flat=True)
            .first()
        )
    if conv_id is not None:
        candidate = _with_customer(conv_id)
        if candidate is None:
            raise Conversation.DoesNotExist(f"conversation {conv_id} is gone")
        how = "headers"
    if candidate is None and signed_ref is not None:
        candidate = _by_reference(signed_ref)
        how = "signed-address" if candidate else ""
    if candidate is None and (match := SUBJECT_TOKEN.search(subject or "")):
        candidate = _by_reference(match.group(1))
        how = "subject-token" if candidate else ""
    if candidate is None:
        return ThreadMatch(None, "")
    # A merged conversation's mail lands in the one it was merged into; the signed reply
    # address of any conversation on the way still vouches for the sender.
    on_the_way = {candidate.reference}
    while candidate.merged_into_id is not None and len(on_the_way) <= MAX_CHAIN:
        survivor = _with_customer(candidate.merged_into_id)
        if survivor is None:
            raise Conversation.DoesNotExist(f"conversation {candidate.merged_into_id} is gone")
        candidate = survivor
        on_the_way.add(candidate.reference)
    if signed_ref is not None and signed_ref in on_the_way:
        return ThreadMatch(candidate, "signed-address" if how != "headers" else how)
    if _may_write(candidate, from_address):
        return ThreadMatch(candidate, how)
    return ThreadMatch(
        None, "", refused=f"{from_address} is not a participant of {candidate.reference}"
    )


def _senders_conversations(
    from_address: str,
    *,
    limit: int,
    automatic_last: bool = False,
    updated_since: datetime | None = None,
    automatic: bool | None = None,
) -> list[Conversation]:
    """Up to `limit` conversations the sender may write into (as their customer, by a
    verified address, or as a participant), not merged away, most recently active first
    (with `automatic_last`, conversations of only automatic mail after all others),
    optionally only those active since `updated_since` or with this `automatic` flag.

    One statement, a UNION of the two indexed paths (an OR across the two joins makes
    SQLite scan every conversation), written once: the ORM's compiling of this UNION cost
    25 times what SQLite takes to answer it (core.rows)."""
    address = from_address.strip().lower()
    conv = rows.columns(Conversation, "c")
    qn = connection.ops.quote_name
    table = qn(Conversation._meta.db_table)
    where, params = [f"c.{qn('merged_into_id')} IS NULL"], []
    if updated_since is not None:
        where.append(f"c.{qn('updated_at')} >= %s")
        params.append(connection.ops.adapt_datetimefield_value(updated_since))
    if automatic is not None:
        where.append(f"{'' if automatic else 'NOT '}c.{qn('automatic')}")
    condition = " AND ".join(where)
    # By position: a compound SELECT is ordered by its result columns.
    order = ", ".join(
        [str(conv.position("automatic"))] * automatic_last
        + [f"{conv.position('updated_at')} DESC", f"{conv.position('id')} DESC"]
    )
    sql = (
        f"SELECT {conv.sql} FROM {table} c INNER JOIN {qn(Identity._meta.db_table)} i "
        f"ON i.{qn('customer_id')} = c.{qn('customer_id')} WHERE {condition} "
        f"AND i.{qn('kind')} = %s AND i.{qn('value')} = %s AND i.{qn('verified_at')} IS NOT NULL "
        f"UNION SELECT {conv.sql} FROM {table} c INNER JOIN {qn(Participant._meta.db_table)} p "
        f"ON p.{qn('conversation_id')} = c.{qn('id')} WHERE {condition} "
        f"AND p.{qn('address')} = %s ORDER BY {order} LIMIT {int(limit)}"
    )
    found = rows.fetch(sql, [*params, Identity.Kind.EMAIL.value, address, *params, address])
    return [conv.load(row) for row in found]


def _by_subject(from_address: str, subject: str, since: datetime) -> Conversation | None:
    """The one conversation of the sender with this subject, if it is recent."""
    wanted = normalise_subject(subject)
    if not wanted:
        return None
    same = [
        c
        for c in _senders_conversations(from_address, limit=SUBJECT_CANDIDATES, automatic=False)
        if normalise_subject(c.subject) == wanted
    ]
    if len(same) != 1 or same[0].updated_at < since:
        return None
    return same[0]


def quoted_message_id(text: str) -> str | None:
    """The Message-ID a plain-text bounce quotes from the returned message's headers (the
    last one: a bounce's own headers, when it quotes them, come first)."""
    found = _QUOTED_MESSAGE_ID.findall(text or "")
    return found[-1] if found else None


def _by_reference(reference: str) -> Conversation | None:
    pk = Conversation.pk_from_reference(reference)
    if pk is None:
        return None
    return _with_customer(pk)


def _with_customer(pk: int) -> Conversation | None:
    """The conversation with its customer loaded (one join), or None."""
    conv = rows.columns(Conversation, "c")
    customer = rows.columns(Customer, "p")
    qn = connection.ops.quote_name
    found = rows.fetch(
        f"SELECT {conv.sql}, {customer.sql} FROM {qn(Conversation._meta.db_table)} c "
        f"INNER JOIN {qn(Customer._meta.db_table)} p ON p.{qn('id')} = c.{qn('customer_id')} "
        f"WHERE c.{qn('id')} = %s",
        [pk],
    )
    if not found:
        return None
    conversation = conv.load(found[0])
    Conversation._meta.get_field("customer").set_cached_value(
        conversation, customer.load(found[0], conv.width)
    )
    return conversation


def _may_write(conversation: Conversation, from_address: str) -> bool:
    """The sender is one of the customer's identities, or a participant (one statement)."""
    address = from_address.strip().lower()
    qn = connection.ops.quote_name
    found = rows.fetch(
        f"SELECT 1 WHERE EXISTS (SELECT 1 FROM {qn(Identity._meta.db_table)} "
        f"WHERE {qn('customer_id')} = %s AND {qn('value')} = %s) "
        f"OR EXISTS (SELECT 1 FROM {qn(Participant._meta.db_table)} "
        f"WHERE {qn('conversation_id')} = %s AND {qn('address')} = %s)",
        [conversation.customer_id, address, conversation.pk, address],
    )
    return bool(found)
