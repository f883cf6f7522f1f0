"""The same instant in slots, emails, ICS and the agent's page: Olha in Europe/Kyiv, a
customer in Asia/Kathmandu (+5:45, no DST), across Kyiv's spring change (2027-03-28)."""

from __future__ import annotations

from datetime import UTC, datetime

from appointment_steps import booked, emails_sent, invitation, vevent
from scheduling_helpers import api, slots

from support import signed_in

BEFORE, AFTER = "2027-03-22", "2027-03-29"  # Mondays either side of the change


def test_kathmandu_sees_the_kyiv_morning_move_by_an_hour_and_every_copy_agrees(
    smtp_sink, interview, agent_olha
):
    before = slots("interview", BEFORE, time_zone="Asia/Kathmandu")[0][0]
    after = slots("interview", AFTER, time_zone="Asia/Kathmandu")[0][0]
    # 09:00 in Kyiv: 07:00 UTC (EET) then 06:00 UTC (EEST); Kathmandu's clock shows it.
    assert before == "2027-03-22T12:45:00+05:45"
    assert after == "2027-03-29T11:45:00+05:45"
    appointment_id, _token = booked(before, time_zone="Asia/Kathmandu")

    moved = api(
        agent_olha, "post", f"/api/v1/appointments/{appointment_id}/reschedule", {"start": after}
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["start"] == "2027-03-29T06:00:00Z"

    confirmation, move = emails_sent(smtp_sink, 2)
    for email, utc, local in [
        (confirmation, datetime(2027, 3, 22, 7, tzinfo=UTC), "12:45–13:45"),
        (move, datetime(2027, 3, 29, 6, tzinfo=UTC), "11:45–12:45"),
    ]:
        _method, calendar, body = invitation(email)
        event = vevent(calendar)
        assert event["DTSTART"].dt == utc
        assert event["DTSTART"].to_ical().endswith(b"Z")
        assert f"{local} (Asia/Kathmandu, UTC+05:45)" in body
        assert f"{local} (Asia/Kathmandu, UTC+05:45)" in email["Subject"]
        assert "Asia/Kathmandu" in str(event["DESCRIPTION"])

    # Olha sees it at 09:00 her time, in her zone.
    page = signed_in(agent_olha).get("/scheduling/appointments/").content.decode()
    assert "Europe/Kyiv" in page
    assert "09:00–10:00" in page
    assert 'datetime="2027-03-29T09:00:00+03:00"' in page


def test_the_autumn_change_keeps_the_same_instant(smtp_sink, interview, agent_olha):
    # Kyiv goes back on 2027-10-31: 09:00 is 06:00 UTC before, 07:00 UTC after.
    first = slots("interview", "2027-11-01", time_zone="Asia/Kathmandu")[0][0]
    assert first == "2027-11-01T12:45:00+05:45"
    booked(first, time_zone="Asia/Kathmandu")
    (email,) = emails_sent(smtp_sink, 1)
    _method, calendar, body = invitation(email)
    assert vevent(calendar)["DTSTART"].dt == datetime(2027, 11, 1, 7, tzinfo=UTC)
    assert "12:45–13:45 (Asia/Kathmandu, UTC+05:45)" in body
