"""The shipped strategies give valid, cross-referenced objects, also through st.from_type."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from competency_core.evidence import EvidenceRules
from competency_core.model import CompetencyModel
from competency_core.people import Assessment, Evidence, EvidenceKind, Person, Workforce
from competency_core.roles import RoleProfile
from competency_core.scales import ProficiencyScale
from competency_core.scoring import ScoringPolicy, resolve_levels
from competency_core.scoring.rules import evidence_rule_problems
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


@settings(max_examples=10)
@given(st.from_type(Evidence))
def test_from_type_evidence(piece: Evidence) -> None:
    assert isinstance(piece, Evidence)


@given(
    cst.scoring_models(learning=True).flatmap(
        lambda m: st.tuples(
            st.just(m),
            cst.workforces(
                m, n_people=(1, 3), assessments_per_person=0, evidence_per_person=(1, 8)
            ),
        )
    )
)
def test_evidence_references_its_model(data: Any) -> None:
    model, wf = data
    keys = {p.key for p in wf.people}
    assert wf.evidence
    for e in wf.evidence:
        assert e.person in keys
        assert e.valid_until is None or e.valid_until >= e.date
        if e.kind is EvidenceKind.COURSE:
            assert e.competency is None
            model.learning_resource(str(e.resource))
            continue
        assert e.competency is not None
        assert model.has_competency(e.competency)
        if e.kind is EvidenceKind.RATING:
            assert e.level is not None
            assert e.rater_type is not None
        if e.level is not None:
            target = model.competency(e.competency).scale
            if e.scale is None:
                assert model.scale(target).has_level(e.level)
            else:
                mapping = model.scale_mapping(e.scale, target)
                assert mapping is not None
                assert e.level in mapping.levels
    # the levels resolve under the model's (default) rules
    for p in keys:
        resolve_levels(model, wf.evidence_of(p), policy=ScoringPolicy(), on=dt.date(2026, 1, 1))


def test_every_kind_is_generated_with_and_without_a_level() -> None:
    seen: set[tuple[str, bool]] = set()

    @settings(max_examples=60, database=None)
    @given(cst.person_evidence(cst.scoring_models(learning=True), size=(1, 6)))
    def collect(pieces: tuple[Evidence, ...]) -> None:
        seen.update((str(e.kind), e.level is not None) for e in pieces)

    collect()
    levelled = {str(k) for k, with_level in seen if with_level}
    assert levelled == {"rating", "certification", "badge", "xapi"}
    assert {str(k) for k, with_level in seen if not with_level} >= {"course", "badge", "xapi"}


@given(
    cst.scoring_models(hierarchy=True, learning=True).flatmap(
        lambda m: st.tuples(st.just(m), cst.evidence_rules(m))
    )
)
def test_evidence_rules_are_valid_for_their_model(data: Any) -> None:
    model, rules = data
    full = CompetencyModel.model_validate({**model.model_dump(), "evidence": rules.model_dump()})
    assert evidence_rule_problems(full) == []
    for r in rules.rules:
        if r.rule == "roll-up":
            assert model.children(r.competency)


def test_evidence_rules_cover_any_of_roll_up_and_half_life() -> None:
    seen: set[str] = set()

    @settings(max_examples=40, database=None)
    @given(
        cst.scoring_models(n_competencies=(3, 6), hierarchy=True, learning=True).flatmap(
            cst.evidence_rules
        )
    )
    def collect(rules: EvidenceRules) -> None:
        seen.update(r.rule for r in rules.rules)
        seen.update(f"half-life {h.lowers}" for h in rules.half_life)

    collect()
    assert seen == {"any-of", "roll-up", "half-life confidence", "half-life level"}
