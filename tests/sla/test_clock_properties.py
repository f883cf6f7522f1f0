"""Properties of the pure SLA clock over random conversation histories (hypothesis)."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from klient.calendars import BusinessCalendar, WorkingHours
from klient.sla.clock import ClockEvent, Targets, evaluate

T0 = datetime(2026, 3, 20, 7, tzinfo=UTC)  # spans the spring DST change in Warsaw
WARSAW_TEAM = BusinessCalendar(
    "Europe/Warsaw", WorkingHours.weekly(("09:00", "17:00")), country="PL"
)
STATUSES = ["new", "open", "pending", "on_hold", "solved", "closed"]

minutes = st.none() | st.integers(min_value=1, max_value=3 * 24 * 60)
targets = st.builds(
    Targets,
    first_reply=minutes.map(lambda m: m and timedelta(minutes=m)),
    next_reply=minutes.map(lambda m: m and timedelta(minutes=m)),
    periodic_update=minutes.map(lambda m: m and timedelta(minutes=m)),
    resolution=minutes.map(lambda m: m and timedelta(minutes=m)),
    warning_percent=st.integers(min_value=1, max_value=100),
)
operations = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=36 * 60),  # minutes since the previous event
        st.sampled_from(["customer", "automatic", "answer", "ack", "note", "bounce", "status"]),
        st.sampled_from(STATUSES),
    ),
    min_size=1,
    max_size=25,
)


def history(ops):
    events, when, status, answers = [], T0, "new", []
    for gap, op, new_status in ops:
        when += timedelta(minutes=gap)
        if op == "customer":
            events.append(ClockEvent("message.received", when, {"message": len(events)}))
        elif op == "automatic":
            events.append(ClockEvent("message.received", when, {"auto_reply": True}))
        elif op in ("answer", "ack", "note"):
            sender, kind = {
                "answer": ("agent", "outbound"),
                "ack": ("system", "outbound"),
                "note": ("agent", "note"),
            }[op]
            message = 1000 + len(events)
            answers.append(message)
            data = {"message": message, "sender": sender, "message_kind": kind}
            events.append(ClockEvent("delivery.sent", when, data))
        elif op == "bounce" and answers:
            events.append(ClockEvent("delivery.bounced", when, {"message": answers[-1]}))
        elif op == "status" and new_status != status:
            data = {"field": "status", "from": status, "to": new_status}
            events.append(ClockEvent("status.changed", when, data))
            status = new_status
    return events


def keys(state):
    return {a.key for a in state.alerts}


@settings(max_examples=150, deadline=None)
@given(targets, operations, st.booleans(), st.integers(min_value=0, max_value=10 * 24 * 60))
def test_alerts_only_accumulate_as_time_passes(targets, ops, business, extra_minutes):
    """Evaluating after each event (as the handlers do) never takes back an alert, and the
    union of what was seen step by step is what a single evaluation at the end reports.
    A bounce is the one retroactive event: the periodic-update cycle the voided answer had
    started never existed, so its alerts (already emitted, and kept in the log) drop out."""
    events = history(ops)
    calendar = WARSAW_TEAM if business else None
    end = (events[-1].at if events else T0) + timedelta(minutes=extra_minutes)
    bounced = any(e.kind == "delivery.bounced" for e in events)
    seen: set[str] = set()
    previous: set[str] = set()
    for moment in [e.at for e in events] + [end]:
        state = evaluate(targets, calendar, events, moment)
        current = keys(state)
        assert previous <= current or bounced
        assert all(a.at <= moment for a in state.alerts)
        assert state.next_due_at is None or state.next_due_at > moment
        seen |= current
        previous = current
    final = keys(evaluate(targets, calendar, events, end))
    assert final <= seen
    assert final == seen or bounced


@settings(max_examples=150, deadline=None)
@given(targets, operations, st.booleans())
def test_ticking_at_each_next_due_moment_finds_every_alert_exactly_at_its_moment(
    targets, ops, business
):
    """A scheduler that wakes at each reported next_due_at (and after each event) sees each
    alert at the moment it falls due, never later."""
    events = history(ops)
    calendar = WARSAW_TEAM if business else None
    end = (events[-1].at if events else T0) + timedelta(days=14)
    wakeups = sorted({e.at for e in events})
    found: dict[str, datetime] = {}
    moment = T0
    while True:
        state = evaluate(targets, calendar, events, moment)
        for alert in state.alerts:
            found.setdefault(alert.key, moment)
        later = [w for w in wakeups if w > moment]
        candidates = [*later[:1], *([state.next_due_at] if state.next_due_at else [])]
        if not candidates or min(candidates) > end:
            break
        moment = min(candidates)
    final = evaluate(targets, calendar, events, end)
    for alert in final.alerts:
        if alert.at <= moment:
            # Seen at its own moment, or at the event that made it due retroactively (a
            # bounce voiding an answer).
            assert found[alert.key] >= alert.at
            if not any(e.kind == "delivery.bounced" for e in events):
                assert found[alert.key] == alert.at


@settings(max_examples=100, deadline=None)
@given(targets, operations)
def test_acknowledgements_and_notes_never_count_as_answers(targets, ops):
    events = history(ops)
    only_people = [
        e
        for e in events
        if e.data.get("sender") != "system" and e.data.get("message_kind") != "note"
    ]
    with_noise = evaluate(targets, None, events, T0 + timedelta(days=60))
    without = evaluate(targets, None, only_people, T0 + timedelta(days=60))
    assert with_noise == without


# --- answer-and-solve: a reply sent with a solve is met by its delivery -----------------

FIRST_REPLY = timedelta(hours=1)


def answered_and_solved(answered, delivered, outcome, *, legacy):
    """The customer writes at T0; after `answered` minutes the agent replies with status
    solved (reply() writes message.outbound_queued, then status.changed with data.reply;
    events from before that change lack data.reply); `delivered` minutes later the
    channel records `outcome`."""
    sent, done = T0 + timedelta(minutes=answered), T0 + timedelta(minutes=answered + delivered)
    change = {"field": "status", "from": "new", "to": "solved"}
    if not legacy:
        change["reply"] = 7
    events = [
        ClockEvent("message.received", T0, {"message": 1}),
        ClockEvent("message.outbound_queued", sent, {"message": 7, "automatic": False}),
        ClockEvent("status.changed", sent, change),
        ClockEvent(f"delivery.{outcome}", done, {"message": 7, "sender": "agent"})
        if outcome != "sent"
        else ClockEvent(
            "delivery.sent", done, {"message": 7, "sender": "agent", "message_kind": "outbound"}
        ),
    ]
    return events, done


@given(
    answered=st.integers(min_value=0, max_value=120),
    delivered=st.integers(min_value=0, max_value=120),
    later=st.integers(min_value=0, max_value=3 * 24 * 60),
    legacy=st.booleans(),
)
def test_a_delivered_reply_sent_with_a_solve_ends_the_first_reply_at_its_delivery(
    answered, delivered, later, legacy
):
    events, done = answered_and_solved(answered, delivered, "sent", legacy=legacy)
    now = done + timedelta(minutes=later)
    state = evaluate(Targets(first_reply=FIRST_REPLY), None, events, now)

    [cycle] = [c for c in state.cycles if c.target == "first_reply"]
    assert state.first_reply_at == done
    # Counted to the delivery, like any answer: never cancelled by the solve it came with.
    if done - T0 <= FIRST_REPLY:
        assert (cycle.outcome, cycle.ended_at) == ("met", done)
    else:
        assert (cycle.outcome, cycle.ended_at) == ("breached", T0 + FIRST_REPLY)
    assert state.stopped and state.next_due_at is None


@given(
    answered=st.integers(min_value=0, max_value=59),
    delivered=st.integers(min_value=0, max_value=120),
    later=st.integers(min_value=0, max_value=3 * 24 * 60),
    outcome=st.sampled_from(["failed", "bounced"]),
    legacy=st.booleans(),
)
def test_a_reply_sent_with_a_solve_that_never_arrives_stays_owed_until_it_is_breached(
    answered, delivered, later, outcome, legacy
):
    events, done = answered_and_solved(answered, delivered, outcome, legacy=legacy)
    now = done + timedelta(minutes=later)
    state = evaluate(
        Targets(first_reply=FIRST_REPLY, resolution=FIRST_REPLY * 4), None, events, now
    )

    [cycle] = [c for c in state.cycles if c.target == "first_reply"]
    due = T0 + FIRST_REPLY
    assert state.first_reply_at is None
    assert cycle.outcome != "met" and cycle.outcome != "cancelled"
    if now >= due:
        assert (cycle.outcome, cycle.ended_at) == ("breached", due)
        assert any(a.kind == "breach" and a.target == "first_reply" for a in state.alerts)
    else:
        assert cycle.outcome is None
        assert state.next_due_at is not None and state.next_due_at <= due
    # Resolution follows the solve, which still happened.
    [resolution] = [c for c in state.cycles if c.target == "resolution"]
    assert (resolution.outcome, resolution.ended_at) == ("met", T0 + timedelta(minutes=answered))


@given(gap=st.integers(min_value=2, max_value=600), answered=st.integers(min_value=0, max_value=49))
def test_a_solve_on_its_own_still_cancels_the_reply_it_did_not_give(gap, answered):
    """A later solve without a reply (a separate change, not the reply's status) ends the
    first reply without it being met, as before; a reply already queued long before is not
    the answer it was made with."""
    sent = T0 + timedelta(minutes=answered)
    solved = sent + timedelta(seconds=gap)
    events = [
        ClockEvent("message.received", T0, {"message": 1}),
        ClockEvent("message.outbound_queued", sent, {"message": 7, "automatic": False}),
        ClockEvent("status.changed", solved, {"field": "status", "from": "new", "to": "solved"}),
    ]
    state = evaluate(Targets(first_reply=FIRST_REPLY), None, events, solved + FIRST_REPLY * 2)

    [cycle] = [c for c in state.cycles if c.target == "first_reply"]
    assert (cycle.outcome, cycle.ended_at) == ("cancelled", solved)
