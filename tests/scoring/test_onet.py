"""Real roles: O*NET 29.2 skill ratings as role profiles, scored against generated people."""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competency_core.errors import CompetencyError
from competency_core.model import CompetencyModel
from competency_core.scoring import PeopleLevels, readiness_matrix, score_levels, score_role
from competency_core.scoring.levels import ResolvedLevel
from competency_core.scoring.onet import ONET_LEVEL_SCALE, load_onet_skill_profiles, skill_key
from competency_core.testing import properties as P
from competency_core.testing import strategies as cst

ON = dt.date(2026, 1, 1)
ONET = Path(__file__).resolve().parents[3] / "shared" / "data" / "onet"


def _folder(name: str) -> Path:
    folder = ONET / name
    if not folder.is_dir():
        pytest.skip(f"the shared O*NET data {folder} is absent (it sits beside the checkout in CI)")
    return folder


@pytest.fixture(scope="module")
def fixture_15() -> Path:
    return _folder("fixture_15")


@pytest.fixture(scope="module")
def onet_small(fixture_15: Path) -> CompetencyModel:
    return load_onet_skill_profiles(fixture_15)


@pytest.fixture(scope="module")
def onet_full() -> CompetencyModel:
    return load_onet_skill_profiles(_folder("full"))


def _raw_ratings(folder: Path) -> dict[tuple[str, str], dict[str, float]]:
    """The usable IM and LV ratings, read independently of the loader."""
    out: dict[tuple[str, str], dict[str, float]] = {}
    with open(folder / "Skills.txt", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row["Recommend Suppress"] == "Y":
                continue
            if row["Scale ID"] == "LV" and row["Not Relevant"] == "Y":
                continue
            if row["Scale ID"] in ("IM", "LV"):
                key = (row["O*NET-SOC Code"], skill_key(row["Element Name"]))
                out.setdefault(key, {})[row["Scale ID"]] = float(row["Data Value"])
    return out


def test_every_usable_rating_becomes_a_requirement(
    onet_small: CompetencyModel, fixture_15: Path
) -> None:
    raw = {k: v for k, v in _raw_ratings(fixture_15).items() if {"IM", "LV"} <= set(v)}
    got = {(r.key, q.competency): q for r in onet_small.roles for q in r.requirements}
    assert set(got) == set(raw)
    for key, q in got.items():
        assert q.level == min(7, max(0, math.floor(raw[key]["LV"] + 0.5)))
        assert q.weight == raw[key]["IM"]
        assert q.essential == (raw[key]["IM"] >= 3.0)
    assert all(c.scale == ONET_LEVEL_SCALE for c in onet_small.competencies)
    assert len(onet_small.competencies) == 35


def test_real_titles_and_families(onet_small: CompetencyModel) -> None:
    assert len(onet_small.roles) == 29  # of 38 occupations, 29 carry skill ratings
    role = onet_small.role("15-1211.00")
    assert onet_small.text(role.title) == "Computer Systems Analysts"
    assert role.family == "soc-15"
    programming = next(q for q in role.requirements if q.competency == "programming")
    assert (programming.level, programming.weight, programming.essential) == (4, 3.25, True)


def test_a_folder_without_skills_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CompetencyError, match=r"Skills\.txt not found"):
        load_onet_skill_profiles(tmp_path)


def _onet_cases(model: CompetencyModel) -> Any:
    return cst.scoring_cases(model, size=(0, 40))


def test_the_contract_holds_on_real_roles(onet_small: CompetencyModel) -> None:
    checks = [c for c in P.CONTRACT if c is not P.check_affine_renumbering]
    P.run_contract(cases=_onet_cases(onet_small), checks=checks, max_examples=10)


@settings(max_examples=5)
@given(data=st.data())
def test_renumbering_the_onet_scale_changes_nothing(onet_small: CompetencyModel, data: Any) -> None:
    case = data.draw(_onet_cases(onet_small))
    P.check_affine_renumbering(P.library_score, case, 2, 3)


@settings(max_examples=5)
@given(data=st.data())
def test_bulk_equals_pair_on_real_roles(onet_small: CompetencyModel, data: Any) -> None:
    wf = data.draw(cst.workforces(onet_small, n_people=(1, 6), assessments_per_person=(0, 40)))
    P.check_bulk_matches_pair(onet_small, wf, on=ON)


def test_generated_people_against_all_879_occupations(onet_full: CompetencyModel) -> None:
    assert len(onet_full.roles) == 879
    rng = np.random.default_rng(29_2)
    people = [f"p{i}" for i in range(300)]
    comps = [c.key for c in onet_full.competencies]
    raw = rng.integers(0, 8, size=(len(people), len(comps))).astype(float)
    raw[rng.random(raw.shape) < 0.2] = np.nan
    levels = PeopleLevels.from_levels(onet_full, people, comps, raw)
    matrix = readiness_matrix(onet_full, levels, on=ON)
    assert matrix.readiness.shape == (300, 879)
    for _ in range(200):
        i, r = int(rng.integers(300)), int(rng.integers(879))
        resolved = {
            c: ResolvedLevel(c, raw[i, j], raw[i, j] / 7, 1, ())
            for j, c in enumerate(comps)
            if not math.isnan(raw[i, j])
        }
        s = score_levels(onet_full, matrix.roles[r], resolved, on=ON)
        assert matrix.readiness[i, r] == pytest.approx(s.readiness, abs=1e-12)
        assert matrix.gap[i, r] == pytest.approx(s.gap, abs=1e-12)
        assert matrix.coverage[i, r] == pytest.approx(s.coverage, abs=1e-12)
        assert bool(matrix.ready[i, r]) == s.ready
    best = matrix.top_candidates("15-1211.00", 5)
    col = matrix.roles.index("15-1211.00")
    order = sorted(
        range(300), key=lambda p: (not matrix.ready[p, col], -matrix.readiness[p, col], p)
    )
    assert [m.person for m in best] == [people[p] for p in order[:5]]


def test_one_real_person_scored_by_hand(onet_small: CompetencyModel) -> None:
    from competency_core.people import Assessment

    role = onet_small.role("15-1211.00")
    rated = [
        Assessment(person="ann", competency=q.competency, level=q.level, date=dt.date(2025, 1, 1))
        for q in role.requirements
    ]
    s = score_role(onet_small, role, rated, on=ON)
    assert (s.readiness, s.gap, s.ready, s.coverage) == (1.0, 0.0, True, 1.0)
    lower = [a.model_copy(update={"level": max(0, a.level - 1)}) for a in rated]
    t = score_role(onet_small, role, lower, on=ON)
    counted = [q for q in role.requirements if q.level > 0]
    want = math.fsum(q.weight / 7 for q in counted) / math.fsum(
        q.weight * q.level / 7 for q in counted
    )
    assert t.readiness == pytest.approx(1 - want)
    assert not t.ready
