"""Discarding quarantined mail (klient.mail.actions.discard_quarantined): the reason and
who gave it are on the row and in the audit log, and the raw source is kept."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from klient import cli
from klient.core import blobs
from klient.core.models import Event
from klient.mail import actions, queries
from klient.mail.models import InboundMail

RAW = b"this is not an email at all"


@pytest.fixture
def quarantined(db):
    inbound, _ = actions.accept_raw(RAW, source="import")
    with transaction.atomic():
        actions.quarantine(inbound, "unreadable")
    return inbound


def test_discarding_records_the_reason_and_the_administrator_and_keeps_the_source(
    quarantined, admin_zofia
):
    with transaction.atomic():
        inbound = actions.discard_quarantined(
            quarantined.pk, actor=admin_zofia, reason="  Test mail from the relay  "
        )

    assert inbound.state == InboundMail.State.DISCARDED
    assert (inbound.discard_reason, inbound.discarded_by) == (
        "Test mail from the relay",
        admin_zofia,
    )
    assert inbound.discarded_at is not None
    assert inbound.reason == "unreadable"
    assert blobs.load(inbound.raw_blob) == RAW
    event = Event.objects.get(kind="mail.discarded")
    assert event.data == {
        "inbound": inbound.pk,
        "reason": "Test mail from the relay",
        "quarantine_reason": "unreadable",
    }
    assert event.actor == admin_zofia
    assert list(queries.quarantined_mail()) == []
    assert list(queries.discarded_mail()) == [inbound]
    kinds = [e.kind for e in queries.history(inbound)]
    assert kinds == ["mail.quarantined", "mail.discarded"]


def test_a_reason_is_required(quarantined, admin_zofia):
    with pytest.raises(ValidationError) as refused, transaction.atomic():
        actions.discard_quarantined(quarantined.pk, actor=admin_zofia, reason=" ")

    assert "reason" in refused.value.message_dict
    assert InboundMail.objects.get(pk=quarantined.pk).state == InboundMail.State.QUARANTINED


def test_only_quarantined_mail_is_discarded(admin_zofia, db):
    received, _ = actions.accept_raw(b"waiting to be processed", source="import")

    with pytest.raises(InboundMail.DoesNotExist), transaction.atomic():
        actions.discard_quarantined(received.pk, actor=admin_zofia, reason="no")

    assert InboundMail.objects.get(pk=received.pk).state == InboundMail.State.RECEIVED


@pytest.mark.django_db(transaction=True)
def test_the_quarantine_discard_command(capsys):
    inbound, _ = actions.accept_raw(RAW, source="import")
    with transaction.atomic():
        actions.quarantine(inbound, "unreadable")

    assert cli.main(["quarantine", "discard", str(inbound.pk), "--reason", "junk"]) == 0
    assert cli.main(["quarantine", "discard", str(inbound.pk), "--reason", "junk"]) == 2

    inbound.refresh_from_db()
    assert (inbound.state, inbound.discard_reason) == ("discarded", "junk")
    assert Event.objects.get(kind="mail.discarded").actor_label == "cli"
    assert "discarded" in capsys.readouterr().out
