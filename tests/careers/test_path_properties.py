"""Properties of the career queries on small random graphs, checked against brute force.

Every simple path of a small graph is enumerated with networkx and costed step by step;
the k cheapest paths the library returns must be exactly the k cheapest of those.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from typing import Any

import networkx as nx
import numpy as np
import pytest
from hypothesis import event, given
from hypothesis import strategies as st

from competency_core.careers import (
    CareerGraph,
    PersonProfile,
    best_paths,
    development_for_path,
    next_steps,
)
from competency_core.model import CompetencyModel
from competency_core.people import Assessment, Person, Workforce
from competency_core.scoring import DEFAULT_POLICY, ScoringPolicy

KINDS = ["promotion", "lateral", "track-switch", "specialist", "management"]
COMPETENCIES = ["c0", "c1", "c2", "c3"]
DAY = dt.date(2026, 6, 1)


@st.composite
def career_models(draw: st.DrawFn, complete: bool = False) -> CompetencyModel:
    """A model of 3-7 roles (some not rated) and random typed transitions between them.

    ``complete``: 5-6 rated roles with a transition between every ordered pair (up to 65
    simple paths between two roles).
    """
    n = draw(st.integers(5, 6)) if complete else draw(st.integers(3, 7))
    roles = []
    for i in range(n):
        rated = complete or i < 2 or draw(st.sampled_from([True, True, True, True, False]))
        chosen = draw(st.lists(st.sampled_from(COMPETENCIES), min_size=1, max_size=4, unique=True))
        roles.append(
            {
                "key": f"r{i}",
                "title": f"Role {i}",
                "family": "f",
                "level": draw(st.integers(1, 4)),
                "requirements": [
                    {
                        "competency": c,
                        "level": draw(st.integers(1, 5)),
                        "weight": draw(st.sampled_from([0.5, 1.0, 2.0, 3.0])),
                        "essential": draw(st.booleans()),
                    }
                    for c in chosen
                ]
                if rated
                else [],
            }
        )
    pairs = [(a, b) for a in range(n) for b in range(n) if a != b]
    # each pair is an edge with probability about one half: dense enough for many paths
    present = (
        [True] * len(pairs)
        if complete
        else draw(st.lists(st.booleans(), min_size=len(pairs), max_size=len(pairs)))
    )
    edges = [p for p, keep in zip(pairs, present, strict=True) if keep] or pairs[:1]
    transitions = [
        {
            "source": f"r{a}",
            "target": f"r{b}",
            "kind": draw(st.sampled_from(KINDS)),
            "typical_months": draw(st.one_of(st.none(), st.integers(0, 48))),
        }
        for a, b in edges
    ]
    return CompetencyModel.model_validate(
        {
            "key": "random",
            "name": "Random",
            "scales": [
                {
                    "key": "five",
                    "name": "Five",
                    "proficient": 3,
                    "levels": [{"value": v, "label": str(v)} for v in range(1, 6)],
                }
            ],
            "competencies": [{"key": c, "name": c, "scale": "five"} for c in COMPETENCIES],
            "roles": roles,
            "transitions": transitions,
        }
    )


def _months_cost(cg: CareerGraph, u: str, v: str, time_weight: float) -> float:
    m = cg.transition(u, v).typical_months
    return time_weight * (m or 0) / 12.0


def _brute_force_from_role(
    cg: CareerGraph, source: str, target: str, time_weight: float
) -> list[tuple[float, tuple[str, ...]]]:
    """Every simple path whose steps can all be costed, with its cost: sorted, cheapest first."""
    out = []
    for path in nx.all_simple_paths(cg.graph, source, target):
        total = 0.0
        for u, v in itertools.pairwise(path):
            gap = cg.step_cost(u, v)
            if gap is None:
                break
            total += gap + _months_cost(cg, u, v, time_weight)
        else:
            out.append((total, tuple(path)))
    return sorted(out)


def _check_paths(found: Any, brute: list[tuple[float, tuple[str, ...]]], k: int) -> None:
    paths = found.paths
    assert len(paths) == min(k, len(brute))
    if not brute:
        assert found.status in ("no path", "not rated")
        return
    assert found.status == "found"
    # no cheaper path exists than the first one returned
    assert paths[0].cost == pytest.approx(brute[0][0], abs=1e-9)
    # the k returned are the k cheapest (equal costs may come in any order)
    assert [p.cost for p in paths] == pytest.approx([c for c, _ in brute[:k]], abs=1e-9)
    costs = {roles: c for c, roles in brute}
    seen = set()
    for p in paths:
        # a path's cost is the sum of its steps, and its steps are the path
        assert p.cost == pytest.approx(sum(s.cost for s in p.steps), abs=1e-12)
        assert [(s.source, s.target) for s in p.steps] == list(itertools.pairwise(p.roles))
        assert p.cost == pytest.approx(costs[p.roles], abs=1e-9)
        assert len(set(p.roles)) == len(p.roles)  # simple
        seen.add(p.roles)
    assert len(seen) == len(paths)  # distinct
    for a, b in itertools.pairwise(paths):  # non-decreasing cost
        assert a.cost <= b.cost + 1e-12


@given(
    career_models(),
    st.integers(1, 6),
    st.sampled_from([0.0, 0.5, 2.0]),
    st.data(),
)
def test_k_cheapest_paths_match_brute_force(
    model: CompetencyModel, k: int, time_weight: float, data: st.DataObject
) -> None:
    cg = CareerGraph.from_model(model)
    keys = [r.key for r in model.roles]
    source = data.draw(st.sampled_from(keys))
    target = data.draw(st.sampled_from([r for r in keys if r != source]))
    found = best_paths(cg, source, target, k=k, time_weight=time_weight)
    event(f"{found.status}, {len(found.paths)} path(s)")
    if not cg.is_rated(source) or not cg.is_rated(target):
        assert found.status == "not rated"
        assert found.paths == ()
        return
    _check_paths(found, _brute_force_from_role(cg, source, target, time_weight), k)


@given(career_models(complete=True), st.integers(10, 70), st.data())
def test_many_cheapest_paths_on_complete_graphs(
    model: CompetencyModel, k: int, data: st.DataObject
) -> None:
    cg = CareerGraph.from_model(model)
    source, target = data.draw(
        st.lists(st.sampled_from([r.key for r in model.roles]), min_size=2, max_size=2, unique=True)
    )
    found = best_paths(cg, source, target, k=k)
    brute = _brute_force_from_role(cg, source, target, 0.0)
    assert len(brute) >= 16
    _check_paths(found, brute, k)


@given(career_models(), st.integers(1, 4), st.data())
def test_k_cheapest_paths_from_a_person_match_brute_force(
    model: CompetencyModel, k: int, data: st.DataObject
) -> None:
    cg = CareerGraph.from_model(model)
    keys = [r.key for r in model.roles]
    source = data.draw(st.sampled_from(keys))
    target = data.draw(st.sampled_from([r for r in keys if r != source]))
    levels = data.draw(
        st.dictionaries(st.sampled_from(COMPETENCIES), st.integers(1, 5), max_size=4)
    )
    wf = Workforce(
        model="random",
        people=(Person(key="p", name="P", role=source),),
        assessments=tuple(
            Assessment.model_validate(
                {"person": "p", "competency": c, "level": lv, "rater_type": "manager", "date": DAY}
            )
            for c, lv in levels.items()
        ),
    )
    policy = data.draw(st.sampled_from([DEFAULT_POLICY, ScoringPolicy(unassessed="exclude")]))
    me = PersonProfile.from_workforce(cg, wf, "p", on=DAY, policy=policy)
    found = best_paths(cg, me, target, k=k)
    event(f"{found.status}, {len(found.paths)} path(s)")
    if not cg.is_rated(target):
        assert found.status == "not rated"
        return
    # brute force: each step's gap as development_for_path measures it (the scoring engine)
    brute = []
    for path in nx.all_simple_paths(cg.graph, source, target):
        dev = development_for_path(cg, path, me)
        if not dev.not_rated:
            brute.append((sum(s.gap for s in dev.steps), tuple(path)))
    _check_paths(found, sorted(brute), k)


@given(career_models(), st.integers(1, 4), st.data())
def test_next_steps_reach_exactly_the_roles_within_k_transitions(
    model: CompetencyModel, max_steps: int, data: st.DataObject
) -> None:
    cg = CareerGraph.from_model(model)
    origin = data.draw(st.sampled_from([r.key for r in model.roles]))
    kinds = data.draw(st.one_of(st.none(), st.lists(st.sampled_from(KINDS), min_size=1)))
    result = next_steps(cg, origin, max_steps=max_steps, kinds=kinds)
    followed = nx.subgraph_view(
        cg.graph,
        filter_edge=lambda u, v: kinds is None or cg.graph.edges[u, v]["kind"] in kinds,
    )
    hops = nx.single_source_shortest_path_length(followed, origin, cutoff=max_steps)
    del hops[origin]
    assert {s.role: s.hops for s in result.steps} == hops
    rated = [s for s in result.steps if s.status != "not rated"]
    assert all(cg.is_rated(s.role) for s in rated)
    assert result.steps[len(rated) :] == tuple(s for s in result.steps if s.status == "not rated")
    for a, b in itertools.pairwise(rated):
        assert a.readiness is not None
        assert b.readiness is not None
        assert a.readiness >= b.readiness
    for s in result.steps:
        assert len(s.via) == s.hops + 1
        assert s.via[0] == origin
        assert s.via[-1] == s.role
        assert all(followed.has_edge(u, v) for u, v in itertools.pairwise(s.via))
        if s.status == "ready":
            assert s.blocking == ()
        # blocking: the essential gaps, in the gaps' order (biggest gap, heavier weight first)
        assert s.blocking == tuple(g.competency for g in s.gaps if g.essential)
        order = [(-g.gap, -g.weight, COMPETENCIES.index(g.competency)) for g in s.gaps]
        assert order == sorted(order)
        assert s.status == "not rated" or all(g.gap > 0 for g in s.gaps)


def test_the_brute_force_helper_itself_finds_costs() -> None:
    """Guard: the brute force is not vacuous on a graph with a known answer."""
    model = CompetencyModel.model_validate(
        {
            "key": "tiny",
            "name": "Tiny",
            "scales": [
                {
                    "key": "five",
                    "name": "Five",
                    "proficient": 3,
                    "levels": [{"value": v, "label": str(v)} for v in range(1, 6)],
                }
            ],
            "competencies": [{"key": "c0", "name": "c0", "scale": "five"}],
            "roles": [
                {"key": k, "title": k, "requirements": [{"competency": "c0", "level": lv}]}
                for k, lv in (("a", 1), ("b", 3), ("c", 5))
            ],
            "transitions": [
                {"source": "a", "target": "b"},
                {"source": "b", "target": "c"},
                {"source": "a", "target": "c"},
            ],
        }
    )
    cg = CareerGraph.from_model(model)
    brute = _brute_force_from_role(cg, "a", "c", 0.0)
    # a -> c: 1.0; a -> b -> c: .5 + .5
    assert brute == [(1.0, ("a", "b", "c")), (1.0, ("a", "c"))]
    found = best_paths(cg, "a", "c", k=2)
    assert [p.roles for p in found.paths] == [("a", "c"), ("a", "b", "c")]  # ties: fewer steps
    assert not math.isnan(found.paths[0].cost)


@given(career_models(), st.data())
def test_the_fast_person_step_gaps_equal_the_general_ones(
    model: CompetencyModel, data: st.DataObject
) -> None:
    """``person_gaps`` (minimum policy, every edge at once) == ``edge_gaps``, to the bit."""
    cg = CareerGraph.from_model(model)
    vec = cg.vectors
    person = np.array(
        [
            data.draw(st.sampled_from([math.nan, 0.0, 0.25, 0.5, 0.75, 1.0]))
            for _ in vec.competencies
        ]
    )
    start = data.draw(st.integers(0, len(cg.roles) - 1))
    fast = vec.person_gaps(vec.step_entries(cg.src, cg.dst), cg.src, cg.dst, person, start)
    general = vec.edge_gaps(cg.src, cg.dst, person, start, DEFAULT_POLICY)
    assert np.array_equal(fast, general, equal_nan=True)


@given(career_models(), st.data())
def test_person_step_gaps_equal_the_entry_sums(model: CompetencyModel, data: st.DataObject) -> None:
    """``person_gaps`` (compiled sums) == its entries summed by ``bincount`` == ``edge_gaps``."""
    cg = CareerGraph.from_model(model)
    vec = cg.vectors
    person = np.array(
        [
            data.draw(st.sampled_from([math.nan, 0.0, 0.25, 0.5, 0.75, 1.0]))
            for _ in vec.competencies
        ]
    )
    start = data.draw(st.integers(0, len(cg.roles) - 1))
    entries = vec.step_entries(cg.src, cg.dst)
    assert (
        entries.ptr.tolist() == np.searchsorted(entries.seg, np.arange(entries.edges + 1)).tolist()
    )
    mine = vec.weight * np.maximum(0.0, vec.required - np.nan_to_num(person)[vec.comp])
    mass = np.bincount(entries.seg, np.minimum(mine[entries.pos], entries.short), entries.edges)
    weights = vec.weight_sum[cg.dst]
    plain = np.zeros(entries.edges)
    np.divide(mass, weights, out=plain, where=weights > 0)
    plain = np.where(vec.rated[cg.dst] & vec.rated[cg.src], np.clip(plain, 0.0, 1.0), np.nan)
    first = cg.src == start
    plain[first] = vec.edge_gaps(cg.src[first], cg.dst[first], person, start, DEFAULT_POLICY)
    fast = vec.person_gaps(entries, cg.src, cg.dst, person, start)
    general = vec.edge_gaps(cg.src, cg.dst, person, start, DEFAULT_POLICY)
    assert np.array_equal(fast, plain, equal_nan=True)
    assert np.array_equal(fast, general, equal_nan=True)


@given(career_models(), st.data())
def test_the_cached_reversed_matrix_equals_the_one_built_from_coordinates(
    model: CompetencyModel, data: st.DataObject
) -> None:
    """``_reversed`` (cached edge layout) builds the matrix ``reversed_matrix`` builds."""
    from competency_core.careers._search import reversed_matrix
    from competency_core.careers.queries import _reversed

    cg = CareerGraph.from_model(model)
    cost = np.array(
        [
            data.draw(st.sampled_from([math.nan, math.inf, 0.0, 0.125, 0.5, 1.0]))
            for _ in range(len(cg.src))
        ]
    )
    for _ in range(2):  # the layout is made on the first call and reused on the second
        fast = _reversed(cg, cost)
        plain = reversed_matrix(len(cg.roles), cg.src, cg.dst, cost)
        plain.sort_indices()
        assert fast.shape == plain.shape
        assert fast.indptr.tolist() == plain.indptr.tolist()
        assert fast.indices.tolist() == plain.indices.tolist()
        assert fast.data.tolist() == plain.data.tolist()


@given(career_models(), st.data())
def test_next_steps_routes_follow_the_search_back_to_the_origin(
    model: CompetencyModel, data: st.DataObject
) -> None:
    """Each step's route (built from its predecessor's) is the search's, read back edge by edge."""
    from competency_core.careers._search import bounded_bfs

    cg = CareerGraph.from_model(model)
    origin = data.draw(st.sampled_from(cg.roles))
    depth = data.draw(st.integers(1, 3))
    got = next_steps(cg, origin, max_steps=depth)
    start = cg.role_index(origin)
    nodes, _, edge_in = bounded_bfs(cg.adjacency, start, depth, cg.usable(None, False)[0])
    reached = dict(zip(nodes.tolist(), edge_in.tolist(), strict=True))
    for step in got.steps:
        node, path, kinds, sugg = cg.role_index(step.role), [], [], False
        path.append(node)
        while node != start:
            e = reached[node]
            kinds.append(cg.edge_kinds[e])
            sugg = sugg or cg.suggested_list[e]
            node = cg.src_list[e]
            path.append(node)
        assert step.via == tuple(cg.roles[i] for i in reversed(path))
        assert step.kinds == tuple(reversed(kinds))
        assert step.suggested == sugg
        assert step.hops == len(path) - 1
