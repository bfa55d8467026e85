"""Equal scores are equal to the bit, and rank in the order they were given (issue 15).

The bulk engine once computed readiness as ``1 - gap_mass * (1 / required_mass)``: for
someone with nothing a role asks for, that is 1.1e-16 for one role and 0.0 for a twin role
whose sums round the other way, so ``fit`` ranked the twins against the given order and
showed a readiness of 1.1e-16.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competency_core import CompetencyModel
from competency_core.people import Person, Workforce
from competency_core.roles import RoleProfile
from competency_core.scoring import ScoringPolicy, readiness_matrix, score_role
from competency_core.testing import properties as P
from competency_core.testing import strategies as cst

ON = dt.date(2026, 1, 1)
SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _with_roles(model: CompetencyModel, roles: list[RoleProfile]) -> CompetencyModel:
    data = model.model_dump()
    data["roles"] = [r.model_dump() for r in roles]
    return CompetencyModel.model_validate(data)


def _scale_and_roles() -> CompetencyModel:
    """One 0..6 scale, two competencies; ``a`` and its twin ``b`` (weights x 3)."""
    return CompetencyModel.model_validate(
        {
            "key": "ties",
            "name": "Ties",
            "scales": [
                {
                    "key": "s",
                    "name": "S",
                    "levels": [{"value": v, "label": f"L{v}"} for v in range(7)],
                    "proficient": 3,
                }
            ],
            "competencies": [
                {"key": "c0", "name": "C0", "scale": "s"},
                {"key": "c1", "name": "C1", "scale": "s"},
            ],
            "roles": [
                {
                    "key": key,
                    "title": key,
                    "requirements": [
                        {"competency": "c0", "level": 1, "weight": 0.25 * k, "essential": False},
                        {"competency": "c1", "level": 3, "weight": 3.0 * k, "essential": False},
                    ],
                }
                for key, k in (("a", 1.0), ("b", 3.0))
            ],
        }
    )


def test_someone_with_nothing_required_is_exactly_zero_ready_on_twin_roles() -> None:
    model = _scale_and_roles()
    wf = Workforce(people=(Person(key="p", name="P"),))
    m = readiness_matrix(model, wf, on=ON)
    assert m.readiness[0].tolist() == [0.0, 0.0]  # was [1.1e-16, 0.0]
    assert [x.role for x in m.top_roles("p")] == ["a", "b"]  # the given order
    assert score_role(model, "a", [], on=ON).readiness == 0.0


@st.composite
def _twinned(draw: st.DrawFn) -> tuple[CompetencyModel, Workforce, ScoringPolicy]:
    """A model whose every role has a twin (requirements shuffled), people with twins too."""
    model = draw(cst.scoring_models(n_roles=(1, 3)))
    twins = [
        r.model_copy(
            update={
                "key": f"{r.key}-twin",
                "requirements": tuple(draw(st.permutations(r.requirements))),
            }
        )
        for r in model.roles
    ]
    model = _with_roles(model, [*model.roles, *twins])
    wf = draw(cst.workforces(model, n_people=(1, 4), assessments_per_person=(0, 8)))
    twin_people = [
        p.model_copy(update={"key": f"{p.key}-twin", "manager": None}) for p in wf.people
    ]
    twin_assessments = [
        a.model_copy(update={"person": f"{a.person}-twin"})
        for a in draw(st.permutations(wf.assessments))
    ]
    wf = Workforce(
        people=(*wf.people, *twin_people), assessments=(*wf.assessments, *twin_assessments)
    )
    return model, wf, draw(cst.scoring_policies())


@SETTINGS
@given(_twinned())
def test_twins_score_identically_and_rank_in_the_given_order(inputs: Any) -> None:
    model, wf, policy = inputs
    m = readiness_matrix(model, wf, policy=policy, on=ON)
    n_r, n_p = len(model.roles) // 2, len(wf.people) // 2
    for name in ("readiness", "gap", "share_met", "coverage", "ready"):
        values = getattr(m, name)
        assert np.array_equal(values[:, :n_r], values[:, n_r:]), f"twin roles differ in {name}"
        assert np.array_equal(values[:n_p], values[n_p:]), f"twin people differ in {name}"
    for person in m.people:
        ranked = [x.role for x in m.top_roles(person, len(m.roles))]
        for r in m.roles[:n_r]:
            assert ranked.index(r) < ranked.index(f"{r}-twin"), ranked
    for role in m.roles:
        ranked = [x.person for x in m.top_candidates(role, len(m.people))]
        for p in m.people[:n_p]:
            assert ranked.index(p) < ranked.index(f"{p}-twin"), ranked
    P.check_bulk_matches_pair(model, wf, policy=policy, on=ON)


@SETTINGS
@given(cst.scoring_models(n_roles=(1, 4)), cst.scoring_policies())
def test_nobody_assessed_is_exactly_zero_ready_in_bulk_and_pair(
    model: CompetencyModel, policy: ScoringPolicy
) -> None:
    wf = Workforce(people=(Person(key="p", name="P"),))
    m = readiness_matrix(model, wf, policy=policy, on=ON)
    for j, role in enumerate(m.roles):
        pair = score_role(model, role, [], policy=policy, on=ON)
        assert m.readiness[0, j] == pair.readiness, role
        assert m.readiness[0, j] in (0.0, 1.0), role
