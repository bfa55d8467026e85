"""The streaming engine gives the whole matrix's top-k answers and organisation readiness.

Whatever the chunk sizes of people and roles, :func:`stream_top_matches` answers what
``TopMatches.from_matrix(readiness_matrix(...), k)`` answers (the same indices in the same
order, ties included, and the same figures to the bit), and its readiness by competency,
team and department is :func:`organisation_readiness`'s.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competency_core.errors import ScoringError
from competency_core.people import Workforce
from competency_core.scale.results import FIGURES, TopMatches
from competency_core.scale.streaming import (
    PeopleChunk,
    chunks_from_workforce,
    stream_top_matches,
)
from competency_core.scoring import PeopleLevels, organisation_readiness, readiness_matrix
from competency_core.testing import strategies as cst
from competency_core.testing.samples import sample_model, sample_workforce

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ON = dt.date(2026, 1, 1)


def assert_same_top(got: TopMatches, want: TopMatches) -> None:
    assert got.people == want.people
    assert got.roles == want.roles
    assert got.k == want.k
    for side in ("roles_per_person", "candidates_per_role"):
        a, b = getattr(got, side), getattr(want, side)
        assert np.array_equal(a.index, b.index), side
        assert np.array_equal(a.ready, b.ready), side
        for name in FIGURES:
            assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), (side, name)


@st.composite
def _inputs(draw: st.DrawFn) -> tuple[Any, Workforce, Any]:
    # few scale levels and few assessments: many equal scores, so ties are the rule
    model = draw(cst.scoring_models(n_roles=(0, 6)))
    wf = draw(cst.workforces(model, n_people=(0, 24), assessments_per_person=(0, 5)))
    return model, wf, draw(cst.scoring_policies())


@SETTINGS
@given(
    _inputs(),
    st.integers(0, 8),
    st.integers(1, 30),
    st.integers(1, 7),
    st.booleans(),
)
def test_streaming_gives_the_matrix_top_k_over_any_chunks(
    inputs: Any, k: int, people_chunk: int, role_chunk: int, as_list: bool
) -> None:
    model, wf, policy = inputs
    levels = PeopleLevels.from_workforce(model, wf, policy=policy, on=ON)
    want = TopMatches.from_matrix(readiness_matrix(model, levels, policy=policy, on=ON), k)
    source: Any = levels
    if as_list:  # the caller's own chunks (then split again by people_chunk)
        source = [c.levels for c in chunks_from_workforce(model, wf, policy=policy, on=ON, size=5)]
    got = stream_top_matches(
        model,
        source,
        k=k,
        policy=policy,
        on=ON,
        people_chunk=people_chunk,
        role_chunk=role_chunk,
        workers=1 + people_chunk % 2,
    )
    assert_same_top(got.top, want)
    assert got.readiness is None  # no chunk said who holds which role


@SETTINGS
@given(_inputs(), st.integers(1, 9))
def test_streamed_readiness_is_organisation_readiness(inputs: Any, size: int) -> None:
    model, wf, policy = inputs
    want = organisation_readiness(model, wf, policy=policy, on=ON)
    chunks = chunks_from_workforce(model, wf, policy=policy, on=ON, size=size)
    got = stream_top_matches(model, chunks, k=2, policy=policy, on=ON).readiness
    assert got is not None
    assert got.people == want.people
    assert got.without_role == len(want.without_role)
    assert got.overall == want.overall
    assert got.by_competency == want.by_competency
    assert got.by_team == want.by_team
    assert got.by_department == want.by_department


def test_progress_reports_people_done_and_the_total() -> None:
    model, wf = sample_model(), sample_workforce()
    levels = PeopleLevels.from_workforce(model, wf, on=ON)
    n = len(levels.people)
    calls: list[tuple[int, int | None]] = []
    stream_top_matches(
        model, levels, k=1, on=ON, people_chunk=2, progress=lambda d, t: calls.append((d, t))
    )
    assert n == 3
    assert calls == [(2, 3), (3, 3)]
    calls.clear()
    chunks = iter([levels])  # an iterable: total unknown unless given
    stream_top_matches(
        model, chunks, k=1, on=ON, people_chunk=1, progress=lambda d, t: calls.append((d, t))
    )
    assert calls == [(1, None), (2, None), (3, None)]


def test_bad_input_gets_a_clear_error() -> None:
    model, wf = sample_model(), sample_workforce()
    levels = PeopleLevels.from_workforce(model, wf, on=ON)
    with pytest.raises(ScoringError, match="comes in more than one chunk"):
        stream_top_matches(model, [levels, levels], on=ON)
    with pytest.raises(ScoringError, match="chunk sizes must be at least 1"):
        stream_top_matches(model, levels, on=ON, role_chunk=0)
    with pytest.raises(ScoringError, match="k must not be negative"):
        stream_top_matches(model, levels, on=ON, k=-1)
    with pytest.raises(ScoringError, match="1 role values for 3 people"):
        PeopleChunk(levels, role=["x"])
