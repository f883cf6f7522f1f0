"""Olha manages her booking types in the workspace, without the Django admin: she lists,
adds, edits and deletes them; someone else's she cannot touch; the pages speak her
language."""

from __future__ import annotations

from klient.scheduling.models import BookingType
from support import signed_in

FORM = {
    "name": "Interview",
    "slug": "interview",
    "kind": "video",
    "location": "https://meet.example/olha",
    "duration_minutes": "60",
    "buffer_before_minutes": "10",
    "buffer_after_minutes": "10",
    "minimum_notice_minutes": "120",
    "horizon_days": "30",
    "step_minutes": "30",
    "cancel_notice_minutes": "60",
    "max_reschedules": "2",
    "max_per_day": "3",
    "questions": "What is it about? *\nYour portfolio link",
    "reminders": "1440 email\n60 sms",
}


def test_an_agent_adds_edits_and_deletes_her_booking_type(agent_olha):
    client = signed_in(agent_olha)
    assert "No booking types yet." in client.get("/scheduling/booking-types/").content.decode()
    response = client.post("/scheduling/booking-types/new/", FORM)
    assert response.status_code == 302, response.content.decode()
    saved = BookingType.objects.get()
    assert saved.agent == agent_olha and saved.team is None
    assert saved.questions == [
        {"label": "What is it about?", "required": True},
        {"label": "Your portfolio link", "required": False},
    ]
    assert saved.reminders == [
        {"before_minutes": 1440, "channel": "email"},
        {"before_minutes": 60, "channel": "sms"},
    ]
    page = client.get("/scheduling/booking-types/").content.decode()
    assert "Interview" in page and "60 minutes" in page

    edit = client.get(f"/scheduling/booking-types/{saved.pk}/edit/").content.decode()
    assert "What is it about? *" in edit and "1440 email" in edit
    response = client.post(
        f"/scheduling/booking-types/{saved.pk}/edit/", {**FORM, "duration_minutes": "45"}
    )
    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.duration_minutes == 45

    response = client.post(f"/scheduling/booking-types/{saved.pk}/delete/")
    assert response.status_code == 302
    assert "No booking types yet." in client.get("/scheduling/booking-types/").content.decode()


def test_a_refused_booking_type_says_why_and_saves_nothing(agent_olha):
    client = signed_in(agent_olha)
    response = client.post(
        "/scheduling/booking-types/new/", {**FORM, "location": "not a link", "reminders": "soon"}
    )
    assert response.status_code == 400
    assert "1440 email" in response.content.decode()
    response = client.post("/scheduling/booking-types/new/", {**FORM, "location": "not a link"})
    assert response.status_code == 400
    assert "a video call needs its link" in response.content.decode()
    assert not BookingType.objects.exists()


def test_another_agents_booking_type_is_not_found(agent_olha, agent_bruno):
    signed_in(agent_olha).post("/scheduling/booking-types/new/", FORM)
    saved = BookingType.objects.get()
    bruno = signed_in(agent_bruno)
    assert bruno.get(f"/scheduling/booking-types/{saved.pk}/edit/").status_code == 404
    assert bruno.post(f"/scheduling/booking-types/{saved.pk}/delete/").status_code == 404
    assert "Interview" not in bruno.get("/scheduling/booking-types/").content.decode()
    assert BookingType.objects.get().deleted_at is None


def test_the_pages_speak_the_agents_language(agent_olha):
    for language, words in [
        ("uk", "Типи зустрічей"),
        ("pl", "Rodzaje spotkań"),
        ("de", "Terminarten"),
        ("fr", "Types de rendez-vous"),
    ]:
        agent_olha.agent.language = language
        agent_olha.agent.save()
        page = signed_in(agent_olha).get("/scheduling/booking-types/").content.decode()
        assert words in page, language
