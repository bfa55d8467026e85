"""Diffs between model versions: structured changes, renames, bump rules, changelog."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competency_core.io import load_model, loads_model, to_data
from competency_core.model import CompetencyModel
from competency_core.testing.strategies import competency_models
from competency_core.text import LocalizedText
from competency_core.versioning import bump_version, diff_models, render_changelog
from competency_core.versioning.rules import BUMP_RULES, version_key

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def se() -> CompetencyModel:
    return load_model(EXAMPLES / "software-engineering.yaml")


def _edit(model: CompetencyModel, fn: Any) -> CompetencyModel:
    data = to_data(model)
    fn(data)
    return CompetencyModel.model_validate(data)


def _rename_competency(data: dict[str, Any], old: str, new: str) -> None:
    for c in data.get("competencies", []):
        if c["key"] == old:
            c["key"] = new
        if c.get("parent") == old:
            c["parent"] = new
        if "related" in c:
            c["related"] = [new if r == old else r for r in c["related"]]
    for r in data.get("roles", []):
        for q in r.get("requirements", []):
            if q["competency"] == old:
                q["competency"] = new
    for lr in data.get("learning_resources", []):
        for d in lr["develops"]:
            if d["competency"] == old:
                d["competency"] = new


# -- properties ---------------------------------------------------------------------
@given(competency_models())
def test_diff_with_itself_is_empty(model: CompetencyModel) -> None:
    d = diff_models(model, model)
    assert d.is_empty
    assert d.bump is None
    assert d.suggested_version == bump_version(model.version, None)


@given(competency_models(), st.data())
def test_text_only_edit_suggests_patch(model: CompetencyModel, data: st.DataObject) -> None:
    i = data.draw(st.integers(0, len(model.competencies) - 1))
    new_name = LocalizedText(f"{model.text(model.competencies[i].name)} (reworded)")

    def reword(d: dict[str, Any]) -> None:
        d["competencies"][i]["name"] = new_name.root
        d["description"] = "A new description."

    edited = _edit(model, reword)
    diff = diff_models(model, edited)
    assert diff.bump == "patch"
    assert {c.field for c in diff.changes} <= {"name", "description"}
    assert diff.suggested_version == bump_version(model.version, "patch")


@given(competency_models(), st.data())
def test_renamed_competency_is_one_rename(model: CompetencyModel, data: st.DataObject) -> None:
    old = data.draw(st.sampled_from([c.key for c in model.competencies]))
    edited = _edit(model, lambda d: _rename_competency(d, old, "renamed-x"))
    diff = diff_models(model, edited)
    assert [(c.kind, c.entity, c.old_key, c.key) for c in diff.changes] == [
        ("renamed", "competency", old, "renamed-x")
    ]
    assert diff.bump == "major"


@given(competency_models(n_roles=(1, 4), requirements_per_role=(1, 4)), st.data())
def test_raising_a_required_level_is_major(model: CompetencyModel, data: st.DataObject) -> None:
    candidates = [
        (i, j)
        for i, r in enumerate(model.roles)
        for j, q in enumerate(r.requirements)
        if q.level < model.scale_of(q.competency).max_value
    ]
    if not candidates:
        return
    i, j = data.draw(st.sampled_from(candidates))
    req = model.roles[i].requirements[j]
    higher = next(v for v in model.scale_of(req.competency).values if v > req.level)

    def raise_level(d: dict[str, Any]) -> None:
        d["roles"][i]["requirements"][j]["level"] = higher

    diff = diff_models(model, _edit(model, raise_level))
    assert diff.bump == "major"
    assert [c.summary for c in diff.changes] == [
        f"Role `{model.roles[i].key}`: requirement `{req.competency}` raised from level "
        f"{req.level} to {higher}"
    ]


# -- examples -----------------------------------------------------------------------
def test_adding_a_desirable_requirement_and_a_competency_is_minor(se: CompetencyModel) -> None:
    def grow(d: dict[str, Any]) -> None:
        d["competencies"].append(
            {"key": "incident-management", "name": "Incident management", "scale": "five-point",
             "definition": "Leads the response to production incidents."}
        )  # fmt: skip
        d["roles"][-1]["requirements"].append(
            {"competency": "incident-management", "level": 3, "essential": False}
        )

    diff = diff_models(se, _edit(se, grow))
    assert diff.bump == "minor"
    assert [(c.kind, c.entity) for c in diff.changes] == [
        ("added", "competency"),
        ("added", "requirement"),
    ]
    assert diff.suggested_version == "1.1.0"


def test_essential_requirement_added_is_major(se: CompetencyModel) -> None:
    role = se.roles[0]
    missing = next(c.key for c in se.competencies if role.requirement(c.key) is None)

    def add(d: dict[str, Any]) -> None:
        d["roles"][0]["requirements"].append({"competency": missing, "level": 3})

    diff = diff_models(se, _edit(se, add))
    assert diff.bump == "major"
    assert "added essential requirement" in diff.changes[0].summary


def test_relaxations_are_minor(se: CompetencyModel) -> None:
    req = next(q for q in se.roles[1].requirements if q.essential and q.level > 2)

    def relax(d: dict[str, Any]) -> None:
        for q in d["roles"][1]["requirements"]:
            if q["competency"] == req.competency:
                q["level"] = req.level - 1
                q["essential"] = False
                q["weight"] = 2.5

    diff = diff_models(se, _edit(se, relax))
    assert [(c.field, c.bump) for c in diff.changes] == [
        ("level", "minor"),
        ("weight", "minor"),
        ("essential", "minor"),
    ]


def _remove_competency(d: dict[str, Any], key: str) -> None:
    d["competencies"] = [c for c in d["competencies"] if c["key"] != key]
    for c in d["competencies"]:
        if c.get("parent") == key:
            c.pop("parent")
        if "related" in c:
            c["related"] = [r for r in c["related"] if r != key]
    for r in d.get("roles", []):
        r["requirements"] = [q for q in r.get("requirements", []) if q["competency"] != key]
    for lr in d.get("learning_resources", []):
        lr["develops"] = [x for x in lr["develops"] if x["competency"] != key]
    d["learning_resources"] = [lr for lr in d.get("learning_resources", []) if lr["develops"]]


def test_removed_competency_is_major_and_its_requirements_minor(se: CompetencyModel) -> None:
    diff = diff_models(se, _edit(se, lambda d: _remove_competency(d, "code-review")))
    assert diff.bump == "major"
    removed = [c for c in diff.changes if c.kind == "removed" and c.entity == "competency"]
    assert [c.key for c in removed] == ["code-review"]
    assert {c.entity for c in diff.changes} >= {"competency", "requirement"}


def test_relabelled_level_is_patch(se: CompetencyModel) -> None:
    def relabel(d: dict[str, Any]) -> None:
        d["scales"][0]["levels"][0]["label"] = "Aware"

    diff = diff_models(se, _edit(se, relabel))
    assert [(c.entity, c.field, c.bump) for c in diff.changes] == [("level", "label", "patch")]


def test_level_added_inside_the_range_is_minor_outside_major() -> None:
    base = loads_model(
        """
key: m
name: M
version: 1.0.0
scales: [{key: s, name: S, proficient: 3, levels: [{value: 1, label: A}, {value: 3, label: C}]}]
competencies: [{key: c, name: C, scale: s}]
"""
    )

    def add(value: int) -> CompetencyModel:
        def f(d: dict[str, Any]) -> None:
            d["scales"][0]["levels"].append({"value": value, "label": "X"})
            d["scales"][0]["levels"].sort(key=lambda x: x["value"])

        return _edit(base, f)

    assert diff_models(base, add(2)).bump == "minor"
    assert diff_models(base, add(4)).bump == "major"


def test_retitled_learning_resource_is_a_rename(se: CompetencyModel) -> None:
    lr = se.learning_resources[0]

    def retitle(d: dict[str, Any]) -> None:
        d["learning_resources"][0]["key"] = lr.key + "-v2"
        d["learning_resources"][0]["title"] = "A new title"

    diff = diff_models(se, _edit(se, retitle))
    assert [(c.kind, c.old_key) for c in diff.changes] == [("renamed", lr.key), ("changed", None)]


def test_transitions(se: CompetencyModel) -> None:
    t = se.transitions[0]

    def drop(d: dict[str, Any]) -> None:
        d["transitions"] = d["transitions"][1:]

    diff = diff_models(se, _edit(se, drop))
    assert [(c.kind, c.entity, c.key, c.bump) for c in diff.changes] == [
        ("removed", "transition", f"{t.source}->{t.target}", "major")
    ]


def test_changelog_markdown_and_json(se: CompetencyModel) -> None:
    def grow(d: dict[str, Any]) -> None:
        d["roles"][-1]["requirements"].append(
            {"competency": next(
                c["key"] for c in d["competencies"]
                if c["key"] not in {q["competency"] for q in d["roles"][-1]["requirements"]}
            ), "level": 3, "essential": False}
        )  # fmt: skip
        d["description"] = "Reworded."

    diff = diff_models(se, _edit(se, grow))
    md = render_changelog(diff, version="1.1.0", reasons=True)
    assert md.startswith("## software-engineering 1.1.0")
    assert "### Additions and changes (minor)" in md
    assert "### Wording and metadata (patch)" in md
    assert "### Breaking" not in md
    assert "a **minor** release (suggested version 1.1.0)" in md
    data = json.loads(diff.model_dump_json())
    assert [c["bump"] for c in data["changes"]] == ["patch", "minor"]


def test_bump_helpers() -> None:
    assert bump_version("1.2.3", "patch") == "1.2.4"
    assert bump_version("1.2.3-rc.1", "minor") == "1.3.0"
    assert bump_version("0.9.0", "major") == "0.10.0"
    assert version_key("2.0.0") > version_key("2.0.0-rc.1") > version_key("1.99.0")
    assert {b for b, _ in BUMP_RULES.values()} == {"major", "minor", "patch"}


def test_documented_bump_rules_match_the_code() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "lifecycle.md").read_text()
    for (entity, what), (bump, why) in BUMP_RULES.items():
        assert f"| {entity} | {what} | {bump} | {why} |" in doc
