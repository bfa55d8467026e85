"""Every validation rule, with its location and message."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import competency_core as cc
from competency_core.io import check_model_data


def base() -> dict[str, Any]:
    return {
        "key": "m",
        "name": "Model",
        "scales": [
            {
                "key": "five",
                "name": "Five",
                "proficient": 3,
                "levels": [{"value": v, "label": f"L{v}"} for v in range(1, 6)],
            },
            {
                "key": "three",
                "name": "Three",
                "proficient": 2,
                "levels": [{"value": v, "label": f"T{v}"} for v in range(1, 4)],
            },
        ],
        "tracks": [{"key": "ic", "name": "Individual contributor"}],
        "competencies": [
            {"key": "design", "name": "Design", "scale": "five"},
            {"key": "api", "name": "API design", "scale": "five", "parent": "design"},
            {"key": "talk", "name": "Communication", "scale": "three"},
        ],
        "roles": [
            {
                "key": "dev",
                "title": "Developer",
                "track": "ic",
                "requirements": [
                    {"competency": "design", "level": 3},
                    {"competency": "talk", "level": 2, "essential": False},
                ],
            },
            {"key": "lead", "title": "Lead", "requirements": [{"competency": "api", "level": 4}]},
        ],
        "transitions": [{"source": "dev", "target": "lead"}],
        "scale_mappings": [{"source": "three", "target": "five", "levels": {1: 1, 2: 3, 3: 5}}],
        "learning_resources": [
            {"key": "course", "title": "Course", "develops": [{"competency": "api", "to_level": 3}]}
        ],
    }


def problems_of(data: dict[str, Any]) -> list[tuple[str, str]]:
    model, problems = check_model_data(data)
    errors = [(p.path, p.message) for p in problems if p.severity == "error"]
    assert (model is None) == bool(errors)
    return errors


def mutate(path: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(base())
    node: Any = data
    parts = path.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if part.isdigit() else node[part]
    last = parts[-1]
    if value is DELETE:
        del node[int(last) if last.isdigit() else last]
    elif last.isdigit():
        node[int(last)] = value
    else:
        node[last] = value
    return data


DELETE = object()


def test_base_is_valid() -> None:
    assert problems_of(base()) == []


@pytest.mark.parametrize(
    ("path", "value", "where", "words"),
    [
        ("competencies.0.scale", "fiv", "competencies[0].scale", "unknown scale 'fiv'"),
        (
            "competencies.1.parent",
            "nope",
            "competencies[1].parent",
            "unknown parent competency 'nope'",
        ),
        ("competencies.0.parent", "design", "competencies[0].parent", "cannot be its own parent"),
        (
            "competencies.0.parent",
            "api",
            "competencies[0].parent",
            "cycle: design -> api -> design",
        ),
        (
            "competencies.2.key",
            "design",
            "competencies[2].key",
            "duplicate competency key 'design'",
        ),
        ("scales.1.key", "five", "scales[1].key", "duplicate scale key 'five'"),
        ("roles.1.key", "dev", "roles[1].key", "duplicate role key 'dev'"),
        ("tracks.0.key", "manager", "roles[0].track", "unknown track 'ic'"),
        (
            "roles.0.requirements.0.competency",
            "coding",
            "roles[0].requirements[0].competency",
            "unknown competency 'coding'",
        ),
        (
            "roles.0.requirements.1.level",
            4,
            "roles[0].requirements[1].level",
            "4 is not a level of scale 'three'",
        ),
        (
            "roles.0.requirements.1.competency",
            "design",
            "roles[0].requirements[1].competency",
            "required twice",
        ),
        ("transitions.0.target", "cto", "transitions[0].target", "unknown role 'cto'"),
        ("transitions.0.target", "dev", "transitions[0].target", "must lead to another role"),
        ("scale_mappings.0.source", "four", "scale_mappings[0].source", "unknown scale 'four'"),
        (
            "scale_mappings.0.levels",
            {1: 1, 2: 6},
            "scale_mappings[0].levels.2",
            "6 is not a level of 'five'",
        ),
        ("scale_mappings.0.levels", {1: 3, 2: 1}, "scale_mappings[0]", "reverses the order"),
        (
            "learning_resources.0.develops.0.competency",
            "x",
            "learning_resources[0].develops[0].competency",
            "unknown competency 'x'",
        ),
        (
            "learning_resources.0.develops.0.to_level",
            9,
            "learning_resources[0].develops[0].to_level",
            "9 is not a level",
        ),
        (
            "competencies.0.indicators",
            {7: ["too high"]},
            "competencies[0].indicators.7",
            "not a level of scale 'five'",
        ),
        (
            "competencies.0.indicators",
            {2: [{"text": "x", "track": "mgr"}]},
            "competencies[0].indicators.2[0].track",
            "unknown track 'mgr'",
        ),
        (
            "competencies.0.related",
            ["nope"],
            "competencies[0].related[0]",
            "unknown related competency 'nope'",
        ),
        ("scales.0.proficient", 9, "scales[0]", "proficient=9 is not one of the levels"),
        (
            "scales.0.levels",
            [{"value": 2, "label": "a"}, {"value": 1, "label": "b"}],
            "scales[0]",
            "ascending order",
        ),
        (
            "scales.0.levels",
            [{"value": 1, "label": "a"}, {"value": 1, "label": "b"}],
            "scales[0]",
            "unique",
        ),
        (
            "scales.0.levels",
            [{"value": 1, "label": "a"}],
            "scales[0].levels",
            "at least two levels",
        ),
        ("competencies.0.key", "bad key!", "competencies[0].key", "not a valid key"),
        ("version", "1.0", "version", "not a semantic version"),
        ("default_language", "English", "default_language", "not a language code"),
        ("roles.0.requirements.0.weight", 0, "roles[0].requirements[0].weight", "greater than 0"),
        ("roles.0.requirements.0.level", "high", "roles[0].requirements[0].level", "whole number"),
        ("competencies.0.name", DELETE, "competencies[0].name", "required field is missing"),
        ("competencies.0.colour", "red", "competencies[0].colour", "unknown field"),
    ],
)
def test_each_rule_is_reported_where_it_is(path: str, value: Any, where: str, words: str) -> None:
    errors = problems_of(mutate(path, value))
    assert any(p == where and words in m for p, m in errors), errors


def test_all_problems_are_reported_at_once() -> None:
    data = base()
    data["competencies"][0]["scale"] = "fiv"  # unknown scale
    data["competencies"][1]["parent"] = "nope"  # unknown parent
    data["roles"][0]["requirements"][0]["competency"] = "coding"  # unknown competency
    data["roles"][1]["requirements"][0]["level"] = 9  # level not on the scale
    data["roles"][0]["requirements"][1]["weight"] = -1  # field error, alongside the references
    errors = problems_of(data)
    assert {p for p, _ in errors} == {
        "competencies[0].scale",
        "competencies[1].parent",
        "roles[0].requirements[0].competency",
        "roles[1].requirements[0].level",
        "roles[0].requirements[1].weight",
    }


def test_building_in_code_raises_with_every_problem() -> None:
    data = base()
    data["competencies"][0]["scale"] = "fiv"
    data["transitions"][0]["target"] = "cto"
    with pytest.raises(cc.ModelValidationError) as info:
        cc.CompetencyModel.model_validate(data)
    assert sorted(p.path for p in info.value.problems) == [
        "competencies[0].scale",
        "transitions[0].target",
    ]
    assert "unknown scale 'fiv'" in str(info.value)


def test_missing_translations_are_warnings_with_paths() -> None:
    data = base()
    data["languages"] = ["en", "sv"]
    data["name"] = {"en": "Model", "sv": "Modell"}
    model, problems = check_model_data(data)
    assert model is not None
    warnings = {p.path: p.message for p in problems if p.severity == "warning"}
    assert "name" not in warnings
    assert warnings["competencies[0].name"] == "missing translation: sv"
    assert warnings["roles[1].title"] == "missing translation: sv"


def test_assessment_expiry_before_date_is_refused() -> None:
    with pytest.raises(ValueError, match="before the assessment date"):
        cc.Assessment(person="p", competency="c", level=1, date="2026-05-01", expires="2026-01-01")


def test_scale_mapping_converts_and_refuses_unmapped_levels() -> None:
    m = cc.ScaleMapping(source="a", target="b", levels={1: 1, 2: 3})
    assert m.convert(2) == 3
    with pytest.raises(cc.ScaleMappingError, match="level 5 of scale 'a' has no counterpart"):
        m.convert(5)


def test_lookups_raise_unknown_key() -> None:
    model = cc.CompetencyModel.model_validate(base())
    assert model.competency("api").parent == "design"
    assert [c.key for c in model.children("design")] == ["api"]
    assert model.scale_of("talk").key == "three"
    with pytest.raises(cc.UnknownKeyError, match="unknown role 'cto'"):
        model.role("cto")


def test_translated_indicators_have_a_short_form() -> None:
    data = base()
    data["competencies"][0]["indicators"] = {
        1: {"en": "Hi", "sv": "Hej"},
        2: [{"en": "A", "sv": "B"}],
    }
    model = cc.CompetencyModel.model_validate(data)
    (ind,) = model.competency("design").indicators[1]
    assert ind.text.get("sv") == "Hej"
    assert cc.loads_model(cc.dumps(model)) == model


def test_level_descriptions_must_be_on_the_scale() -> None:
    errors = problems_of(mutate("competencies.2.level_descriptions", {7: "x"}))
    assert (
        "competencies[2].level_descriptions.7",
        "a description given for level 7, which is not a level of scale 'three' [1, 2, 3]",
    ) in errors


def test_rater_type_360_may_be_written_as_a_number() -> None:
    a = cc.Assessment(person="p", competency="c", level=1, date="2026-01-01", rater_type=360)  # type: ignore[arg-type]
    assert a.rater_type is cc.RaterType.THREE_SIXTY


def test_workforce_assessments_need_a_scale_mapping_and_report_old_versions() -> None:
    from competency_core.io import workforce_problems

    model = cc.CompetencyModel.model_validate(base())
    data = {
        "people": [{"key": "p", "name": "P"}],
        "assessments": [
            {
                "person": "p",
                "competency": "talk",
                "level": 3,
                "scale": "five",
                "date": "2026-01-01",
            },
            {
                "person": "p",
                "competency": "design",
                "level": 2,
                "scale": "three",
                "date": "2026-01-01",
                "model_version": "0.0.1",
            },
        ],
    }
    got = {(p.path, p.severity): p.message for p in workforce_problems(data, model)}
    assert "no scale mapping from 'five' to 'three'" in got[("assessments[0].scale", "error")]
    assert ("assessments[1].scale", "error") not in got  # three -> five is mapped
    assert "made against version 0.0.1" in got[("assessments[1].model_version", "warning")]
