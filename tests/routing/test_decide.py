"""The routing decision on named desks: the owner first, their substitutes while they are
away (A -> B -> C), the team when the chain loops or ends, rules and strategies."""

from __future__ import annotations

from klient.routing.decide import (
    NOBODY,
    OWNER,
    OWNER_AWAY_LOOP,
    OWNER_AWAY_NO_SUBSTITUTE,
    OWNER_AWAY_SUBSTITUTE,
    OWNER_AWAY_SUBSTITUTE_TEAM,
    OWNER_UNAVAILABLE,
    ROUND_ROBIN,
    RULE,
    TEAM,
    AgentState,
    Rule,
    Snapshot,
    Work,
    decide,
)

BANK, LOANS = 1, 2
ANNA, PIOTR, EWA, MAREK = 10, 20, 30, 40


def desk(**changes):
    agents = {
        ANNA: AgentState(ANNA, teams=frozenset({BANK})),
        PIOTR: AgentState(PIOTR, teams=frozenset({BANK}), load=1.0),
        EWA: AgentState(EWA, teams=frozenset({BANK}), load=0.5),
        MAREK: AgentState(MAREK, teams=frozenset({LOANS}), skills=frozenset({"mortgage"})),
    }
    for aid, fields in changes.items():
        agent = agents[{"anna": ANNA, "piotr": PIOTR, "ewa": EWA, "marek": MAREK}[aid]]
        agents[agent.id] = AgentState(
            **{**{n: getattr(agent, n) for n in AgentState.__slots__}, **fields}
        )
    return Snapshot(agents)


def test_the_owner_gets_their_customers_new_conversation():
    decision = decide(Work(team=BANK, owner=ANNA), desk())

    assert (decision.agent, decision.reason) == (ANNA, OWNER)


def test_an_away_owner_hands_it_to_their_substitute():
    snapshot = desk(anna={"absent": True, "substitute_agent": PIOTR})

    decision = decide(Work(team=BANK, owner=ANNA), snapshot)

    assert (decision.agent, decision.reason, decision.covering) == (
        PIOTR,
        OWNER_AWAY_SUBSTITUTE,
        ANNA,
    )


def test_a_substitute_away_too_hands_it_on_a_to_b_to_c():
    snapshot = desk(
        anna={"absent": True, "substitute_agent": PIOTR},
        piotr={"absent": True, "substitute_agent": EWA},
    )

    decision = decide(Work(team=BANK, owner=ANNA), snapshot)

    assert (decision.agent, decision.chain, decision.covering) == (EWA, (ANNA, PIOTR, EWA), ANNA)


def test_a_loop_of_substitutes_falls_back_to_the_team():
    snapshot = desk(
        anna={"absent": True, "substitute_agent": PIOTR},
        piotr={"absent": True, "substitute_agent": ANNA},
    )

    decision = decide(Work(team=BANK, owner=ANNA), snapshot)

    assert (decision.agent, decision.reason) == (EWA, OWNER_AWAY_LOOP)


def test_no_substitute_falls_back_to_the_team_least_loaded_first():
    decision = decide(Work(team=BANK, owner=ANNA), desk(anna={"absent": True}))

    assert (decision.agent, decision.reason, decision.candidates) == (
        EWA,
        OWNER_AWAY_NO_SUBSTITUTE,
        (EWA, PIOTR),
    )


def test_a_substitute_team_takes_it_from_its_own_members():
    snapshot = desk(anna={"absent": True, "substitute_team": LOANS})

    decision = decide(Work(team=BANK, owner=ANNA), snapshot)

    assert (decision.agent, decision.reason) == (MAREK, OWNER_AWAY_SUBSTITUTE_TEAM)


def test_an_owner_offline_for_chat_is_skipped_but_still_gets_email():
    snapshot = desk(anna={"connected": False})

    chat = decide(Work(team=BANK, channel="chat", owner=ANNA), snapshot)
    email = decide(Work(team=BANK, channel="email", owner=ANNA), snapshot)

    assert (chat.agent, chat.reason) == (EWA, OWNER_UNAVAILABLE)
    assert (email.agent, email.reason) == (ANNA, OWNER)


def test_out_of_hours_or_full_agents_get_nothing_and_the_work_waits():
    snapshot = desk(anna={"in_hours": False}, piotr={"capacity": 1.0}, ewa={"status": "offline"})

    decision = decide(Work(team=BANK, channel="email"), snapshot)

    assert (decision.agent, decision.reason, decision.candidates) == (None, NOBODY, ())


def test_a_third_chat_fits_a_capacity_of_three_chats_and_a_fourth_does_not():
    snapshot = desk(anna={"capacity": 1.02, "load": 0.68})

    assert decide(Work(team=LOANS + 5, channel="chat", owner=ANNA), snapshot).agent == ANNA
    full = desk(anna={"capacity": 1.02, "load": 1.02})
    assert decide(Work(team=LOANS + 5, channel="chat", owner=ANNA), full).agent is None


def test_the_first_matching_rule_picks_the_pool_and_strategy():
    rules = [
        Rule(1, tags=frozenset({"mortgage"}), pick_skill="mortgage"),
        Rule(2, teams=frozenset({BANK}), strategy=ROUND_ROBIN),
    ]
    snapshot = Snapshot(desk().agents, cursors={"rule:2": ANNA})

    mortgage = decide(Work(team=BANK, tags=frozenset({"mortgage"})), snapshot, rules)
    other = decide(Work(team=BANK), snapshot, rules)

    assert (mortgage.agent, mortgage.reason, mortgage.rule) == (MAREK, RULE, 1)
    assert (other.agent, other.candidates, other.pool) == (PIOTR, (PIOTR, EWA, ANNA), "rule:2")
    assert decide(Work(team=LOANS), snapshot, rules).reason == TEAM


def test_the_cover_notice_in_each_language_names_the_day_in_the_customers_zone():
    from datetime import UTC, datetime

    from klient.routing.texts import cover_notice

    until = datetime(2026, 3, 12, 8, 0, tzinfo=UTC)  # 09:00 in Warsaw and Paris

    def said(language, zone="Europe/Warsaw"):
        return cover_notice(
            owner="Anna Kowalska",
            substitute="Piotr Nowak",
            until=until,
            language=language,
            time_zone=zone,
        )

    assert said("en") == (
        "Anna Kowalska is away until Thursday 12 March, 09:00. "
        "Piotr Nowak is looking after your request meanwhile."
    )
    assert said("fr", "Europe/Paris").startswith(
        "Anna Kowalska n’est pas disponible jusqu’au jeudi 12 mars, 09:00."
    )
    assert said("pl").startswith("Anna Kowalska jest poza biurem do 12 marca (czwartek), 09:00.")
    assert said("de").startswith(
        "Anna Kowalska ist bis Donnerstag, 12. März, 09:00 Uhr nicht im Haus."
    )
    assert said("uk", "Europe/Kyiv").startswith(
        "Anna Kowalska не працює до 12 березня (четвер), 10:00."
    )
    assert said("xx", "America/New_York").startswith(
        "Anna Kowalska is away until Thursday 12 March, 04:00."
    )
