"""The streaming engine over chunks of hundreds of people: the kernel's blocks and the merges' tiles.

Several blocks of the compiled kernel and several tiles of the per-person merge inside one
chunk of people, the chunk's memory reused from chunk to chunk and role chunk to role
chunk (a smaller last one included): the answer is still the whole matrix's top-k.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competency_core.scale.results import FIGURES, TopMatches
from competency_core.scale.streaming import stream_top_matches
from competency_core.scoring import PeopleLevels, readiness_matrix
from competency_core.testing import strategies as cst

ON = dt.date(2026, 1, 1)


@st.composite
def _many_people(draw: st.DrawFn) -> tuple[Any, PeopleLevels, Any]:
    """Hundreds of people on few distinct levels (NaN included): many ties."""
    model = draw(cst.scoring_models(n_roles=(1, 6)))
    comps = tuple(c.key for c in model.competencies)
    required = {
        model.scale_of(q.competency).normalise(q.level) for r in model.roles for q in r.requirements
    }
    values = np.array([*sorted(required | {0.0, 1.0}), np.nan])
    n_people = draw(st.integers(65, 400))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    levels = values[rng.integers(0, len(values), size=(n_people, len(comps)))]
    return (
        model,
        PeopleLevels(tuple(f"p{i}" for i in range(n_people)), comps, levels),
        draw(cst.scoring_policies()),
    )


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(_many_people(), st.integers(1, 12), st.integers(60, 500), st.integers(1, 4))
def test_streaming_over_large_chunks_gives_the_matrix_top_k(
    inputs: Any, k: int, people_chunk: int, role_chunk: int
) -> None:
    model, levels, policy = inputs
    want = TopMatches.from_matrix(readiness_matrix(model, levels, policy=policy, on=ON), k)
    got = stream_top_matches(
        model,
        levels,
        k=k,
        policy=policy,
        on=ON,
        people_chunk=people_chunk,
        role_chunk=role_chunk,
    ).top
    for side in ("roles_per_person", "candidates_per_role"):
        a, b = getattr(got, side), getattr(want, side)
        assert np.array_equal(a.index, b.index), side
        assert np.array_equal(a.ready, b.ready), side
        for name in FIGURES:
            assert np.array_equal(getattr(a, name), getattr(b, name), equal_nan=True), (side, name)
