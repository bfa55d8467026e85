"""The compiled bulk kernel (numba) gives the sparse engine's bits, on any number of threads.

The two kernels sum each pair's requirements in the same order, so every figure is equal to
the bit (not merely close), the compiled one passes the bulk-versus-pair contract, and its
answer does not depend on how many threads ran it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competency_core.scoring import PeopleLevels, readiness_matrix
from competency_core.testing import properties as P
from competency_core.testing import strategies as cst

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FIELDS = ("readiness", "gap", "share_met", "coverage", "ready")


@st.composite
def _inputs(draw: st.DrawFn) -> tuple[Any, Any, Any, dt.date]:
    model = draw(cst.scoring_models(n_roles=(0, 5)))
    # up to 40 people: one part-filled block (many blocks: test_..._over_many_blocks)
    wf = draw(cst.workforces(model, n_people=(0, 40), assessments_per_person=(0, 8)))
    on = draw(st.dates(dt.date(2023, 1, 1), dt.date(2026, 12, 31)))
    return model, wf, draw(cst.scoring_policies()), on


@SETTINGS
@given(_inputs(), st.sampled_from([1, 2]))
def test_compiled_kernel_gives_the_sparse_kernels_bits(inputs: Any, workers: int) -> None:
    model, wf, policy, on = inputs
    levels = PeopleLevels.from_workforce(model, wf, policy=policy, on=on)
    sparse = readiness_matrix(model, levels, policy=policy, on=on, kernel="sparse")
    compiled = readiness_matrix(
        model, levels, policy=policy, on=on, kernel="compiled", workers=workers
    )
    for name in FIELDS:
        assert np.array_equal(getattr(sparse, name), getattr(compiled, name)), name
        assert getattr(compiled, name).shape == (len(levels.people), len(sparse.roles))


@settings(SETTINGS, max_examples=25)
@given(_inputs())
def test_compiled_kernel_passes_the_bulk_contract(inputs: Any) -> None:
    model, wf, policy, on = inputs

    def bulk(m: Any, w: Any, **kw: Any) -> Any:
        return readiness_matrix(m, w, kernel="compiled", **kw)

    P.check_bulk_matches_pair(model, wf, policy=policy, on=on, bulk=bulk)


@st.composite
def _many_people(draw: st.DrawFn) -> tuple[Any, PeopleLevels, Any]:
    """Hundreds of people (several blocks and chunks of the kernel, a part-filled last one).

    Levels are drawn from the model's required levels and a few others, NaN included, so
    many people sit exactly on a required level (the ``a < t`` edge).
    """
    model = draw(cst.scoring_models(n_roles=(1, 5)))
    comps = tuple(c.key for c in model.competencies)
    required = {
        model.scale_of(q.competency).normalise(q.level) for r in model.roles for q in r.requirements
    }
    values = np.array([*sorted(required | {0.0, 0.3, 1.0}), np.nan])
    n_people = draw(st.integers(65, 600))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    levels = values[rng.integers(0, len(values), size=(n_people, len(comps)))]
    people = tuple(f"p{i}" for i in range(n_people))
    return model, PeopleLevels(people, comps, levels), draw(cst.scoring_policies())


@settings(SETTINGS, max_examples=15)
@given(_many_people(), st.sampled_from([1, 2]))
def test_compiled_kernel_gives_the_sparse_bits_over_many_blocks(inputs: Any, workers: int) -> None:
    model, levels, policy = inputs
    sparse = readiness_matrix(model, levels, policy=policy, kernel="sparse", chunk_size=100)
    compiled = readiness_matrix(model, levels, policy=policy, kernel="compiled", workers=workers)
    for name in FIELDS:
        assert np.array_equal(getattr(sparse, name), getattr(compiled, name)), name


@settings(SETTINGS, max_examples=30)
@given(
    # many requirements a role, weights and levels whose sums round (a correctly rounded
    # required mass can differ in the last bit from any order of plain additions)
    cst.scoring_models(
        n_competencies=(8, 14),
        n_roles=(1, 4),
        requirements_per_role=(6, 14),
        weights=st.sampled_from([0.1, 0.3, 0.7, 1 / 3, 2.9, 1.0]),
    ),
    cst.scoring_policies(),
    st.sampled_from(["sparse", "compiled"]),
)
def test_readiness_is_exactly_0_with_nothing_had_and_exactly_1_with_nothing_missing(
    model: Any, policy: Any, kernel: str
) -> None:
    """Whatever order the sums run in: (required - gap mass) / required (minimum) is summed so
    that someone with nothing scores 0.0, not a rounding hair above it, and someone who
    meets everything 1.0; under exclude had / (had + gap mass) does the same."""
    comps = tuple(c.key for c in model.competencies)
    n = len(comps)
    levels = PeopleLevels(
        ("unassessed", "at-minimum", "at-maximum"),
        comps,
        np.array([[np.nan] * n, [0.0] * n, [1.0] * n]),
    )
    m = readiness_matrix(model, levels, policy=policy, kernel=kernel)
    for r, role in enumerate(model.roles):
        required = any(
            model.scale_of(q.competency).normalise(q.level) > 0 for q in role.requirements
        )
        nothing = [1] if policy.unassessed.value == "exclude" else [0, 1]
        for p in nothing:
            assert m.readiness[p, r] == (0.0 if required else 1.0), (p, role.key)
        assert m.readiness[2, r] == 1.0, role.key
        if not required:
            assert m.readiness[0, r] == 1.0, role.key
