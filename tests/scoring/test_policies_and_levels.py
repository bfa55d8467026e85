"""Policies for several assessments, scale mappings, expiry, and the bulk engine's extras."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from competency_core.errors import ScoringError
from competency_core.people import Assessment, RaterType
from competency_core.scoring import (
    PeopleLevels,
    ScoringPolicy,
    readiness_matrix,
    resolve_levels,
    score_role,
)
from competency_core.scoring.ranking import top_k_rows
from competency_core.testing import strategies as cst
from competency_core.testing.samples import sample_assessments, sample_model, sample_workforce

ON = dt.date(2026, 1, 1)


def _a(comp: str, level: int, rater: str, day: dt.date, **kw: Any) -> Assessment:
    return Assessment(
        person="ada", competency=comp, level=level, rater_type=RaterType(rater), date=day, **kw
    )


def _level(policy: ScoringPolicy, rated: Any = None) -> float:
    levels = resolve_levels(sample_model(), rated or sample_assessments(), policy=policy, on=ON)
    return levels["communication"].level


def test_default_policy_takes_the_latest_assessment() -> None:
    # communication: manager 2 (March), self 3 (June)
    assert _level(ScoringPolicy()) == 3.0


def test_priority_policy_takes_the_manager_over_self() -> None:
    assert _level(ScoringPolicy(aggregation="priority")) == 2.0
    self_first = ScoringPolicy(aggregation="priority", rater_priority=("self", "manager"))
    assert _level(self_first) == 3.0


def test_blend_policy_weights_rater_types() -> None:
    # manager 2 -> 0.25, self 3 -> 0.5; weights 2 and 1: (0.5 + 0.5) / 3 = 1/3 -> level 1 + 4/3
    assert _level(ScoringPolicy(aggregation="blend")) == pytest.approx(1 + 4 / 3)
    only_manager = ScoringPolicy(aggregation="blend", rater_weights={"manager": 1.0})
    assert _level(only_manager) == 2.0
    nobody = ScoringPolicy(aggregation="blend", rater_weights={"peer": 1.0})
    levels = resolve_levels(sample_model(), sample_assessments(), policy=nobody, on=ON)
    assert "communication" not in levels  # rated only by weight-0 rater types: unassessed


def test_same_day_ratings_go_to_the_most_trusted_rater_then_average() -> None:
    day = dt.date(2025, 6, 1)
    rated = [_a("communication", 2, "manager", day), _a("communication", 4, "peer", day)]
    assert _level(ScoringPolicy(), rated) == 2.0
    two_managers = [_a("communication", 2, "manager", day), _a("communication", 4, "manager", day)]
    assert _level(ScoringPolicy(), two_managers) == 3.0


def test_expired_and_future_assessments_are_ignored() -> None:
    rated = [
        _a("communication", 5, "certification", dt.date(2024, 1, 1), expires=dt.date(2025, 1, 1)),
        _a("communication", 5, "manager", dt.date(2026, 6, 1)),
        _a("communication", 2, "self", dt.date(2025, 1, 1)),
    ]
    assert _level(ScoringPolicy(), rated) == 2.0


def test_assessments_on_a_mapped_scale_are_converted() -> None:
    # sample: three-point interview scale mapped onto the five-point one: 1->1, 2->3, 3->5
    rated = [_a("testing", 2, "interview", dt.date(2025, 1, 1), scale="three")]
    levels = resolve_levels(sample_model(), rated, policy=ScoringPolicy(), on=ON)
    assert levels["testing"].level == 3.0
    assert levels["testing"].normalised == 0.5


def test_no_mapping_is_a_clear_error() -> None:
    model = sample_model().model_copy(update={"scale_mappings": ()})
    rated = [_a("testing", 2, "interview", dt.date(2025, 1, 1), scale="three")]
    with pytest.raises(ScoringError, match="declares no mapping from 'three' to 'five'") as info:
        score_role(model, "engineer", rated, on=ON)
    assert "scale_mappings" in str(info.value)
    with pytest.raises(ScoringError, match="no mapping"):
        readiness_matrix(model, sample_workforce().model_copy(update={"assessments": tuple(rated)}))


def test_a_level_off_the_scale_is_a_clear_error() -> None:
    rated = [_a("testing", 9, "manager", dt.date(2025, 1, 1))]
    with pytest.raises(ScoringError, match=r"9 is not a level of scale 'five'"):
        score_role(sample_model(), "engineer", rated, on=ON)


def test_exclude_policy_reports_coverage_and_still_blocks_unassessed_essentials() -> None:
    rated = [_a("python", 3, "manager", dt.date(2025, 1, 1))]
    s = score_role(
        sample_model(), "engineer", rated, on=ON, policy=ScoringPolicy(unassessed="exclude")
    )
    assert s.readiness == 1.0
    assert s.coverage == pytest.approx(1 / 3)
    assert not s.ready  # testing is essential and nobody assessed it
    assert s.unmet_essentials == ("testing",)
    m = s.policy.model_copy()
    assert score_role(sample_model(), "engineer", rated, on=ON).readiness < 1.0
    assert m.unassessed == "exclude"


def test_requirement_score_fields() -> None:
    s = score_role(sample_model(), "engineer", sample_assessments(), on=ON)
    testing = s.requirement("testing")
    assert testing is not None
    assert (testing.required, testing.actual, testing.gap, testing.met) == (3, 2.0, 0.25, False)
    python = s.requirement("python")
    assert python is not None
    assert (python.surplus, python.met) == (0.25, True)
    assert [g.competency for g in s.gaps] == ["testing"]


# -- the bulk engine's extras --------------------------------------------------------------


@given(
    st.integers(1, 6).flatmap(
        lambda m: st.tuples(
            st.lists(
                st.lists(st.sampled_from([0.0, 0.25, 0.5, 1.0]), min_size=m, max_size=m),
                min_size=1,
                max_size=8,
            ),
            st.lists(st.lists(st.booleans(), min_size=m, max_size=m), min_size=8, max_size=8),
        )
    ),
    st.integers(1, 8),
)
def test_top_k_is_the_sorted_order(data: Any, k: int) -> None:
    values, flags = data
    r = np.array(values)
    ready = np.array(flags[: len(values)], dtype=bool)
    got = top_k_rows(r, ready, k, chunk_rows=3)
    for i in range(len(values)):
        want = sorted(range(r.shape[1]), key=lambda j: (not ready[i, j], -r[i, j], j))[:k]
        assert [int(j) for j in got[i] if j >= 0] == want


def test_top_candidates_and_roles_of_the_sample() -> None:
    m = readiness_matrix(sample_model(), sample_workforce(), on=ON)
    best = m.top_candidates("senior-engineer", 2)
    assert [x.person for x in best] == ["grace", "ada"]
    assert best[0].ready
    assert [x.rank for x in best] == [1, 2]
    roles = m.top_roles("grace")
    assert [x.role for x in roles] == ["engineer", "senior-engineer"]
    assert m.match("ada", "engineer").readiness == pytest.approx(
        score_role(sample_model(), "engineer", sample_assessments(), on=ON).readiness
    )


@given(
    cst.scoring_models(n_roles=(1, 4)).flatmap(
        lambda m: st.tuples(st.just(m), cst.workforces(m, n_people=(1, 5)))
    ),
    cst.scoring_policies(),
    st.sampled_from([1, 2]),
)
def test_levels_given_as_an_array_score_like_the_workforce(
    data: Any, policy: Any, workers: int
) -> None:
    model, wf = data
    levels = PeopleLevels.from_workforce(model, wf, policy=policy, on=ON)
    comps = list(levels.competencies)
    raw = np.full(levels.normalised.shape, np.nan)
    for j, c in enumerate(comps):
        scale = model.scale_of(c)
        raw[:, j] = scale.min_value + levels.normalised[:, j] * (scale.max_value - scale.min_value)
    again = PeopleLevels.from_levels(model, list(levels.people), comps, raw)
    a = readiness_matrix(model, levels, policy=policy, on=ON, workers=workers, chunk_size=2)
    b = readiness_matrix(model, again, policy=policy, on=ON)
    np.testing.assert_allclose(a.readiness, b.readiness, rtol=0, atol=1e-12)
    assert (a.ready == b.ready).all()


def test_levels_outside_the_scale_are_refused() -> None:
    with pytest.raises(ScoringError, match="outside scale 'five'"):
        PeopleLevels.from_levels(sample_model(), ["ann"], ["python"], [[7.0]])
