"""Each architecture rule fires where it should and stays quiet where it should not."""

from __future__ import annotations

import copy
from typing import Any

import pytest

import competency_core as cc
from competency_core.lint import BUILTIN_RULES, LintRule, lint_model


def levels(n: int) -> list[dict[str, Any]]:
    return [{"value": v, "label": f"L{v}"} for v in range(1, n + 1)]


def comp(key: str, name: str, **extra: Any) -> dict[str, Any]:
    return {
        "key": key,
        "name": name,
        "definition": f"The ability to do {name.lower()} well and reliably.",
        "scale": "s",
        "indicators": {v: [f"{name} at {v}"] for v in range(1, 4)},
        **extra,
    }


CLEAN: dict[str, Any] = {
    "key": "m",
    "name": "M",
    "scales": [{"key": "s", "name": "S", "proficient": 2, "levels": levels(3)}],
    "competencies": [comp("a", "Analysis"), comp("b", "Budgeting"), comp("c", "Coaching")],
    "roles": [
        {
            "key": "r",
            "title": "R",
            "requirements": [
                {"competency": "a", "level": 2},
                {"competency": "b", "level": 3},
                {"competency": "c", "level": 2, "essential": False},
            ],
        }
    ],
}


def findings(data: dict[str, Any], **config: dict[str, Any]) -> list[tuple[str | None, str]]:
    model = cc.CompetencyModel.model_validate(data)
    return [(f.code, f.path) for f in lint_model(model, config=config)]


def edit(fn: Any) -> dict[str, Any]:
    data = copy.deepcopy(CLEAN)
    fn(data)
    return data


def test_clean_model_has_no_findings() -> None:
    assert findings(CLEAN) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d["roles"][0]["requirements"].pop(),
            ("role-requirement-count", "roles[0].requirements"),
        ),
        (
            lambda d: d["competencies"][0]["indicators"].pop(2),
            ("indicators-complete", "competencies[0].indicators"),
        ),
        (
            lambda d: d["competencies"][1].update(name="Analysis skills"),
            ("near-duplicate-names", "competencies[1].name"),
        ),
        (
            lambda d: [
                d["competencies"][0].update(name="Stakeholder management"),
                d["competencies"][1].update(name="Stakeholder managment"),
            ],
            ("near-duplicate-names", "competencies[1].name"),
        ),
        (
            lambda d: d["roles"][0]["requirements"][2].update(essential=True),
            ("not-all-essential", "roles[0].requirements"),
        ),
        (
            lambda d: [r.update(essential=False) for r in d["roles"][0]["requirements"]],
            ("role-has-essential", "roles[0].requirements"),
        ),
        (
            lambda d: d["competencies"][0].pop("definition"),
            ("definition-present", "competencies[0].definition"),
        ),
        (
            lambda d: d["competencies"][0].update(definition="Short."),
            ("definition-present", "competencies[0].definition"),
        ),
        (
            lambda d: d["competencies"].append(comp("d", "Drafting")),
            ("competency-unused", "competencies[3]"),
        ),
        (
            lambda d: d["roles"][0]["requirements"][0].update(level=1),
            ("requirement-above-minimum", "roles[0].requirements[0].level"),
        ),
        (
            lambda d: d["roles"][0]["requirements"][0].update(weight=5),
            ("weight-concentration", "roles[0].requirements[0].weight"),
        ),
    ],
)
def test_rule_fires(change: Any, expected: tuple[str, str]) -> None:
    assert expected in findings(edit(change))


def test_a_parent_used_through_children_is_not_unused() -> None:
    data = edit(lambda d: d["competencies"].append(comp("d", "Delivery")))
    data["competencies"][0]["parent"] = "d"
    assert ("competency-unused", "competencies[3]") not in findings(data)


def test_grouping_nodes_need_no_indicators() -> None:
    data = edit(lambda d: d["competencies"][0].update(indicators={}, assessable=False))
    assert not [f for f in findings(data) if f[0] == "indicators-complete"]


def test_rules_are_configured_per_model_and_per_call() -> None:
    data = edit(lambda d: d["roles"][0]["requirements"].pop())
    data["lint"] = {"rules": {"role-requirement-count": {"min": 2}}}
    assert [f for f in findings(data) if f[0] == "role-requirement-count"] == []
    data["lint"] = {"rules": {"role-requirement-count": {"enabled": False}}}
    assert [f for f in findings(data) if f[0] == "role-requirement-count"] == []
    model = cc.CompetencyModel.model_validate(edit(lambda d: d["roles"][0]["requirements"].pop()))
    (f,) = [
        f
        for f in lint_model(model, config={"role-requirement-count": {"severity": "error"}})
        if f.code == "role-requirement-count"
    ]
    assert f.severity == "error"
    assert "has 2 requirement(s); at least 3" in f.message


def test_unknown_rules_and_options_are_configuration_errors() -> None:
    data = copy.deepcopy(CLEAN)
    data["lint"] = {"rules": {"no-such-rule": {}, "role-requirement-count": {"minimum": 2}}}
    got = lint_model(cc.CompetencyModel.model_validate(data))
    assert {(f.code, f.severity) for f in got} == {("lint-config", "error")}
    assert len(got) == 2


def test_extra_rules_run_alongside_builtins() -> None:
    def no_vowel_keys(model: cc.CompetencyModel, opts: Any) -> Any:
        for i, c in enumerate(model.competencies):
            if c.key[0] in "aeiou":
                yield f"competencies[{i}].key", f"{c.key} starts with a vowel"

    rule = LintRule(
        "consonant-keys", "Keys start with a consonant.", no_vowel_keys, severity="error"
    )
    got = lint_model(cc.CompetencyModel.model_validate(CLEAN), extra_rules=[rule])
    assert [(f.code, f.severity, f.path) for f in got] == [
        ("consonant-keys", "error", "competencies[0].key")
    ]


def test_builtin_rule_codes_are_unique_and_documented() -> None:
    codes = [r.code for r in BUILTIN_RULES]
    assert len(codes) == len(set(codes)) >= 9
    assert all(r.description for r in BUILTIN_RULES)
