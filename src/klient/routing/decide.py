"""Who gets a piece of work: a pure function of the work, a snapshot of the agents and the
routing rules (no Django, no clock: the snapshot was taken at one moment).

The order of preference:
1. Owner first: the customer's personal owner (theirs, else their organisation's) when
   they can take it. An owner who is away hands it to their substitute, transitively (the
   substitute's substitute while they are away too); a substitute team, a dead end (no
   substitute) or a loop in the chain sends it to a team's pool instead. An owner who is
   merely offline, out of hours or full is skipped for now: the pool takes it.
2. The first rule that matches the work picks a pool (a team, the agents with a skill or
   a language) and a strategy; no rule: the conversation's team, least-load.
3. Nobody able to take it: no agent (the work waits in the queue).

"Able to take it" (can_take): active, not absent, inside their working hours, not
"offline" by choice, with room for the work's weight in their capacity; for real-time
work (chat, phone, callbacks) also "online" with a live workspace connection."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

REAL_TIME = frozenset({"chat", "phone", "callback"})
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "phone": 1.0,
    "callback": 1.0,
    "chat": 0.34,
    "email": 0.1,
    "web": 0.1,
}
OWNER_FIRST, ROUND_ROBIN, LEAST_LOAD = "owner_first", "round_robin", "least_load"
STRATEGIES = (OWNER_FIRST, ROUND_ROBIN, LEAST_LOAD)
EPSILON = 1e-9  # three chats (0.34 each) fit a capacity of 1.02 despite float sums


# Reasons: codes that routing.texts words for the agent, in their language.
OWNER = "owner"
OWNER_AWAY_SUBSTITUTE = "owner_away_substitute"
OWNER_AWAY_SUBSTITUTE_TEAM = "owner_away_substitute_team"
OWNER_AWAY_NO_SUBSTITUTE = "owner_away_no_substitute"
OWNER_AWAY_LOOP = "owner_away_loop"
OWNER_UNAVAILABLE = "owner_unavailable"
RULE = "rule"
TEAM = "team"
NOBODY = "nobody"


@dataclass(frozen=True, slots=True)
class AgentState:
    """One agent at the snapshot's moment."""

    id: int
    teams: frozenset[int] = frozenset()
    status: str = "online"  # their choice: online, away, offline
    connected: bool = True  # a workspace heartbeat within the presence timeout
    in_hours: bool = True
    active: bool = True
    absent: bool = False
    substitute_agent: int | None = None  # of the absence covering now
    substitute_team: int | None = None
    skills: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    load: float = 0.0  # open work awaiting them, weighted by channel
    capacity: float = 3.0


@dataclass(frozen=True, slots=True)
class Work:
    """What is to be assigned: a conversation (or a callback) and what rules match on."""

    team: int
    channel: str = "email"
    language: str = ""
    owner: int | None = None
    organisation: int | None = None
    tier: str = ""
    tags: frozenset[str] = frozenset()
    skills: frozenset[str] = frozenset()  # what it needs
    # Agents it was offered to who did not take it in time (real-time work moves on).
    passed_over: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Rule:
    """Matches when every condition given matches (empty: any); picks a pool and a
    strategy. Rules are tried in order."""

    id: int
    teams: frozenset[int] = frozenset()
    channels: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    organisations: frozenset[int] = frozenset()
    tiers: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()  # all of them
    skills: frozenset[str] = frozenset()  # all of them, needed by the work
    pick_team: int | None = None  # None: the work's team
    pick_skill: str = ""
    pick_language: str = ""
    strategy: str = LEAST_LOAD

    def matches(self, work: Work) -> bool:
        return (
            (not self.teams or work.team in self.teams)
            and (not self.channels or work.channel in self.channels)
            and (not self.languages or work.language in self.languages)
            and (not self.organisations or work.organisation in self.organisations)
            and (not self.tiers or work.tier in self.tiers)
            and self.tags <= work.tags
            and self.skills <= work.skills
        )


@dataclass(frozen=True)
class Snapshot:
    agents: Mapping[int, AgentState]
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    # The agent each pool last gave round-robin work to (pool key -> agent id).
    cursors: Mapping[str, int] = field(default_factory=dict)
    _members: dict[int, tuple[int, ...]] = field(default_factory=dict, repr=False)

    def members(self, team: int) -> tuple[int, ...]:
        """The team's agents in id order (computed once per snapshot)."""
        if not self._members:
            by_team: dict[int, list[int]] = {}
            for agent in sorted(self.agents.values(), key=lambda a: a.id):
                for t in agent.teams:
                    by_team.setdefault(t, []).append(agent.id)
            self._members.update({t: tuple(ids) for t, ids in by_team.items()})
            self._members.setdefault(-1, ())  # computed, even with no team at all
        return self._members.get(team, ())

    def weight(self, channel: str) -> float:
        return float(self.weights.get(channel, DEFAULT_WEIGHTS.get(channel, 1.0)))


@dataclass(frozen=True, slots=True)
class Decision:
    agent: int | None
    reason: str
    candidates: tuple[int, ...] = ()  # who could have taken it, best first
    rule: int | None = None
    covering: int | None = None  # the away owner the agent covers for
    chain: tuple[int, ...] = ()  # owner, substitute, substitute's substitute...
    pool: str = ""  # the round-robin cursor's key


def can_take(agent: AgentState, work: Work, snapshot: Snapshot) -> bool:
    if not agent.active or agent.absent or not agent.in_hours or agent.status == "offline":
        return False
    if agent.id in work.passed_over:
        return False
    if work.channel in REAL_TIME and (agent.status != "online" or not agent.connected):
        return False
    return agent.load + snapshot.weight(work.channel) <= agent.capacity + EPSILON


def substitute_chain(owner: int, snapshot: Snapshot) -> tuple[tuple[int, ...], str]:
    """The owner and who covers for them, in order, and how the chain ends: "agent" (its
    last agent is not away), "team" (an away agent's substitute is a team), "none" (an away
    agent has no substitute, or is unknown) or "loop" (it comes back to someone in it)."""
    chain = [owner]
    seen = {owner}
    current = snapshot.agents.get(owner)
    while current is not None and current.absent:
        nxt = current.substitute_agent
        if nxt is None:
            return tuple(chain), "team" if current.substitute_team is not None else "none"
        if nxt in seen:
            return tuple(chain), "loop"
        chain.append(nxt)
        seen.add(nxt)
        current = snapshot.agents.get(nxt)
    return tuple(chain), "agent" if current is not None else "none"


def decide(work: Work, snapshot: Snapshot, rules: Sequence[Rule] = ()) -> Decision:
    covering: int | None = None
    chain: tuple[int, ...] = ()
    fallback_team = work.team
    reason_if_pool = ""
    if work.owner is not None:
        chain, end = substitute_chain(work.owner, snapshot)
        last = snapshot.agents.get(chain[-1])
        if len(chain) == 1 and end == "agent":
            assert last is not None
            if can_take(last, work, snapshot):
                return Decision(last.id, OWNER, (last.id,), chain=chain)
            reason_if_pool = OWNER_UNAVAILABLE
        else:
            covering = work.owner
            if end == "agent" and last is not None and can_take(last, work, snapshot):
                return Decision(
                    last.id, OWNER_AWAY_SUBSTITUTE, (last.id,), covering=covering, chain=chain
                )
            if end == "team":
                away = snapshot.agents[chain[-1]]
                fallback_team = away.substitute_team  # type: ignore[assignment]
                reason_if_pool = OWNER_AWAY_SUBSTITUTE_TEAM
            elif end == "loop":
                reason_if_pool = OWNER_AWAY_LOOP
            elif end == "none":
                reason_if_pool = OWNER_AWAY_NO_SUBSTITUTE
            else:  # the substitute is there but cannot take it now
                reason_if_pool = OWNER_UNAVAILABLE
    # A substitute team overrides the rules: the absence named who covers.
    rule = None
    if reason_if_pool != OWNER_AWAY_SUBSTITUTE_TEAM:
        rule = next((r for r in rules if r.matches(work)), None)
    if rule is not None:
        pool, key = _rule_pool(rule, work, snapshot)
        strategy = rule.strategy
    else:
        pool, key, strategy = snapshot.members(fallback_team), f"team:{fallback_team}", LEAST_LOAD
    able = [
        agent
        for aid in pool
        if (agent := snapshot.agents.get(aid)) and can_take(agent, work, snapshot)
    ]
    ranked = _rank(able, strategy, snapshot.cursors.get(key))
    reason = reason_if_pool or (RULE if rule is not None else TEAM)
    chosen = ranked[0] if ranked else None
    return Decision(
        chosen,
        reason if chosen is not None else NOBODY,
        tuple(ranked),
        rule=rule.id if rule is not None else None,
        covering=covering,
        chain=chain,
        pool=key,
    )


def _rule_pool(rule: Rule, work: Work, snapshot: Snapshot) -> tuple[Sequence[int], str]:
    team = rule.pick_team if rule.pick_team is not None else work.team
    members: Sequence[int] = snapshot.members(team)
    if rule.pick_skill or rule.pick_language:
        # A skill or language pool spans the whole desk, not one team.
        members = sorted(snapshot.agents) if rule.pick_team is None else members
        members = [
            aid
            for aid in members
            if (not rule.pick_skill or rule.pick_skill in snapshot.agents[aid].skills)
            and (not rule.pick_language or rule.pick_language in snapshot.agents[aid].languages)
        ]
    return members, f"rule:{rule.id}"


def _rank(able: list[AgentState], strategy: str, cursor: int | None) -> list[int]:
    if strategy == ROUND_ROBIN:
        ids = sorted(a.id for a in able)
        after = [i for i in ids if cursor is not None and i > cursor]
        return after + [i for i in ids if i not in after]
    # least-load (and owner-first's pool): the most free capacity, relative to capacity.
    return [
        a.id
        for a in sorted(
            able, key=lambda a: (a.load / a.capacity if a.capacity else 1.0, a.load, a.id)
        )
    ]
