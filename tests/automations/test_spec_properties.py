"""The pure parts, property-tested: a parsed rule's JSON parses to the same rule; a
condition and its negation never both hold; a chain never repeats a rule nor grows past
its limit."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from klient.automations import chains, spec

EVENTS = ("conversation.created", "message.received", "status.changed")
CHOICES = spec.Choices(
    events=EVENTS,
    statuses=("new", "open", "pending", "on_hold", "solved", "closed"),
    priorities=("low", "normal", "high", "urgent"),
    channels=("email", "web", "chat", "phone"),
    actions=("add_tag", "set_status"),
)
tag = st.sampled_from(["vip", "refund", "stale", "parts"])
facts = st.builds(
    spec.Facts,
    team=st.integers(1, 3),
    channel=st.sampled_from(CHOICES.channels),
    status=st.sampled_from(CHOICES.statuses),
    priority=st.sampled_from(CHOICES.priorities),
    language=st.sampled_from(["", "en", "pl"]),
    organisation=st.one_of(st.none(), st.integers(1, 3)),
    tags=st.frozensets(tag),
)
NEGATION = {"is": "is_not", "in": "not_in", "contains": "not_contains", "is_empty": "is_not_empty"}
condition = st.one_of(
    st.builds(
        lambda op, v: {"field": "status", "op": op, "value": v},
        st.sampled_from(["is", "is_not"]),
        st.sampled_from(CHOICES.statuses),
    ),
    st.builds(
        lambda op, v: {"field": "team", "op": op, "value": v},
        st.sampled_from(["in", "not_in"]),
        st.lists(st.integers(1, 3), min_size=1, max_size=3),
    ),
    st.builds(
        lambda op, v: {"field": "tags", "op": op, "value": v},
        st.sampled_from(["contains", "not_contains"]),
        tag,
    ),
    st.builds(
        lambda op: {"field": "organisation", "op": op},
        st.sampled_from(["is_empty", "is_not_empty"]),
    ),
)
when = st.one_of(
    st.builds(lambda e: {"event": e}, st.sampled_from(EVENTS)),
    st.builds(
        lambda m, b, s: {"after": {"minutes": m, "business": b, "since": s}},
        st.integers(1, spec.MAX_MINUTES),
        st.booleans(),
        st.sampled_from(["created", *(f"status:{s}" for s in CHOICES.statuses)]),
    ),
)
body = st.fixed_dictionaries(
    {
        "name": st.text(min_size=1, max_size=40).filter(lambda t: t.strip()),
        "when": when,
        "if": st.lists(condition, max_size=5),
        "then": st.lists(
            st.builds(lambda v: {"action": "add_tag", "value": v}, tag), min_size=1, max_size=3
        ),
        "active": st.booleans(),
    }
)


@settings(deadline=None)  # a shared machine: no timed assertions
@given(body)
def test_a_rule_parses_back_from_its_json(raw):
    rule = spec.parse(raw, CHOICES)
    assert spec.parse(rule.as_json(), CHOICES) == rule


@settings(deadline=None)  # a shared machine: no timed assertions
@given(condition, facts)
def test_a_condition_and_its_negation_never_both_hold(raw, seen):
    opposite = {v: k for k, v in NEGATION.items()}
    negated = {**raw, "op": NEGATION.get(raw["op"]) or opposite[raw["op"]]}
    one = spec.parse_condition(raw, 0, CHOICES)
    other = spec.parse_condition(negated, 0, CHOICES)
    assert spec.holds(one, seen) != spec.holds(other, seen)


@settings(deadline=None)  # a shared machine: no timed assertions
@given(st.lists(st.integers(1, 6), max_size=10))
def test_a_chain_never_repeats_a_rule_nor_grows_past_its_limit(rules):
    parent = None
    for rule in rules:
        cause, allowed = chains.next_cause(parent, rule)
        if not allowed:
            break
        assert len(set(cause.chain)) == len(cause.chain) <= chains.MAX_DEPTH
        assert cause.depth == len(cause.chain)
        assert chains.parent_of({"automation": cause.as_json()}) == cause
        parent = cause
