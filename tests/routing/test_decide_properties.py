"""The routing decision's promises, over random desks: random agents (teams, status,
connection, hours, absences with substitutes, loads, capacities), random work and rules.

- while an agent who can take the work exists in its pool, it is not left unassigned;
- automatic assignment never takes an agent past their capacity;
- an absent, offline or out-of-hours agent never gets new real-time work;
- substitute chains end, and never visit an agent twice."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from klient.routing.decide import (
    DEFAULT_WEIGHTS,
    LEAST_LOAD,
    NOBODY,
    REAL_TIME,
    ROUND_ROBIN,
    AgentState,
    Rule,
    Snapshot,
    Work,
    can_take,
    decide,
    substitute_chain,
)

TEAMS = (1, 2, 3)
CHANNELS = ("email", "web", "chat", "phone", "callback")


@st.composite
def desks(draw):
    count = draw(st.integers(1, 12))
    ids = list(range(1, count + 1))
    agents = {}
    for aid in ids:
        absent = draw(st.booleans())
        agents[aid] = AgentState(
            id=aid,
            teams=frozenset(draw(st.sets(st.sampled_from(TEAMS), max_size=2))),
            status=draw(st.sampled_from(["online", "away", "offline"])),
            connected=draw(st.booleans()),
            in_hours=draw(st.booleans()),
            active=draw(st.booleans()) or draw(st.booleans()),
            absent=absent,
            substitute_agent=draw(st.none() | st.sampled_from(ids)) if absent else None,
            substitute_team=draw(st.none() | st.sampled_from(TEAMS)) if absent else None,
            skills=frozenset(draw(st.sets(st.sampled_from(["loans", "cards"]), max_size=2))),
            languages=frozenset(draw(st.sets(st.sampled_from(["pl", "fr", "en"]), max_size=2))),
            load=draw(st.floats(0, 4, allow_nan=False)),
            capacity=draw(st.floats(0, 4, allow_nan=False)),
        )
    # An absence's substitute is another agent (people.Absence's constraint).
    agents = {
        aid: a
        if a.substitute_agent != aid
        else AgentState(**{**_fields(a), "substitute_agent": None})
        for aid, a in agents.items()
    }
    return Snapshot(agents, cursors={"team:1": draw(st.sampled_from(ids))})


def _fields(agent):
    return {name: getattr(agent, name) for name in AgentState.__slots__}


works = st.builds(
    Work,
    team=st.sampled_from(TEAMS),
    channel=st.sampled_from(CHANNELS),
    language=st.sampled_from(["", "pl", "fr"]),
    owner=st.none() | st.integers(1, 14),
    tags=st.frozensets(st.sampled_from(["vip", "fraud"]), max_size=2),
)
rule_lists = st.lists(
    st.builds(
        Rule,
        id=st.integers(1, 1000),
        channels=st.frozensets(st.sampled_from(CHANNELS), max_size=2),
        tags=st.frozensets(st.sampled_from(["vip", "fraud"]), max_size=1),
        pick_team=st.none() | st.sampled_from(TEAMS),
        pick_skill=st.sampled_from(["", "loans"]),
        pick_language=st.sampled_from(["", "pl"]),
        strategy=st.sampled_from([LEAST_LOAD, ROUND_ROBIN]),
    ),
    max_size=4,
)


@settings(max_examples=150, deadline=None)
@given(desks(), works, rule_lists)
def test_whoever_is_chosen_can_take_it(snapshot, work, rules):
    decision = decide(work, snapshot, rules)

    if decision.agent is not None:
        agent = snapshot.agents[decision.agent]
        assert can_take(agent, work, snapshot)
        assert agent.load + snapshot.weight(work.channel) <= agent.capacity + 1e-9
        assert agent.active and not agent.absent and agent.in_hours
        if work.channel in REAL_TIME:
            assert agent.status == "online" and agent.connected
    for candidate in decision.candidates:
        assert can_take(snapshot.agents[candidate], work, snapshot)


@settings(max_examples=150, deadline=None)
@given(desks(), works)
def test_nothing_waits_while_a_team_member_can_take_it(snapshot, work):
    """Without rules the pool is the conversation's team (or the substitute team)."""
    decision = decide(work, snapshot)
    pool_team = work.team
    if work.owner is not None:
        chain, end = substitute_chain(work.owner, snapshot)
        if end == "team":
            pool_team = snapshot.agents[chain[-1]].substitute_team
    able = [
        aid for aid in snapshot.members(pool_team) if can_take(snapshot.agents[aid], work, snapshot)
    ]

    if able:
        assert decision.agent is not None
    if decision.agent is None:
        assert decision.reason == NOBODY and not able


@settings(max_examples=80, deadline=None)
@given(desks(), st.lists(works, min_size=1, max_size=30), rule_lists)
def test_assigning_one_after_another_never_exceeds_a_capacity(snapshot, work_items, rules):
    agents = dict(snapshot.agents)
    for work in work_items:
        current = Snapshot(agents, weights=snapshot.weights)
        decision = decide(work, current, rules)
        if decision.agent is not None:
            agent = agents[decision.agent]
            agents[agent.id] = AgentState(
                **{**_fields(agent), "load": agent.load + DEFAULT_WEIGHTS[work.channel]}
            )
    for aid, agent in agents.items():
        if agent.load != snapshot.agents[aid].load:
            assert agent.load <= agent.capacity + 1e-6


@settings(max_examples=150, deadline=None)
@given(desks(), st.integers(1, 14))
def test_a_substitute_chain_ends_and_never_visits_anyone_twice(snapshot, owner):
    chain, end = substitute_chain(owner, snapshot)

    assert chain[0] == owner
    assert len(chain) == len(set(chain))
    assert end in {"agent", "team", "none", "loop"}
    for earlier, later in itertools.pairwise(chain):
        assert snapshot.agents[earlier].absent
        assert snapshot.agents[earlier].substitute_agent == later
