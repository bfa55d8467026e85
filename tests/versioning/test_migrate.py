"""Carrying assessments between versions: renames, merges, splits, level re-numbering."""

from __future__ import annotations

import datetime as dt

import pytest

from competency_core.errors import ModelValidationError
from competency_core.io import loads_model
from competency_core.model import CompetencyModel
from competency_core.people import Assessment, RaterType
from competency_core.versioning import MigrationMapping, migrate_assessments

DAY = dt.date(2026, 2, 1)

OLD = """
key: m
name: M
version: 1.0.0
scales:
  - {key: four, name: Four, proficient: 3, levels: [{value: 1, label: A}, {value: 2, label: B},
     {value: 3, label: C}, {value: 4, label: D}]}
competencies:
  - {key: coding, name: Coding, definition: Writes code, scale: four}
  - {key: unit-tests, name: Unit tests, scale: four}
  - {key: e2e-tests, name: End-to-end tests, scale: four}
  - {key: communication, name: Communication, scale: four}
  - {key: legacy, name: Legacy tools, scale: four}
"""

NEW = """
key: m
name: M
version: 2.0.0
scales:
  - {key: five, name: Five, proficient: 3, levels: [{value: 1, label: A}, {value: 2, label: B},
     {value: 3, label: C}, {value: 4, label: D}, {value: 5, label: E}]}
competencies:
  - {key: programming, name: Coding, definition: Writes code, scale: five}
  - {key: testing, name: Testing, scale: five}
  - {key: writing, name: Writing, scale: five}
  - {key: presenting, name: Presenting, scale: five}
"""

LEVELS = {"four": {1: 1, 2: 2, 3: 4, 4: 5}}


@pytest.fixture
def old() -> CompetencyModel:
    return loads_model(OLD)


@pytest.fixture
def new() -> CompetencyModel:
    return loads_model(NEW)


def _a(competency: str, level: int, person: str = "ann", **kw: object) -> Assessment:
    return Assessment.model_validate(
        {"person": person, "competency": competency, "level": level, "date": DAY, **kw}
    )


def test_rename_merge_split_and_renumber(old: CompetencyModel, new: CompetencyModel) -> None:
    mapping = MigrationMapping(
        renames={"coding": "programming"},
        merges={"testing": ("unit-tests", "e2e-tests")},
        merge_policy="max",
        splits={"communication": ("writing", "presenting")},
        levels=LEVELS,
        drop=("legacy",),
    )
    found = [
        _a("coding", 3),
        _a("unit-tests", 2, evidence=("PR 1",)),
        _a("e2e-tests", 4, evidence=("PR 2",)),
        _a("communication", 1),
        _a("legacy", 4),
    ]
    result = migrate_assessments(found, old, new, mapping)
    got = sorted((a.competency, a.level, a.model_version) for a in result.assessments)
    assert got == [
        ("presenting", 1, "2.0.0"),
        ("programming", 4, "2.0.0"),
        ("testing", 5, "2.0.0"),
        ("writing", 1, "2.0.0"),
    ]
    merged = next(a for a in result.assessments if a.competency == "testing")
    assert merged.evidence == ("PR 1", "PR 2")
    r = result.report
    assert (r.read, r.carried, r.renamed, r.merged, r.split, r.renumbered) == (5, 4, 1, 2, 2, 5)
    assert [(nc.assessment.competency, nc.reason) for nc in r.not_carried] == [
        ("legacy", "dropped by the mapping")
    ]
    assert "| ann | legacy | 4 | 2026-02-01 | dropped by the mapping |" in r.to_markdown()


@pytest.mark.parametrize(("policy", "level"), [("min", 1), ("max", 4), ("mean", 3)])
def test_merge_policies(old: CompetencyModel, policy: str, level: int) -> None:
    new = loads_model(
        OLD.replace("version: 1.0.0", "version: 1.1.0")
        .replace("  - {key: unit-tests, name: Unit tests, scale: four}\n", "")
        .replace("e2e-tests, name: End-to-end tests", "testing, name: Testing")
    )
    mapping = MigrationMapping.model_validate(
        {"merges": {"testing": ["unit-tests", "e2e-tests"]}, "merge_policy": policy}
    )
    found = [_a("unit-tests", 1), _a("e2e-tests", 4), _a("unit-tests", 2, person="bob")]
    result = migrate_assessments(found, old, new, mapping)
    by_person = {a.person: a.level for a in result.assessments}
    assert by_person == {"ann": level, "bob": 2}  # mean of 1 and 4 rounds half up to 3


def test_unmapped_removals_and_scale_changes_are_reported(
    old: CompetencyModel, new: CompetencyModel
) -> None:
    result = migrate_assessments([_a("coding", 2), _a("legacy", 1)], old, new)
    reasons = [nc.reason for nc in result.report.not_carried]
    assert result.assessments == ()
    assert reasons == [
        "'programming' moved from scale 'four' to 'five': add a level mapping for 'four'",
        "removed in 2.0.0; map it (rename, merge, split) or drop it",
    ]


def test_detected_renames_apply_without_a_mapping(old: CompetencyModel) -> None:
    renamed = loads_model(OLD.replace("key: coding", "key: programming"))
    result = migrate_assessments([_a("coding", 3, rater_type=RaterType.SELF)], old, renamed)
    assert [(a.competency, a.level, a.rater_type) for a in result.assessments] == [
        ("programming", 3, RaterType.SELF)
    ]
    assert result.report.renamed == 1


def test_level_not_in_mapping(old: CompetencyModel, new: CompetencyModel) -> None:
    mapping = MigrationMapping(renames={"coding": "programming"}, levels={"four": {1: 1}})
    result = migrate_assessments([_a("coding", 2)], old, new, mapping)
    assert (
        result.report.not_carried[0].reason == "level 2 of scale 'four' is not in the level mapping"
    )


def test_invalid_mapping_lists_every_problem(old: CompetencyModel, new: CompetencyModel) -> None:
    mapping = MigrationMapping(
        renames={"nope": "programming", "coding": "ghost"},
        splits={"coding": ("writing",)},
        levels={"unknown-scale": {1: 1}},
    )
    with pytest.raises(ModelValidationError) as info:
        migrate_assessments([], old, new, mapping)
    messages = [p.message for p in info.value.problems]
    assert "'nope' is not a competency of 1.0.0" in messages
    assert "'ghost' is not a competency of 2.0.0" in messages
    assert "'coding' is already mapped by renames.coding" in messages
    assert "'unknown-scale' is not a scale of 1.0.0" in messages
