"""Imported conversations are history: no acknowledgement, SLA clock, notification or
delivery follows them, even for a team that acknowledges — while a live email to the
same team right after is acknowledged as usual."""

from __future__ import annotations

import pytest

from klient.conversations.models import Delivery
from klient.core.models import PendingEvent
from klient.core.worker import drain
from klient.importers.zendesk import import_export
from klient.mail import actions
from klient.notifications.models import Notification
from klient.sla.models import ConversationSla
from support import customer_email

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_import_sends_nothing_and_live_mail_still_does(
    zendesk_export, support_team, agent_anna, smtp_sink
):
    support_team.acknowledge = True
    support_team.save(update_fields=["acknowledge"])
    folder, expected = zendesk_export

    report = import_export(folder, progress=False)
    drain()

    assert report.imported["ticket"] == expected.counts["ticket"]
    assert PendingEvent.objects.count() == 0
    assert Delivery.objects.count() == 0
    assert Notification.objects.count() == 0
    assert ConversationSla.objects.count() == 0
    assert smtp_sink.messages == []

    live = customer_email("new@customer.example", "Hello", "A live question.\n")
    inbound, _ = actions.accept_raw(live.as_bytes(), source="smtp")
    actions.process_inbound(inbound.pk)
    drain()
    assert [to for _, to, _ in smtp_sink.messages] == [["new@customer.example"]]
