"""Next steps made in compiled passes and in bulk give what the numpy version gave, to the bit.

Before issue 19's last pass, a next-steps query scored and listed the gaps of the roles it
reached with numpy (``RoleVectors.evaluate``, ``Evaluation.scores``, ``gap_arrays``, a
packed-key sort of the blocking gaps) and made each route, step and gap list one by one in
Python. ``_numpy_next_steps`` below is that version; the compiled one must give the same
answers (same repr, same JSON, equal records) on generated graphs, from roles and from
people under both unassessed policies, with NaN levels, limits and kind filters.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Collection
from functools import partial
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_path_properties import COMPETENCIES, KINDS, career_models

from competency_core.careers import CareerGraph, PersonProfile, next_steps
from competency_core.careers._engine import segments
from competency_core.careers.queries import _gap_slice, _origin, _state
from competency_core.careers.results import Gaps, NextStep, NextSteps, made_in_bulk
from competency_core.model import CompetencyModel
from competency_core.scoring import DEFAULT_POLICY, ScoringPolicy

DAY = dt.date(2026, 6, 1)
POLICIES = [DEFAULT_POLICY, ScoringPolicy(unassessed="exclude")]


def _numpy_next_steps(
    cg: CareerGraph,
    start: str | PersonProfile,
    *,
    max_steps: int,
    kinds: Collection[str] | None = None,
    include_suggested: bool = False,
    policy: ScoringPolicy = DEFAULT_POLICY,
    limit: int | None = None,
) -> NextSteps:
    """The numpy next steps (the code of b94d839), the compiled version's oracle."""
    from competency_core.careers._search import bounded_bfs

    origin, person = _origin(cg, start)
    pol = person.policy if person is not None else policy
    usable = cg.usable(kinds, include_suggested)[0]
    nodes, node_hops, edge_in = bounded_bfs(cg.adjacency, origin, max_steps, usable)
    is_rated = cg.vectors.rated[nodes]
    rated = nodes[is_rated]
    evaluated = cg.vectors.evaluate(_state(cg, origin, person), rated, pol)
    scores = evaluated.scores()
    order = np.lexsort((rated, node_hops[is_rated], -scores.readiness))
    if limit is not None:
        order = order[:limit]
    roles = cg.roles
    routes: dict[int, tuple[tuple[str, ...], tuple[str, ...], bool]] = {
        origin: ((roles[origin],), (), False)
    }
    for v, e in zip(nodes.tolist(), edge_in.tolist(), strict=True):
        via_, kinds_, sugg_ = routes[cg.src_list[e]]
        routes[v] = (
            (*via_, roles[v]),
            (*kinds_, cg.edge_kinds[e]),
            sugg_ or cg.suggested_list[e],
        )
    unmet = np.flatnonzero(evaluated.unmet)
    per_role = np.searchsorted(evaluated.seg[unmet], np.arange(len(rated) + 1))
    take, step_of = segments(per_role, order)
    entries = unmet[take]
    flat = evaluated.gap_arrays(entries)
    ends = np.concatenate(([0], np.cumsum(per_role[order + 1] - per_role[order]))).tolist()
    essential = np.flatnonzero(flat.essential)
    role_of = step_of[essential]
    rank = cg.vectors.gap_rank[evaluated.pos[entries[essential]]]
    essential = essential[np.lexsort((rank, -flat.gap[essential], role_of))]
    keys = cg.competency_columns[0]
    blocking_keys = [keys[c] for c in flat.competency[essential].tolist()]
    blocking_ends = np.concatenate(([0], np.cumsum(np.bincount(role_of, minlength=len(order)))))
    steps = []
    for n, r in enumerate(rated[order].tolist()):
        lo, hi = ends[n], ends[n + 1]
        via, kinds_used, sugg = routes[r]
        steps.append(
            NextStep(
                roles[r],
                cg.titles[r],
                int(node_hops[is_rated][order][n]),
                via,
                kinds_used,
                sugg,
                "ready" if scores.ready[order][n] else "not ready",
                float(scores.readiness[order][n]),
                float(scores.gap[order][n]),
                Gaps(partial(_gap_slice, cg, flat, lo, hi), hi - lo),
                tuple(blocking_keys[blocking_ends[n] : blocking_ends[n + 1]]),
            )
        )
    unrated, unrated_hops = nodes[~is_rated], node_hops[~is_rated]
    last = np.lexsort((unrated, unrated_hops))
    for r, hops in zip(unrated[last].tolist(), unrated_hops[last].tolist(), strict=True):
        via, kinds_used, sugg = routes[r]
        steps.append(
            NextStep(
                roles[r], cg.titles[r], hops, via, kinds_used, sugg, "not rated", None, None,
                Gaps.of(()), (),
            )
        )  # fmt: skip
    return NextSteps(
        origin=roles[origin],
        person=person.person if person is not None else None,
        max_steps=max_steps,
        steps=tuple(steps),
    )


def _same(got: NextSteps, expected: NextSteps) -> None:
    assert repr(got) == repr(expected)
    assert got == expected
    assert got.to_dict() == expected.to_dict()
    for a, b in zip(got.steps, expected.steps, strict=True):
        assert len(a.gaps) == len(b.gaps) == len(tuple(a.gaps))
        assert type(a.readiness) is type(b.readiness)
        assert type(a.hops) is int
        assert type(a.suggested) is bool


@settings(max_examples=60)
@given(career_models(), st.data())
def test_next_steps_from_a_role_equal_the_numpy_version(
    model: CompetencyModel, data: st.DataObject
) -> None:
    # a suggested transition now and then, so routes may be marked suggested
    cg = CareerGraph.from_model(model, suggest=data.draw(st.booleans()))
    origin = data.draw(st.sampled_from(cg.roles))
    options: dict[str, Any] = {
        "max_steps": data.draw(st.integers(1, 4)),
        "kinds": data.draw(st.one_of(st.none(), st.lists(st.sampled_from(KINDS), min_size=1))),
        "include_suggested": data.draw(st.booleans()),
        "policy": data.draw(st.sampled_from(POLICIES)),
        "limit": data.draw(st.one_of(st.none(), st.integers(0, 4))),
    }
    _same(next_steps(cg, origin, **options), _numpy_next_steps(cg, origin, **options))


@settings(max_examples=60)
@given(career_models(), st.data())
def test_next_steps_from_a_person_equal_the_numpy_version(
    model: CompetencyModel, data: st.DataObject
) -> None:
    cg = CareerGraph.from_model(model)
    role = data.draw(st.sampled_from(cg.roles))
    # normalised levels with holes (NaN: not assessed), on the scale's steps or between
    levels = np.array(
        [
            data.draw(st.sampled_from([np.nan, 0.0, 0.25, 0.5, 0.6, 0.75, 1.0]))
            for _ in cg.vectors.competencies
        ]
    )
    policy = data.draw(st.sampled_from(POLICIES))
    me = PersonProfile("p", "P", role, levels, policy, DAY)
    depth = data.draw(st.integers(1, 3))
    _same(next_steps(cg, me, max_steps=depth), _numpy_next_steps(cg, me, max_steps=depth))


@settings(max_examples=60)
@given(career_models(), st.data())
def test_score_sums_and_step_gaps_equal_the_numpy_evaluation(
    model: CompetencyModel, data: st.DataObject
) -> None:
    """The compiled passes' arrays, field by field, are the numpy evaluation's."""
    cg = CareerGraph.from_model(model)
    v = cg.vectors
    roles = np.array(data.draw(st.lists(st.integers(0, len(cg.roles) - 1), max_size=8)), np.int64)
    state = np.array(
        [data.draw(st.sampled_from([np.nan, 0.0, 0.25, 0.5, 1.0])) for _ in v.competencies]
    )
    policy = data.draw(st.sampled_from(POLICIES))
    scores, unmet, unmet_ptr = v.score_sums(state, roles, policy)
    ev = v.evaluate(state, roles, policy)
    expected = ev.scores()
    for f in dataclasses.fields(expected):
        assert getattr(scores, f.name).tolist() == getattr(expected, f.name).tolist(), f.name
    idx = np.flatnonzero(ev.unmet)
    assert unmet.tolist() == ev.pos[idx].tolist()
    assert np.diff(unmet_ptr).tolist() == np.bincount(ev.seg[idx], minlength=len(roles)).tolist()
    order = np.array(data.draw(st.permutations(range(len(roles)))), np.int64)
    got = v.step_gaps(state, policy, order, unmet, unmet_ptr)
    for k, i in enumerate(order.tolist()):
        mine = idx[ev.seg[idx] == i]
        want = ev.gap_arrays(mine)
        lo, hi = int(got.ptr[k]), int(got.ptr[k + 1])
        for f in dataclasses.fields(want):
            a, b = getattr(got.gaps, f.name)[lo:hi], getattr(want, f.name)
            assert a.dtype == b.dtype, f.name
            assert np.array_equal(a, b, equal_nan=a.dtype.kind == "f"), f.name
        ess = np.flatnonzero(want.essential)
        rank = v.gap_rank[ev.pos[mine[ess]]]
        by_order = want.competency[ess[np.lexsort((rank, -want.gap[ess]))]]
        blocking = got.blocking[got.blocking_ptr[k] : got.blocking_ptr[k + 1]]
        assert blocking.tolist() == by_order.tolist()


def test_the_compiled_version_is_checked_on_gaps_and_blocking_ones() -> None:
    """Guard: the generated cases above are not vacuous (gaps, blocking gaps, people)."""
    from careers_helpers import ladder_model

    cg = CareerGraph.from_model(ladder_model())
    origin = cg.roles[0]
    got = next_steps(cg, origin, max_steps=3)
    assert any(s.gaps for s in got.steps)
    assert any(s.blocking for s in got.steps)
    _same(got, _numpy_next_steps(cg, origin, max_steps=3))
    assert COMPETENCIES  # the generated models' competencies are the ones this module uses


# -- made_in_bulk --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True, slots=True)
class _Pair:
    a: int
    b: tuple[str, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class _Checked:
    a: int

    def __post_init__(self) -> None:
        if self.a < 0:
            raise ValueError("negative")


@dataclasses.dataclass(frozen=True)
class _NoSlots:
    a: int


@given(st.lists(st.tuples(st.integers(), st.lists(st.text(max_size=3)).map(tuple)), max_size=20))
def test_records_made_in_bulk_are_the_constructors(rows: list[tuple[int, tuple[str, ...]]]) -> None:
    made = made_in_bulk(_Pair, [[a for a, _ in rows], [b for _, b in rows]])
    expected = [_Pair(a, b) for a, b in rows]
    assert made == expected
    assert repr(made) == repr(expected)
    assert [hash(x) for x in made] == [hash(x) for x in expected]
    for x in made:
        with pytest.raises(dataclasses.FrozenInstanceError):
            x.a = 1  # type: ignore[misc]


def test_made_in_bulk_refuses_what_it_cannot_make() -> None:
    with pytest.raises(TypeError, match="__post_init__"):
        made_in_bulk(_Checked, [[1]])
    with pytest.raises(TypeError, match="slots"):
        made_in_bulk(_NoSlots, [[1]])
    with pytest.raises(ValueError, match="2 fields; got 1"):
        made_in_bulk(_Pair, [[1]])
    with pytest.raises(ValueError, match="not all as long"):
        made_in_bulk(_Pair, [[1, 2], [()]])
    assert made_in_bulk(_Pair, [[], []]) == []
