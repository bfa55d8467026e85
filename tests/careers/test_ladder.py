"""The career queries on a small ladder whose answers are worked out by hand.

See ``careers_helpers`` for the ladder and every step's gap; the arithmetic behind each
expected value is written next to it.
"""

from __future__ import annotations

import copy
from typing import Any

import networkx as nx
import numpy as np
import pytest
from careers_helpers import DAY, LADDER, ladder_model, ladder_workforce

from competency_core.careers import (
    CareerGraph,
    PersonProfile,
    SuggestionSettings,
    bench_strength,
    best_paths,
    development_for_path,
    development_plan,
    next_steps,
    roles_at_risk,
    succession,
    suggest_transitions,
)
from competency_core.careers.health import graph_health
from competency_core.errors import CompetencyError, UnknownKeyError
from competency_core.model import CompetencyModel
from competency_core.people import Assessment, Person, Workforce
from competency_core.roles import TransitionKind


@pytest.fixture(scope="module")
def cg() -> CareerGraph:
    return CareerGraph.from_model(ladder_model())


def _person(cg: CareerGraph, key: str) -> PersonProfile:
    return PersonProfile.from_workforce(cg, ladder_workforce(), key, on=DAY)


# -- the graph ---------------------------------------------------------------------------


def test_graph_has_the_declared_transitions_typed(cg: CareerGraph) -> None:
    assert cg.graph.number_of_nodes() == 7
    assert cg.graph.number_of_edges() == 8
    t = cg.transition("mid", "lead")
    assert (t.kind, t.typical_months, t.suggested, t.similarity) == (
        TransitionKind.TRACK_SWITCH,
        18,
        False,
        None,
    )
    assert cg.transition("senior", "lead").typical_months is None
    assert not any(t.suggested for t in cg.transitions())
    with pytest.raises(UnknownKeyError):
        cg.transition("manager", "junior")


def test_step_costs_by_hand(cg: CareerGraph) -> None:
    # mid -> senior: a (w2) .75 - .5 = .25, b 0, c .5 - 0 = .5 -> (2 * .25 + .5) / 4 = .25
    # mid -> lead: d .75 - 0 -> .75 / 2 = .375;  mid -> manager: d 1.0, b 0 -> 1 / 2 = .5
    # lead -> manager: b .5 (lead does not require b), d .25 -> .75 / 2 = .375
    expected = {
        ("junior", "mid"): 0.25,
        ("mid", "senior"): 0.25,
        ("mid", "lead"): 0.375,
        ("mid", "manager"): 0.5,
        ("senior", "principal"): 0.25,
        ("senior", "lead"): 0.375,
        ("lead", "manager"): 0.375,
    }
    for (u, v), gap in expected.items():
        assert cg.step_cost(u, v) == pytest.approx(gap), (u, v)
    assert cg.step_cost("mid", "specialist") is None  # not rated: no made-up cost
    assert cg.is_rated("mid")
    assert not cg.is_rated("specialist")


def test_the_networkx_graph_is_frozen_and_a_copy_can_be_changed() -> None:
    cg = CareerGraph.from_model(ladder_model())
    with pytest.raises(nx.NetworkXError, match="Frozen graph"):
        cg.graph.add_edge("junior", "manager", kind=TransitionKind.PROMOTION)
    assert cg.edge_count_unchanged()
    g = nx.DiGraph(cg.graph)
    g.add_edge("junior", "manager", kind=TransitionKind.PROMOTION)
    changed = CareerGraph(cg.model, g)
    # junior holds b .25: manager asks b .5 and d 1.0 -> (.25 + 1.0) / 2
    assert changed.step_cost("junior", "manager") == pytest.approx(0.625)
    assert "manager" in {s.role for s in next_steps(changed, "junior", max_steps=1).steps}
    # a graph unfrozen behind the wrapper's back is refused
    cg.graph.frozen = False  # type: ignore[attr-defined]
    with pytest.raises(CompetencyError, match="changed after the CareerGraph was built"):
        next_steps(cg, "junior")


def _without(*pairs: tuple[str, str]) -> CompetencyModel:
    data: dict[str, Any] = copy.deepcopy(LADDER)
    data["transitions"] = [
        t for t in data["transitions"] if (t["source"], t["target"]) not in pairs
    ]
    return CompetencyModel.model_validate(data)


def test_suggested_transitions_by_hand_and_kept_apart() -> None:
    model = _without(("mid", "senior"), ("senior", "principal"))
    # weighted Jaccard sum(min) / sum(max) of normalised required levels:
    # mid (a .5, b .5) vs senior (a .75, b .5, c .5): (.5 + .5) / (.75 + .5 + .5) = 4/7
    # senior vs principal (a 1, c .75): (.75 + .5) / (1 + .5 + .75) = 5/9
    # junior -> mid is 0.5 but declared; principal -> senior would be a step down.
    found = suggest_transitions(model, SuggestionSettings(threshold=0.5))
    assert {(t.source, t.target): t.similarity for t in found} == {
        ("mid", "senior"): pytest.approx(4 / 7, abs=1e-6),
        ("senior", "principal"): pytest.approx(5 / 9, abs=1e-6),
    }
    assert all(t.suggested and t.kind is TransitionKind.RELATED for t in found)
    assert suggest_transitions(model, SuggestionSettings(threshold=0.6)) == []

    cg = CareerGraph.from_model(model, suggest=SuggestionSettings(threshold=0.5))
    assert len(list(cg.transitions(suggested=False))) == 6
    assert {(t.source, t.target) for t in cg.transitions(suggested=True)} == {
        ("mid", "senior"),
        ("senior", "principal"),
    }
    assert set(cg.declared().edges) == set(_graph_edges(model))
    # the queries leave suggested transitions out unless asked
    assert "principal" not in {s.role for s in next_steps(cg, "mid", max_steps=3).steps}
    with_suggested = next_steps(cg, "mid", max_steps=3, include_suggested=True)
    principal = next(s for s in with_suggested.steps if s.role == "principal")
    assert principal.via == ("mid", "senior", "principal")
    assert principal.suggested
    assert best_paths(cg, "mid", "principal").status == "no path"
    found_path = best_paths(cg, "mid", "principal", include_suggested=True).paths[0]
    assert [s.suggested for s in found_path.steps] == [True, True]


def _graph_edges(model: CompetencyModel) -> list[tuple[str, str]]:
    return [(t.source, t.target) for t in model.transitions]


def test_suggestions_never_replace_a_declared_transition() -> None:
    model = ladder_model()
    cg = CareerGraph.from_model(model, suggest=SuggestionSettings(threshold=0.05, per_role=10))
    declared = set(_graph_edges(model))
    for t in cg.transitions(suggested=True):
        assert (t.source, t.target) not in declared
        lv = (model.role(t.source).level, model.role(t.target).level)
        assert lv[1] >= lv[0]  # never a step down
    for u, v in declared:
        assert not cg.transition(u, v).suggested


def test_suggestion_settings_are_checked() -> None:
    with pytest.raises(CompetencyError, match="threshold"):
        SuggestionSettings(threshold=0)
    with pytest.raises(CompetencyError, match="per_role"):
        SuggestionSettings(per_role=0)


# -- next steps --------------------------------------------------------------------------


def test_next_steps_for_a_person_ranked_with_blocking_gaps(cg: CareerGraph) -> None:
    quinn = _person(cg, "quinn")  # junior with a3 b3 c2 (d unassessed: the minimum)
    result = next_steps(cg, quinn, max_steps=2)
    assert (result.origin, result.person) == ("junior", "quinn")
    got = [(s.role, s.hops, s.status) for s in result.steps]
    assert got == [
        ("mid", 1, "ready"),
        ("senior", 2, "not ready"),
        ("lead", 2, "not ready"),
        ("manager", 2, "not ready"),
        ("specialist", 2, "not rated"),
    ]
    by_role = {s.role: s for s in result.steps}
    # senior: gap mass 2 * .25 (a) + .25 (c) = .75 over required mass 2 * .75 + .5 + .5
    assert by_role["senior"].readiness == pytest.approx(1 - 0.75 / 2.5)
    assert [(g.competency, g.required, g.actual, g.gap) for g in by_role["senior"].gaps] == [
        ("a", 4, 3.0, 0.25),
        ("c", 3, 2.0, 0.25),
    ]
    assert by_role["senior"].blocking == ("a",)  # c is desirable, not essential
    # lead: d .75 of required mass .5 + .75; manager: d 1.0 of 1.0 + .5
    assert by_role["lead"].readiness == pytest.approx(1 - 0.75 / 1.25)
    assert by_role["manager"].readiness == pytest.approx(1 - 1 / 1.5)
    assert by_role["manager"].via == ("junior", "mid", "manager")
    assert by_role["manager"].kinds == ("promotion", "management")
    assert by_role["mid"].gaps == ()
    assert by_role["mid"].readiness == 1.0
    assert by_role["specialist"].readiness is None
    assert result.not_rated == ("specialist",)


def test_next_steps_limits(cg: CareerGraph) -> None:
    assert [s.role for s in next_steps(cg, "junior", max_steps=1).steps] == ["mid"]
    three = next_steps(cg, "junior", max_steps=3)
    assert {s.role: s.hops for s in three.steps}["principal"] == 3
    only = next_steps(cg, "mid", kinds=["promotion"])
    assert [s.role for s in only.steps] == ["senior", "principal"]
    assert len(next_steps(cg, "junior", max_steps=3, limit=2).steps) == 2 + 1  # + not rated
    with pytest.raises(CompetencyError, match="max_steps"):
        next_steps(cg, "junior", max_steps=0)
    with pytest.raises(UnknownKeyError):
        next_steps(cg, "nobody")


def test_next_steps_from_a_role_equal_a_person_holding_exactly_its_levels(
    cg: CareerGraph,
) -> None:
    """The role-to-role engine and the scoring engine give the same numbers."""
    model = ladder_model()
    for role in ("junior", "mid", "senior", "lead"):
        reqs = model.role(role).requirements
        wf = Workforce(
            model="ladder",
            people=(Person(key="x", name="X", role=role),),
            assessments=tuple(
                Assessment.model_validate(
                    {
                        "person": "x",
                        "competency": q.competency,
                        "level": q.level,
                        "rater_type": "manager",
                        "date": DAY,
                    }
                )
                for q in reqs
            ),
        )
        me = PersonProfile.from_workforce(cg, wf, "x", on=DAY)
        a = next_steps(cg, role, max_steps=3)
        b = next_steps(cg, me, max_steps=3)
        assert [(s.role, s.status) for s in a.steps] == [(s.role, s.status) for s in b.steps]
        for s, t in zip(a.steps, b.steps, strict=True):
            assert s.readiness == pytest.approx(t.readiness)
            assert s.gaps == t.gaps


# -- best paths ----------------------------------------------------------------------------


def test_k_cheapest_paths_with_exact_costs(cg: CareerGraph) -> None:
    result = best_paths(cg, "junior", "manager", k=5)
    assert (result.status, result.message) == ("found", "3 path(s)")
    assert [(p.roles, p.cost) for p in result.paths] == [
        (("junior", "mid", "manager"), pytest.approx(0.25 + 0.5)),
        (("junior", "mid", "lead", "manager"), pytest.approx(0.25 + 0.375 + 0.375)),
        (("junior", "mid", "senior", "lead", "manager"), pytest.approx(0.25 + 0.25 + 0.75)),
    ]
    first = result.paths[0]
    assert [(s.source, s.target, s.kind, s.typical_months) for s in first.steps] == [
        ("junior", "mid", "promotion", 12),
        ("mid", "manager", "management", 60),
    ]
    assert (first.months, first.unknown_months) == (72, 0)
    assert result.paths[1].unknown_months == 1  # lead -> manager has no typical time
    assert [p.roles for p in best_paths(cg, "junior", "manager", k=2).paths] == [
        p.roles for p in result.paths[:2]
    ]


def test_time_weight_changes_the_order(cg: CareerGraph) -> None:
    # a year in the source role costs 1: junior->mid->lead->manager .25+1 + .375+1.5 + .375
    result = best_paths(cg, "junior", "manager", time_weight=1.0)
    assert [(p.roles, p.cost) for p in result.paths] == [
        (("junior", "mid", "lead", "manager"), pytest.approx(3.5)),
        (("junior", "mid", "senior", "lead", "manager"), pytest.approx(4.25)),
        (("junior", "mid", "manager"), pytest.approx(0.75 + 1 + 5)),
    ]
    for p in result.paths:
        assert p.gap == pytest.approx(sum(s.gap for s in p.steps))


def test_best_paths_from_a_person(cg: CareerGraph) -> None:
    # Quinn (a3 b3 c2) meets mid already; then manager: d 1.0 of (b, d) -> .5
    quinn = _person(cg, "quinn")
    result = best_paths(cg, quinn, "manager")
    assert result.person == "quinn"
    assert result.source == "junior"
    costs = {p.roles: p.cost for p in result.paths}
    assert costs[("junior", "mid", "manager")] == pytest.approx(0.0 + 0.5)
    # lead: d .75 / 2; then manager from lead raised by Quinn's b3: d .25 / 2
    assert costs[("junior", "mid", "lead", "manager")] == pytest.approx(0.375 + 0.125)
    # via senior: senior a .25 (w2) + c .25 -> .75 / 4; lead .375; manager .125
    assert costs[("junior", "mid", "senior", "lead", "manager")] == pytest.approx(
        0.1875 + 0.375 + 0.125
    )


def test_paths_that_cannot_be_found_say_why(cg: CareerGraph) -> None:
    assert best_paths(cg, "principal", "junior").status == "no path"
    assert best_paths(cg, "junior", "junior").message == "the start is the target"
    to_unrated = best_paths(cg, "junior", "specialist")
    assert to_unrated.status == "not rated"
    assert "not rated" in to_unrated.message
    from_unrated = best_paths(cg, "specialist", "manager")
    assert from_unrated.status == "not rated"
    assert from_unrated.paths == ()
    with pytest.raises(CompetencyError, match="k must be"):
        best_paths(cg, "junior", "manager", k=0)
    with pytest.raises(CompetencyError, match="time_weight"):
        best_paths(cg, "junior", "manager", time_weight=-1)


def test_paths_avoid_roles_that_are_not_rated() -> None:
    data: dict[str, Any] = copy.deepcopy(LADDER)
    data["transitions"] = [
        {"source": "junior", "target": "specialist"},
        {"source": "specialist", "target": "senior"},
    ]
    cg = CareerGraph.from_model(CompetencyModel.model_validate(data))
    result = best_paths(cg, "junior", "senior")
    assert result.status == "no path"
    assert "not rated" in result.message


# -- development -------------------------------------------------------------------------


def test_development_is_the_union_of_the_gaps_in_path_order(cg: CareerGraph) -> None:
    found, dev = development_plan(cg, "junior", "manager")
    assert dev is not None
    assert found.paths[0].roles == ("junior", "mid", "manager")
    assert [(s.role, s.gap) for s in dev.steps] == [("mid", 0.25), ("manager", 0.5)]
    assert [(i.competency, i.start, i.target, i.first_needed, i.needed_by) for i in dev.items] == [
        ("a", 2.0, 3, "mid", (("mid", 3),)),
        ("b", 2.0, 3, "mid", (("mid", 3),)),
        ("d", 1.0, 5, "manager", (("manager", 5),)),
    ]
    # the course reaching level 5 comes before the one stopping at 3
    assert dev.items[2].resources == ("d-course", "d-basics")


def test_development_along_a_longer_path_keeps_the_highest_level(cg: CareerGraph) -> None:
    dev = development_for_path(cg, ["junior", "mid", "lead", "manager"])
    # lead asks d4, manager d5 (and b3 again: lead does not require b)
    assert [(i.competency, i.target, i.first_needed, i.needed_by) for i in dev.items] == [
        ("a", 3, "mid", (("mid", 3),)),
        ("b", 3, "mid", (("mid", 3), ("manager", 3))),
        ("d", 5, "lead", (("lead", 4), ("manager", 5))),
    ]
    path = best_paths(cg, "junior", "manager", k=2).paths[1]
    assert sum(s.gap for s in dev.steps) == pytest.approx(path.cost)


def test_development_for_a_person_and_not_rated_roles(cg: CareerGraph) -> None:
    quinn = _person(cg, "quinn")
    dev = development_for_path(cg, ["junior", "mid", "senior"], quinn)
    assert dev.person == "quinn"
    assert [(i.competency, i.start, i.target, i.essential) for i in dev.items] == [
        ("a", 3.0, 4, True),
        ("c", 2.0, 3, False),
    ]
    assert development_for_path(cg, ["junior", "mid", "specialist"]).not_rated == ("specialist",)
    with pytest.raises(CompetencyError, match="holds junior"):
        development_for_path(cg, ["mid", "senior"], quinn)
    with pytest.raises(CompetencyError, match="at least two roles"):
        development_for_path(cg, ["mid"])
    assert development_plan(cg, "principal", "junior")[1] is None


# -- succession --------------------------------------------------------------------------


def test_succession_bands_by_hand(cg: CareerGraph) -> None:
    result = succession(cg, "senior", ladder_workforce(), on=DAY)
    assert result.incumbents == ("sam",)
    got = [(c.person, c.band, c.readiness, c.hops) for c in result.candidates]
    assert got == [
        ("pat", "ready now", 1.0, 1),
        # a 3 of 4 and c 2 of 3: each one level short
        ("quinn", "ready in one step", pytest.approx(0.7), 2),
        # a 2 of 4 is two levels short; readiness 1 - (2 * .5 + .25 + .5) / 2.5
        ("robin", "not ready", pytest.approx(0.3), 2),
    ]
    assert (result.ready_now, result.ready_in_one_step, result.not_ready) == (1, 1, 1)
    assert [g.competency for g in result.candidates[2].gaps] == ["a", "c", "b"]
    assert result.candidates[1].gap == pytest.approx(0.75 / 4)
    assert [
        c.person for c in succession(cg, "senior", ladder_workforce(), on=DAY, limit=1).candidates
    ] == ["pat"]
    unrated = succession(cg, "specialist", ladder_workforce(), on=DAY)
    assert unrated.status == "not rated"
    assert unrated.candidates == ()


def test_bench_strength_and_roles_at_risk(cg: CareerGraph) -> None:
    bench = {b.role: b for b in bench_strength(cg, ladder_workforce(), on=DAY)}
    assert (bench["senior"].ready_now_people, bench["senior"].ready_in_one_step_people) == (
        ("pat",),
        ("quinn",),
    )
    # mid: Quinn (a3 b3) and Sam ready now; Robin (a2 b2) one level short on both
    assert (bench["mid"].incumbents, bench["mid"].ready_now_people) == (1, ("quinn", "sam"))
    assert bench["mid"].ready_in_one_step_people == ("robin",)
    # principal (a5 c4): Sam has both; Pat (a4 c3) one level short on both
    assert bench["principal"].ready_now_people == ("sam",)
    assert bench["principal"].ready_in_one_step_people == ("pat",)
    # nobody has d above 2: lead (d4) and manager (d5) have no successor at all
    assert (bench["lead"].ready_now, bench["lead"].ready_in_one_step, bench["lead"].not_ready) == (
        0,
        0,
        4,
    )
    assert not bench["specialist"].rated
    risk = roles_at_risk(cg, ladder_workforce(), on=DAY)
    assert [(r.role, r.risk, r.ready_in_one_step) for r in risk] == [
        ("lead", "high", 0),
        ("manager", "high", 0),
    ]


def test_medium_risk_when_someone_is_ready_in_one_step(cg: CareerGraph) -> None:
    wf = ladder_workforce()
    people = tuple(p for p in wf.people if p.key != "pat")
    without_pat = Workforce(
        model="ladder",
        people=people,
        assessments=tuple(a for a in wf.assessments if a.person != "pat"),
    )
    risk = {r.role: r for r in roles_at_risk(cg, without_pat, on=DAY)}
    assert risk["senior"].risk == "medium"
    assert risk["senior"].ready_in_one_step == 1
    assert risk["lead"].risk == "high"


# -- health --------------------------------------------------------------------------------


def _broken_ladder() -> CompetencyModel:
    data: dict[str, Any] = copy.deepcopy(LADDER)
    data["tracks"].append({"key": "support", "name": "Support"})
    data["roles"] += [
        {"key": "support-eng", "title": "Support", "family": "eng", "level": 2, "track": "support"},
        {"key": "archivist", "title": "Archivist", "family": "ops", "level": 1},
        {"key": "ops-lead", "title": "Ops lead", "family": "ops", "level": 2},
        {"key": "ops-head", "title": "Ops head", "family": "ops", "level": 3},
    ]
    data["transitions"] += [
        {"source": "principal", "target": "senior", "kind": "promotion"},
        {"source": "support-eng", "target": "specialist", "kind": "lateral"},
        {"source": "ops-lead", "target": "ops-head", "kind": "promotion"},
    ]
    return CompetencyModel.model_validate(data)


def test_health_of_a_sound_ladder(cg: CareerGraph) -> None:
    h = graph_health(cg)
    assert h.no_way_in == ("junior",)
    assert h.no_way_out == ("principal", "manager", "specialist")
    assert h.dead_ends == ("specialist",)  # level 3 of a family that reaches 4
    assert (h.isolated, h.unreachable, h.promotion_cycles, h.disconnected_families) == (
        (),
        (),
        (),
        (),
    )
    assert h.not_rated == ("specialist",)
    assert h.problems == 1


def test_health_findings_by_hand() -> None:
    h = graph_health(CareerGraph.from_model(_broken_ladder()))
    assert h.no_way_in == ("junior", "support-eng", "ops-lead")
    assert h.no_way_out == ("manager", "specialist", "ops-head")
    assert h.isolated == ("archivist",)
    assert h.unreachable == ("support-eng", "ops-lead")  # above their family's entry level
    assert h.dead_ends == ("specialist",)
    assert [(t.track, t.roles, t.highest_reachable, t.family_top) for t in h.dead_end_tracks] == [
        ("support", ("support-eng",), 3, 4)
    ]
    assert h.promotion_cycles == (("principal", "senior", "principal"),)
    assert h.promotions_not_up == (("principal", "senior"),)
    assert [(f.family, f.groups) for f in h.disconnected_families] == [
        ("ops", (("ops-head", "ops-lead"), ("archivist",)))
    ]
    assert h.problems == 1 + 2 + 1 + 1 + 1 + 1 + 1
    assert h.to_dict()["promotion_cycles"] == [["principal", "senior", "principal"]]


def test_a_lateral_loop_is_not_a_promotion_cycle() -> None:
    data: dict[str, Any] = copy.deepcopy(LADDER)
    data["transitions"].append({"source": "lead", "target": "senior", "kind": "lateral"})
    h = graph_health(CareerGraph.from_model(CompetencyModel.model_validate(data)))
    assert h.promotion_cycles == ()


def test_results_turn_into_json_ready_data(cg: CareerGraph) -> None:
    d = next_steps(cg, _person(cg, "quinn")).to_dict()
    assert d["steps"][1]["gaps"][0] == {
        "competency": "a",
        "name": "Competency A",
        "required": 4,
        "actual": 3.0,
        "gap": 0.25,
        "weight": 2.0,
        "essential": True,
    }
    assert d["steps"][-1]["readiness"] is None
    p = best_paths(cg, "junior", "manager").to_dict()
    assert p["paths"][0]["cost"] == 0.75
    assert p["paths"][0]["steps"][1]["kind"] == "management"
    assert np.isfinite(p["paths"][2]["cost"])
