"""The only writers of the privacy domain: a customer's erasure, a team's retention rule
and the erasure of conversations it makes due. Entry points own the transaction (the
erase request, `klient customer erase`, the retention sweep); each action joins it."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from klient.conversations.search import TABLE as SEARCH
from klient.core.wiring import publish_on_commit
from klient.people.models import Customer, Team

from . import events
from .domains import modules
from .models import RetentionRule
from .scope import Scope, for_conversations, for_customer

logger = logging.getLogger(__name__)

# A month of a retention rule is 30 days; a rule longer than 100 years is a typo.
LONGEST_RETENTION_MONTHS = 1200


def preview(scope: Scope) -> dict[str, int]:
    """How many rows of each kind an erasure of the scope would change now."""
    counts: dict[str, int] = {}
    for domain in modules():
        counts.update(domain.preview(scope))
    return counts


def _erase(scope: Scope, *, checkpoint: bool = True) -> dict[str, int]:
    # SQLite overwrites what it frees with zeros, so an erased value does not linger in the
    # database file's free pages (PostgreSQL's dead rows are vacuumed).
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA secure_delete = ON")
        if checkpoint:
            transaction.on_commit(compact_sqlite)
    counts: dict[str, int] = {}  # each domain adds every kind it erases, 0 included
    for domain in modules():
        domain.erase(scope, counts)
    return counts


def compact_sqlite() -> None:
    """After an erasure on SQLite: merge the full-text index's segments (a deleted row's
    words stay in them until merged), then copy the write-ahead log, which still holds the
    pages as they were, into the database file and empty it. Busy readers make it a
    partial checkpoint that the next one completes; nothing fails either way."""
    if connection.in_atomic_block:
        return  # the next erasure's, or SQLite's own merges and checkpoints, do it
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {SEARCH}({SEARCH}) VALUES ('optimize')")  # noqa: S608
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except DatabaseError:
        logger.warning("after an erasure: SQLite's search index or log could not be compacted")


def preview_customer_erasure(customer: Customer) -> dict[str, int]:
    return preview(for_customer(customer))


def erase_customer(customer: Customer, *, actor: Any) -> dict[str, int]:
    """Erase what Klient holds about the customer, keeping anonymised tombstones, and
    record it as a `customer.erased` event with the counts per kind (never a value).
    A second erasure changes nothing and counts 0 of each kind."""
    with transaction.atomic():
        locked = Customer.objects.select_for_update().get(pk=customer.pk)
        counts = _erase(for_customer(locked))
        event = events.customer_erased(locked.pk, actor=actor, counts=counts)
        publish_on_commit(event)
    return counts


def record_export(customer: Customer, *, actor: Any, counts: dict[str, int]) -> None:
    """Who exported whose data, and how much of it (an export changes nothing else)."""
    with transaction.atomic():
        publish_on_commit(events.customer_exported(customer.pk, actor=actor, counts=counts))


def erase_conversation(conversation: Any, *, rule: dict[str, Any]) -> dict[str, int]:
    """Erase one conversation's personal content under a team's retention rule (its
    messages, attachments, raw mail, calls, search document), keeping the tombstones.
    The sweep empties SQLite's write-ahead log once, after the last one."""
    with transaction.atomic():
        counts = _erase(for_conversations([conversation.pk]), checkpoint=False)
        publish_on_commit(events.conversation_erased(conversation, rule=rule, counts=counts))
    return counts


def set_retention(team: Team, *, months: Any, actor: Any) -> RetentionRule:
    """Set (a whole number of months, at least 1) or clear (None) the team's rule."""
    if months is not None and (
        isinstance(months, bool)
        or not isinstance(months, int)
        or not 1 <= months <= LONGEST_RETENTION_MONTHS
    ):
        raise ValidationError(
            {
                "erase_closed_after_months": _(
                    "A whole number of months from 1 to %(most)s, or null to keep "
                    "conversations for ever."
                )
                % {"most": LONGEST_RETENTION_MONTHS}
            }
        )
    with transaction.atomic():
        rule, _created = RetentionRule.objects.select_for_update().get_or_create(
            team=team, defaults={"updated_at": timezone.now()}
        )
        if rule.erase_closed_after_months != months:
            rule.erase_closed_after_months = months
            rule.updated_at = timezone.now()
            rule.save(update_fields=["erase_closed_after_months", "updated_at"])
            publish_on_commit(events.retention_changed(team.pk, actor=actor, months=months))
    return rule
