"""Renamed competencies and roles on the emulator and on a real Moodle 5.1: each is one
in-place change (``update_competency`` with the new idnumber, ``update_template`` with the
new marker), never a create and an orphaned old object."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from moodle_backends import Backend
from moodle_scenario import adapter, engine, make_model, model_data

from competency_core.model import CompetencyModel
from competency_core.sync import Action, InMemorySyncState, Plan, Renames


@pytest.fixture
def moodle(backend: Backend) -> Backend:
    """Each scenario runs on the emulator and on the real Moodle."""
    return backend


def renamed(
    competencies: Mapping[str, str] = {},
    roles: Mapping[str, str] = {},
    **changes: Any,
) -> CompetencyModel:
    """The scenario model with keys renamed everywhere they are referred to."""
    data = model_data()

    def tr(key: Any) -> Any:
        return competencies.get(key, key) if isinstance(key, str) else key

    for c in data["competencies"]:
        c["key"] = tr(c["key"])
        if c.get("parent"):
            c["parent"] = tr(c["parent"])
        c["related"] = [tr(r) for r in c.get("related", [])]
        c.update(changes.get(c["key"], {}))
    for r in data["roles"]:
        r["key"] = roles.get(r["key"], r["key"])
        for req in r["requirements"]:
            req["competency"] = tr(req["competency"])
    for res in data["learning_resources"]:
        for dev in res["develops"]:
            dev["competency"] = tr(dev["competency"])
    return CompetencyModel.model_validate(data)


def _writes(moodle: Backend) -> list[str]:
    return [c.function for c in moodle.write_calls()]


def _comps(seeded: Any) -> dict[str, Any]:
    return dict(seeded.site.snapshot()["frameworks"]["eng"]["competencies"])


def _pushed(moodle: Backend) -> tuple[Any, Any]:
    seeded = moodle.seed()
    e = engine(adapter(seeded))
    report = e.apply(e.plan_model(make_model()))
    assert report.ok, report.failed
    return seeded, e


def test_a_renamed_competency_keeps_its_id_and_its_ratings(moodle: Backend) -> None:
    seeded, e = _pushed(moodle)
    cid = seeded.site.competency_id("coding.tests")
    seeded.site.rate("ada", "coding.tests", 3)
    new = renamed({"coding.tests": "coding.testing"})
    moodle.reset_calls()
    plan = e.plan_model(new, previous=make_model(), prune=True)
    assert [(c.action, c.old_key, c.key) for c in plan.pending] == [
        (Action.UPDATE, "coding.tests", "coding.testing")
    ]
    assert "~ competency coding.tests -> coding.testing (renamed)" in plan.render()
    assert not [w for w in plan.warnings if "refuses to delete" in w]
    assert e.apply(plan).ok
    # one call: the new idnumber; the parent's rule, order and links untouched
    assert _writes(moodle) == ["core_competency_update_competency"]
    assert seeded.site.competency_id("coding.testing") == cid
    comps = _comps(seeded)
    assert "coding.tests" not in comps
    assert comps["coding.testing"]["parent"] == "coding"
    assert [comps[k]["sortorder"] for k in ("coding.review", "coding.testing")] == [0, 1]
    assert ("ada", "coding.testing", 3) in seeded.site.snapshot()["ratings"]
    moodle.reset_calls()
    assert e.plan_model(new, prune=True).is_empty
    # another process, with no sync state, sees nothing to do either
    assert engine(adapter(seeded), InMemorySyncState()).plan_model(new, prune=True).is_empty
    assert _writes(moodle) == []


def test_a_renamed_parent_with_a_related_pair_course_link_and_template(moodle: Backend) -> None:
    seeded, e = _pushed(moodle)
    before = seeded.site.snapshot()
    cid = seeded.site.competency_id("coding")
    new = renamed({"coding": "craft"})
    moodle.reset_calls()
    plan = e.plan_model(new, previous=make_model())
    pending = {(c.old_key, c.key): [f.field for f in c.fields] for c in plan.pending}
    # the competency itself; and design, whose marker line names the related pair
    assert pending == {("coding", "craft"): [], (None, "design"): ["related"]}
    assert e.apply(plan).ok
    assert sorted(_writes(moodle)) == ["core_competency_update_competency"] * 2
    snap = seeded.site.snapshot()
    assert seeded.site.competency_id("craft") == cid
    assert snap["related"] == [["craft", "design"]]
    assert snap["course_competencies"] == [("Clean code", "craft", 1)]
    assert snap["templates"] == [("Engineer", True, ("craft", "design"))]
    comps = _comps(seeded)
    assert comps["coding.review"]["parent"] == "craft"
    assert (
        comps["craft"]["ruleoutcome"]
        == before["frameworks"]["eng"]["competencies"]["coding"]["ruleoutcome"]
    )
    assert "[competency-core] related: craft" in comps["design"]["description"]
    moodle.reset_calls()
    assert e.plan_model(new).is_empty
    assert _writes(moodle) == []


def test_a_rename_and_a_re_parent_at_once(moodle: Backend) -> None:
    seeded, e = _pushed(moodle)
    cid = seeded.site.competency_id("coding.tests")
    new = renamed({"coding.tests": "design.testing"}, **{"design.testing": {"parent": "design"}})
    plan = e.plan_model(new, renames={"coding.tests": "design.testing"})
    [change] = plan.pending
    assert (change.old_key, change.key) == ("coding.tests", "design.testing")
    assert [f.field for f in change.fields] == ["after", "parent"]
    assert e.apply(plan).ok
    comps = _comps(seeded)
    assert seeded.site.competency_id("design.testing") == cid
    assert comps["design.testing"]["parent"] == "design"
    assert e.plan_model(new).is_empty


def test_a_renamed_role_keeps_its_template(moodle: Backend) -> None:
    seeded, e = _pushed(moodle)
    [tid] = seeded.site.template_ids()
    new = renamed(roles={"engineer": "developer"})
    plan = e.plan_model(new, previous=make_model(), prune=True)
    assert [(c.kind, c.old_key, c.key) for c in plan.pending] == [
        ("template", "engineer", "developer")
    ]
    moodle.reset_calls()
    assert e.apply(plan).ok
    assert _writes(moodle) == ["core_competency_update_template"]
    assert seeded.site.template_ids() == [tid]
    assert e.plan_model(new, prune=True).is_empty


def test_a_saved_rename_plan_applied_by_another_process(moodle: Backend) -> None:
    seeded, e = _pushed(moodle)
    cid = seeded.site.competency_id("coding")
    new = renamed({"coding": "craft"})
    text = e.plan_model(new, renames=Renames(competencies={"coding": "craft"})).to_json()
    other = engine(adapter(seeded), e.state)
    report = other.apply(Plan.from_json(text))
    assert report.ok, report.failed
    assert seeded.site.competency_id("craft") == cid
    assert seeded.site.snapshot()["related"] == [["craft", "design"]]
    assert other.plan_model(new).is_empty
