"""Olga also answered a satisfaction survey with a comment and booked an appointment
with answers: both are in her export, and after her erasure neither her comment nor her
answers are anywhere, while the rating and the appointment's time stay for the reports."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta

import pytest
from scans import database_hits

from klient.scheduling.models import Appointment, BookingType
from klient.surveys.models import CsatSettings, Survey

pytestmark = pytest.mark.django_db(transaction=True)


def her_survey_and_appointment(olga, agent_anna):
    tag = olga.persona.email.split(".")[1].split("@")[0]
    comment = f"Technik był bardzo miły, ale przyjechał późno {tag}."
    answer = f"Proszę dzwonić na domofon 12B {tag}."
    now = datetime.now(UTC)
    Survey.objects.create(
        conversation=olga.conversation,
        team=olga.conversation.team,
        agent=agent_anna,
        state=Survey.State.SENT,
        scale=CsatSettings.Scale.GOOD_BAD,
        email=olga.persona.email,
        nonce=f"nonce-{tag}",
        token_hash=f"hash-{tag}",
        solved_at=now,
        created_at=now,
        rating="good",
        comment=comment,
        answered_at=now,
        next_attempt_at=now,
    )
    visit = BookingType.objects.create(
        name="Wizyta technika", slug=f"wizyta-{tag}", agent=agent_anna, duration_minutes=60
    )
    Appointment.objects.create(
        booking_type=visit,
        agent=agent_anna,
        customer=olga.customer,
        conversation=olga.conversation,
        start=now + timedelta(days=2),
        end=now + timedelta(days=2, hours=1),
        time_zone="Europe/Warsaw",
        answers={"Adres": answer},
    )
    return comment, answer


def test_her_comment_and_booking_answers_are_exported_then_erased(
    olga, call, admin_zofia, agent_anna
):
    comment, answer = her_survey_and_appointment(olga, agent_anna)

    exported = call(admin_zofia, "get", f"/api/v1/customers/{olga.customer.pk}/export")
    data = json.loads(
        zipfile.ZipFile(io.BytesIO(b"".join(exported.streaming_content))).read("customer.json")
    )
    assert [s["comment"] for s in data["surveys"]] == [comment]
    assert [a["answers"] for a in data["appointments"]] == [{"Adres": answer}]
    assert database_hits([comment, answer])

    erased = call(
        admin_zofia, "post", f"/api/v1/customers/{olga.customer.pk}/erase", {"confirm": True}
    )

    assert erased.status_code == 200, erased.content
    assert erased.json()["counts"]["surveys"] == 1
    assert erased.json()["counts"]["appointments"] == 1
    assert database_hits([comment, answer]) == []
    survey = Survey.objects.get(conversation=olga.conversation)
    assert survey.rating == "good" and survey.answered_at is not None  # CSAT stays right
    assert Appointment.objects.get(conversation=olga.conversation).agent == agent_anna
