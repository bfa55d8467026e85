"""The shipped strategies give valid, cross-referenced objects, also through st.from_type."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from competency_core.model import CompetencyModel
from competency_core.people import Assessment, Person, Workforce
from competency_core.roles import RoleProfile
from competency_core.scales import ProficiencyScale
from competency_core.scoring import ScoringPolicy
from competency_core.testing import strategies as cst


@given(
    cst.scoring_models(learning=True).flatmap(
        lambda m: st.tuples(st.just(m), cst.workforces(m, n_people=(0, 5)))
    )
)
def test_workforces_reference_their_model(data: Any) -> None:
    model, wf = data
    keys = {p.key for p in wf.people}
    assert len(keys) == len(wf.people)
    for p in wf.people:
        assert p.role is None or model.has_role(p.role)
        assert p.manager is None or p.manager in keys
    for a in wf.assessments:
        assert a.person in keys
        target = model.competency(a.competency).scale
        if a.scale is None or a.scale == target:
            assert model.scale(target).has_level(a.level)
        else:
            mapping = model.scale_mapping(a.scale, target)
            assert mapping is not None
            assert a.level in mapping.levels


@given(cst.scoring_models())
def test_scoring_models_are_valid_and_mappings_monotone(model: CompetencyModel) -> None:
    assert CompetencyModel.model_validate(model.model_dump()) == model
    for mp in model.scale_mappings:
        ordered = [mp.levels[v] for v in sorted(mp.levels)]
        assert ordered == sorted(ordered)
    for role in model.roles:
        for q in role.requirements:
            assert model.scale_of(q.competency).has_level(q.level)


@given(cst.scales(n_levels=4, start=st.just(10), step=5))
def test_arguments_take_values_or_strategies(scale: ProficiencyScale) -> None:
    assert scale.values == (10, 15, 20, 25)


@settings(max_examples=10)
@given(
    st.from_type(ProficiencyScale),
    st.from_type(RoleProfile),
    st.from_type(Person),
    st.from_type(Assessment),
    st.from_type(ScoringPolicy),
)
def test_from_type_is_registered(
    scale: Any, role: Any, person: Any, assessment: Any, policy: Any
) -> None:
    assert isinstance(scale, ProficiencyScale)
    assert isinstance(role, RoleProfile)
    assert isinstance(person, Person)
    assert isinstance(assessment, Assessment)
    assert isinstance(policy, ScoringPolicy)


@settings(max_examples=5)
@given(st.from_type(Workforce))
def test_from_type_workforce(wf: Workforce) -> None:
    assert {a.person for a in wf.assessments} <= {p.key for p in wf.people}
