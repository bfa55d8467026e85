"""The SQL engines' top-k pieces that the contract test reaches only now and then (issue 19).

* the count code ``tally`` (:data:`competency_core.scale.sql.TALLY_FIELD`): counts packed
  into one double sum decode to the same share met, coverage and ready flags as the memory
  engine's, also when a field is filled to its last value (a narrow field, patched in);
  a role with too many requirements for the field is refused;
* each role's candidates merged range by range (a bounded set kept between ranges) give
  the same lists as merging every range's candidates at once;
* DuckDB with one person a range (many ranges, the first ``k`` people of all in the first
  ranges only) gives the memory engine's lists.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competency_core import CompetencyModel
from competency_core.errors import ScoringError
from competency_core.scale import engines as E
from competency_core.scale import sql as S
from competency_core.scale.results import FIGURES, TopMatches
from competency_core.scoring import readiness_matrix
from competency_core.scoring.bulk import PeopleLevels

ON = dt.date(2026, 1, 1)
LEVELS = [0, 1, 2, 3, 4]


def _model(n_comps: int, roles: list[list[tuple[int, int, bool]]]) -> CompetencyModel:
    """Competencies c0.. on one 0-4 scale; roles of (competency, level, essential)."""
    return CompetencyModel.model_validate(
        {
            "key": "topk",
            "name": "Top-k",
            "scales": [
                {
                    "key": "s",
                    "name": "s",
                    "proficient": 2,
                    "levels": [{"value": v, "label": str(v)} for v in LEVELS],
                }
            ],
            "competencies": [
                {"key": f"c{j}", "name": f"C{j}", "scale": "s"} for j in range(n_comps)
            ],
            "roles": [
                {
                    "key": f"r{r}",
                    "title": f"R{r}",
                    "requirements": [
                        {
                            "competency": f"c{j}",
                            "level": lv,
                            "weight": 1.0 + j % 3,
                            "essential": ess,
                        }
                        for j, lv, ess in reqs
                    ],
                }
                for r, reqs in enumerate(roles)
            ],
        }
    )


def _reference(model: CompetencyModel, levels: PeopleLevels, k: int) -> TopMatches:
    return TopMatches.from_matrix(readiness_matrix(model, levels, on=ON), k)


def _assert_lists_agree(got: TopMatches, ref: TopMatches) -> None:
    """Same pairs by index (ties within 1e-12 aside), counts exact, sums within 1e-12."""
    for side in ("roles_per_person", "candidates_per_role"):
        a, b = getattr(got, side), getattr(ref, side)
        np.testing.assert_allclose(a.readiness, b.readiness, rtol=0, atol=1e-12)
        np.testing.assert_array_equal(a.ready, b.ready)
        for row in range(a.index.shape[0]):
            for rank in range(a.index.shape[1]):
                if a.index[row, rank] == b.index[row, rank]:
                    for name in ("share_met", "coverage"):  # counts: exact
                        assert getattr(a, name)[row, rank] == getattr(b, name)[row, rank]
                    np.testing.assert_allclose(a.gap[row, rank], b.gap[row, rank], atol=1e-12)


@pytest.mark.parametrize("field", [4, 8, S.TALLY_FIELD])
def test_the_count_code_decodes_to_the_memory_engines_counts(
    field: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every role lists every requirement met (fields full), some, or none."""
    monkeypatch.setattr(S, "TALLY_FIELD", field)
    n = min(field - 1, 7)  # as many requirements as the field holds
    roles = [
        [(j, 1 + j % 4, j % 2 == 0) for j in range(n)],  # essentials among them
        [(j, 4, True) for j in range(n)],  # all essential, all at the top
        [(j, 0, True) for j in range(n)],  # at the minimum: never unmet, never blocking
    ]
    model = _model(n, roles)
    rng = np.random.default_rng(field)
    raw = rng.integers(0, 5, size=(12, n)).astype(np.float64)
    raw[0] = 4.0  # everything met
    raw[1] = np.nan  # nothing assessed
    raw[2, ::2] = np.nan
    levels = PeopleLevels.from_levels(
        model, [f"p{i}" for i in range(12)], [f"c{j}" for j in range(n)], raw
    )
    k = len(roles)
    with E.engine("duckdb", people_per_query=5) as eng:
        got = eng.top_matches(model, levels, k=k, on=ON)
    _assert_lists_agree(got, _reference(model, levels, k))


def test_a_role_with_more_requirements_than_the_count_code_holds_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(S, "TALLY_FIELD", 4)
    model = _model(4, [[(j, 2, False) for j in range(4)]])
    with pytest.raises(ScoringError, match="at most 3 a role"):
        S.scoring_tables(model, ["p0"])


@st.composite
def _role_parts(draw: st.DrawFn) -> tuple[list[dict[str, npt.NDArray[Any]]], int, int]:
    """Candidates of several ranges: (role, person, readiness, ready), ties likely."""
    n_roles = draw(st.integers(1, 4))
    k = draw(st.integers(1, 3))
    parts, person = [], 0
    for _ in range(draw(st.integers(1, 6))):
        rows = draw(st.integers(0, 8))
        role = np.array([draw(st.integers(0, n_roles - 1)) for _ in range(rows)], np.int64)
        idx = np.arange(person, person + rows, dtype=np.int64)
        person += rows
        readiness = np.array([draw(st.sampled_from([0.0, 0.25, 0.5, 1.0])) for _ in range(rows)])
        ready = np.array([draw(st.booleans()) for _ in range(rows)], dtype=bool)
        part = {"role_idx": role, "person_idx": idx, "readiness": readiness, "ready": ready}
        for name in FIGURES:
            if name != "readiness":
                part[name] = readiness / 2
        parts.append(part)
    return parts, n_roles, k


@settings(max_examples=60, deadline=None)
@given(_role_parts())
def test_roles_merged_range_by_range_as_all_at_once(
    case: tuple[list[dict[str, npt.NDArray[Any]]], int, int],
) -> None:
    parts, n_roles, k = case
    whole = E._merge_roles(parts, n_roles, k)
    kept: list[dict[str, npt.NDArray[Any]]] = []
    for part in parts:  # as top_matches does, reduced after every range
        kept = [E._best_of_roles([*kept, part], k)]
    stepwise = E._merge_roles(kept, n_roles, k)
    np.testing.assert_array_equal(stepwise.index, whole.index)
    for name in FIGURES:
        np.testing.assert_array_equal(getattr(stepwise, name), getattr(whole, name))
    np.testing.assert_array_equal(stepwise.ready, whole.ready)


def test_duckdb_in_ranges_of_one_person_gives_the_memory_engines_lists() -> None:
    """Many ranges: the first k people of all come with every role in the first ranges only."""
    roles = [
        [(0, 2, True), (1, 3, False)],
        [(1, 1, False)],
        [(2, 4, True), (0, 1, False)],
        [(3, 2, False)],
        [(2, 1, False), (3, 3, True)],
    ]
    model = _model(4, roles)
    rng = np.random.default_rng(5)
    raw = rng.integers(0, 5, size=(15, 4)).astype(np.float64)
    raw[rng.random(raw.shape) < 0.5] = np.nan  # many unmatched pairs at the base
    raw[:3] = np.nan  # the first people match nothing: base pairs only
    raw[:, 3] = np.nan  # c3 (role r3's only requirement) assessed for one person only: r3's
    raw[10, 3] = 2.0  # list is p10 and then the first people at the base
    levels = PeopleLevels.from_levels(
        model, [f"p{i}" for i in range(15)], [f"c{j}" for j in range(4)], raw
    )
    for k in (1, 3):
        with E.engine("duckdb", people_per_query=1) as eng:
            got = eng.top_matches(model, levels, k=k, on=ON)
        ref = _reference(model, levels, k)
        _assert_lists_agree(got, ref)
        np.testing.assert_array_equal(got.candidates_per_role.index, ref.candidates_per_role.index)
