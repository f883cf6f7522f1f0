"""The SLA clock's rules (klient.sla.clock, pure): what counts as an answer, pauses, reopen,
priority changes, warnings and breaches, across DST changes and public holidays."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from klient.calendars import BusinessCalendar, WorkingHours
from klient.sla.clock import ClockEvent, Targets, evaluate

WARSAW = ZoneInfo("Europe/Warsaw")
NEW_YORK = ZoneInfo("America/New_York")
KYIV = ZoneInfo("Europe/Kyiv")
H = timedelta(hours=1)
NINE_TO_FIVE = WorkingHours.weekly(("09:00", "17:00"))
WARSAW_TEAM = BusinessCalendar("Europe/Warsaw", NINE_TO_FIVE, country="PL")
NEW_YORK_TEAM = BusinessCalendar("America/New_York", NINE_TO_FIVE, country="US")
KYIV_TEAM = BusinessCalendar("Europe/Kyiv", NINE_TO_FIVE, country="UA")
T0 = datetime(2026, 6, 1, 8, tzinfo=UTC)  # a Monday; calendar-time tests


def at(zone, *args):
    return datetime(*args, tzinfo=zone)


def customer(when, **flags):
    return ClockEvent("message.received", when, {"message": 1, **flags})


def delivered(when, message=10, sender="agent", kind="outbound"):
    return ClockEvent(
        "delivery.sent", when, {"message": message, "sender": sender, "message_kind": kind}
    )


def bounced(when, message=10):
    return ClockEvent("delivery.bounced", when, {"message": message, "sender": "agent"})


def failed(when, message=10):
    return ClockEvent("delivery.failed", when, {"message": message, "sender": "agent"})


def status(when, old, new):
    return ClockEvent("status.changed", when, {"field": "status", "from": old, "to": new})


def alerts(state):
    return [(a.kind, a.target, a.at) for a in state.alerts]


# -- due times across DST and holidays -------------------------------------------------------


def test_a_business_time_target_crosses_the_spring_dst_change_in_warsaw():
    """Given Friday 27 March 2026 15:00 in Warsaw and a 4-hour first-reply target, when the
    clocks go forward on Sunday, then the target is due Monday 11:00 CEST (09:00 UTC)."""
    state = evaluate(
        Targets(first_reply=4 * H),
        WARSAW_TEAM,
        [customer(at(WARSAW, 2026, 3, 27, 15))],
        at(WARSAW, 2026, 3, 27, 15),
    )
    assert state.due("first_reply") == at(WARSAW, 2026, 3, 30, 11)
    assert state.due("first_reply") == datetime(2026, 3, 30, 9, tzinfo=UTC)


def test_a_warning_at_75_percent_falls_on_the_right_side_of_the_autumn_change_in_new_york():
    """Given Friday 30 October 2026 16:00 EDT and an 8-hour target, then the warning (6 h:
    one on Friday, five on Monday) is Monday 2 November 14:00 EST = 19:00 UTC, and the breach
    16:00 EST = 21:00 UTC."""
    start = at(NEW_YORK, 2026, 10, 30, 16)
    state = evaluate(Targets(first_reply=8 * H), NEW_YORK_TEAM, [customer(start)], start)
    target = state.target("first_reply")
    assert target.warn_at == datetime(2026, 11, 2, 19, tzinfo=UTC)
    assert target.due_at == datetime(2026, 11, 2, 21, tzinfo=UTC)
    assert state.next_due_at == target.warn_at


def test_thanksgiving_does_not_count_in_new_york():
    start = at(NEW_YORK, 2026, 11, 25, 15)
    state = evaluate(Targets(first_reply=8 * H), NEW_YORK_TEAM, [customer(start)], start)
    assert state.due("first_reply") == at(NEW_YORK, 2026, 11, 27, 15)


def test_polish_independence_day_does_not_count_in_warsaw():
    start = at(WARSAW, 2026, 11, 10, 16)
    state = evaluate(Targets(first_reply=2 * H), WARSAW_TEAM, [customer(start)], start)
    assert state.due("first_reply") == at(WARSAW, 2026, 11, 12, 10)


def test_a_kyiv_team_skips_the_weekend_and_the_autumn_change():
    start = at(KYIV, 2026, 10, 23, 16)  # Friday; clocks go back on Sunday 25 October
    state = evaluate(Targets(first_reply=3 * H), KYIV_TEAM, [customer(start)], start)
    assert state.due("first_reply") == at(KYIV, 2026, 10, 26, 11)


def test_calendar_time_counts_real_hours_across_the_spring_change():
    """24 hours of calendar time from Saturday noon CET is Sunday 13:00 CEST."""
    start = at(WARSAW, 2026, 3, 28, 12)
    state = evaluate(Targets(first_reply=24 * H), None, [customer(start)], start)
    assert state.due("first_reply") == at(WARSAW, 2026, 3, 29, 13)


def test_a_pause_over_a_weekend_in_business_time_only_removes_business_hours():
    """Given a 4-hour target started Friday 15:00 in Warsaw, put on hold Friday 16:00 to
    Monday 10:00: one business hour ran, one (Monday 9-10) was paused, so due Monday 13:00."""
    events = [
        customer(at(WARSAW, 2026, 6, 12, 15)),
        status(at(WARSAW, 2026, 6, 12, 15, 1), "new", "open"),
        status(at(WARSAW, 2026, 6, 12, 16), "open", "on_hold"),
        status(at(WARSAW, 2026, 6, 15, 10), "on_hold", "open"),
    ]
    state = evaluate(Targets(first_reply=4 * H), WARSAW_TEAM, events, at(WARSAW, 2026, 6, 15, 10))
    assert state.due("first_reply") == at(WARSAW, 2026, 6, 15, 13)
    assert state.pause_total == at(WARSAW, 2026, 6, 15, 10) - at(WARSAW, 2026, 6, 12, 16)


# -- what counts as an answer ----------------------------------------------------------------


def test_a_delivered_public_reply_by_a_person_meets_the_first_reply_target():
    state = evaluate(
        Targets(first_reply=4 * H), None, [customer(T0), delivered(T0 + H)], T0 + 10 * H
    )
    target = state.target("first_reply")
    assert target.met and target.ended_at == T0 + H
    assert state.first_reply_at == T0 + H
    assert state.alerts == () and state.next_due_at is None


def test_an_automatic_acknowledgement_never_meets_a_target():
    events = [customer(T0), delivered(T0 + timedelta(seconds=1), sender="system")]
    state = evaluate(Targets(first_reply=4 * H), None, events, T0 + 5 * H)
    assert state.first_reply_at is None
    assert alerts(state) == [
        ("warning", "first_reply", T0 + 3 * H),
        ("breach", "first_reply", T0 + 4 * H),
    ]
    assert state.breached == ("first_reply",)


def test_an_internal_note_never_meets_a_target():
    note = ClockEvent("note.added", T0 + H, {"message": 11})
    # Notes are never delivered; even a delivery record for one would not count.
    events = [customer(T0), note, delivered(T0 + H, message=11, kind="note")]
    state = evaluate(Targets(first_reply=4 * H), None, events, T0 + 5 * H)
    assert state.first_reply_at is None
    assert state.breached == ("first_reply",)


def test_a_reply_that_bounced_never_meets_a_target_even_after_it_was_sent():
    events = [customer(T0), delivered(T0 + H), bounced(T0 + 5 * H)]
    before_bounce = evaluate(Targets(first_reply=4 * H), None, events, T0 + 2 * H)
    assert before_bounce.first_reply_at == T0 + H
    after_bounce = evaluate(Targets(first_reply=4 * H), None, events, T0 + 6 * H)
    assert after_bounce.first_reply_at is None
    assert ("breach", "first_reply", T0 + 4 * H) in alerts(after_bounce)


def test_a_reply_that_failed_or_is_only_queued_does_not_count():
    queued = ClockEvent("message.outbound_queued", T0 + H, {"message": 10, "delivery": 3})
    state = evaluate(
        Targets(first_reply=4 * H), None, [customer(T0), queued, failed(T0 + 2 * H)], T0 + 3 * H
    )
    assert state.first_reply_at is None
    assert state.due("first_reply") == T0 + 4 * H


def test_automatic_inbound_mail_starts_no_clock():
    events = [customer(T0, auto_reply=True), customer(T0 + H, bounce=True)]
    state = evaluate(Targets(first_reply=4 * H), None, events, T0 + 9 * H)
    assert state.started_at is None and state.targets == () and state.alerts == ()


# -- pauses, reopen, priority ----------------------------------------------------------------


def test_the_clock_pauses_while_pending_and_resumes_when_the_customer_writes():
    """Given an answer and a question back to the customer (pending), when the customer
    answers 10 hours later, then nothing ran while pending and next-reply starts then."""
    targets = Targets(first_reply=4 * H, next_reply=2 * H, resolution=8 * H)
    events = [
        customer(T0),
        delivered(T0 + H),
        status(T0 + H, "new", "pending"),
        customer(T0 + 11 * H),
        status(T0 + 11 * H, "pending", "open"),
    ]
    paused = evaluate(targets, None, events, T0 + 5 * H)
    assert paused.paused and paused.paused_since == T0 + H
    assert paused.due("resolution") is None and paused.next_due_at is None
    resumed = evaluate(targets, None, events, T0 + 11 * H)
    assert not resumed.paused and resumed.pause_total == 10 * H
    assert resumed.due("next_reply") == T0 + 13 * H
    assert resumed.due("resolution") == T0 + 18 * H


def test_a_customer_message_while_on_hold_restarts_next_reply():
    targets = Targets(next_reply=2 * H)
    events = [
        customer(T0),
        delivered(T0 + H),
        customer(T0 + 2 * H),
        status(T0 + 3 * H, "open", "on_hold"),
        customer(T0 + 5 * H),
        status(T0 + 6 * H, "on_hold", "open"),
    ]
    state = evaluate(targets, None, events, T0 + 6 * H)
    target = state.target("next_reply")
    assert target.started_at == T0 + 5 * H
    assert state.due("next_reply") == T0 + 8 * H


def test_solving_stops_the_clock_and_reopening_starts_next_reply():
    targets = Targets(first_reply=4 * H, next_reply=2 * H, resolution=24 * H)
    events = [
        customer(T0),
        delivered(T0 + H),
        status(T0 + H, "open", "solved"),
        status(T0 + 30 * H, "solved", "open"),
    ]
    solved = evaluate(targets, None, events, T0 + 29 * H)
    assert solved.stopped and solved.due("resolution") is None and solved.alerts == ()
    reopened = evaluate(targets, None, events, T0 + 30 * H)
    assert reopened.due("next_reply") == T0 + 32 * H
    assert reopened.due("resolution") == T0 + 53 * H  # 1 hour ran before solving


def test_solving_without_an_answer_drops_the_reply_target_without_a_breach():
    events = [customer(T0), status(T0 + H, "new", "solved")]
    state = evaluate(Targets(first_reply=4 * H), None, events, T0 + 9 * H)
    target = state.target("first_reply")
    assert target.ended_at == T0 + H and not target.met
    assert state.alerts == ()


def test_a_changed_priority_recomputes_targets_from_the_original_start():
    events = [customer(T0), status(T0 + 2 * H, "new", "open")]
    normal = evaluate(Targets(first_reply=8 * H), None, events, T0 + 2 * H)
    urgent = evaluate(Targets(first_reply=H), None, events, T0 + 2 * H)
    assert normal.due("first_reply") == T0 + 8 * H
    assert urgent.due("first_reply") == T0 + H
    assert urgent.breached == ("first_reply",)


def test_periodic_updates_restart_at_each_answer():
    targets = Targets(periodic_update=24 * H, warning_percent=50)
    events = [customer(T0), delivered(T0 + 20 * H)]
    state = evaluate(targets, None, events, T0 + 20 * H)
    assert state.due("periodic_update") == T0 + 44 * H
    assert alerts(state) == [("warning", "periodic_update", T0 + 12 * H)]


def test_warnings_and_breaches_are_not_reported_before_their_moment():
    state = evaluate(Targets(first_reply=4 * H), None, [customer(T0)], T0 + 3 * H - 1 * H / 3600)
    assert state.alerts == () and state.next_due_at == T0 + 3 * H
    state = evaluate(Targets(first_reply=4 * H), None, [customer(T0)], T0 + 3 * H)
    assert alerts(state) == [("warning", "first_reply", T0 + 3 * H)]
    assert state.next_due_at == T0 + 4 * H


def test_without_a_policy_the_first_reply_and_pauses_are_still_tracked():
    events = [customer(T0), delivered(T0 + H), status(T0 + H, "new", "pending")]
    state = evaluate(None, None, events, T0 + 2 * H)
    assert state.first_reply_at == T0 + H and state.paused and state.targets == ()
