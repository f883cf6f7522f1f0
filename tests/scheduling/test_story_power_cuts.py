"""Story 1, replayed: the freelancer books an interview three times. The first time a
power cut keeps him away: Olha marks it missed and he tells us "power cut" through the
link. The second call drops after three minutes: he taps "I lost connection" on his
phone, and it is missed too. The third time the power cuts again mid-call, he taps the
button from a petrol station, Olha calls him back on the number he gave. Her timeline
tells the whole story, and she sees the earlier misses as context."""

from __future__ import annotations

from care_helpers import book_as_customer, without_invitations
from django.test import Client
from django.utils import translation
from scheduling_helpers import api

from klient.core.models import Event
from klient.notifications.models import Notification
from klient.scheduling import care
from support import worker_runs


def test_three_bookings_two_drops_one_interview(interview, agent_olha, smtp_sink):
    phone = "+380 67 123 4567"
    first, first_token = book_as_customer(interview, language="fr", phone=phone, weeks=2)
    assert api(agent_olha, "post", f"/api/v1/appointments/{first.pk}/missed",
               {"party": "customer"}).status_code == 200  # fmt: skip
    worker_runs()
    assert Client().post(f"/b/{first_token}/missed", {"reason": "power_cut"}).status_code == 200

    second, second_token = book_as_customer(interview, language="fr", phone=phone, weeks=3)
    assert Client().post(f"/b/{second_token}/lost-connection").status_code == 200
    assert api(agent_olha, "post", f"/api/v1/appointments/{second.pk}/missed",
               {"party": "customer", "reason": "power_cut"}).status_code == 200  # fmt: skip

    third, third_token = book_as_customer(interview, language="fr", phone=phone, weeks=4)
    assert Client().post(f"/b/{third_token}/lost-connection").status_code == 200
    worker_runs()

    # Olha was told each time, with the number to call him back on.
    notices = Notification.objects.filter(recipient=agent_olha, kind="scheduling.connection_lost")
    assert notices.count() == 2 and all(phone in n.text for n in notices)
    # He got a kind message in French after each miss, with a way to pick a new time.
    to_him = [m for m in without_invitations(smtp_sink) if m["To"] == "dmytro@mail.example"]
    assert len(to_him) == 2
    assert all("nous trouverons volontiers une autre heure" in m.get_content() for m in to_him)
    # The misses had a reason, shown to Olha as context on the third appointment.
    assert care.earlier_missed(third) == ["power_cut", "power_cut"]
    with translation.override("en"):
        assert care.earlier_missed_text(third) == (
            "2 earlier appointments missed: power cut, power cut"
        )

    # The timeline, in order, across his bookings.
    conversations = {first.conversation_id, second.conversation_id, third.conversation_id}
    told = [
        (e.kind, e.data.get("reference"))
        for e in Event.objects.filter(
            conversation_id__in=conversations, kind__startswith="scheduling."
        )
        .exclude(kind="scheduling.invitation_sent")  # each booking's confirmation, below
        .order_by("pk")
    ]
    confirmations = Event.objects.filter(
        conversation_id__in=conversations, kind="scheduling.invitation_sent"
    )
    assert sorted(e.data["change"] for e in confirmations) == ["booked"] * 3
    assert told == [
        ("scheduling.appointment_booked", first.reference),
        ("scheduling.appointment_missed", first.reference),
        ("scheduling.missed_reason_given", first.reference),
        ("scheduling.appointment_booked", second.reference),
        ("scheduling.lost_connection", second.reference),
        ("scheduling.appointment_missed", second.reference),
        ("scheduling.appointment_booked", third.reference),
        ("scheduling.lost_connection", third.reference),
    ]
    seen = api(agent_olha, "get", f"/api/v1/conversations/{third.conversation.reference}")
    assert "scheduling.lost_connection" in [e["kind"] for e in seen.json()["events"]]
