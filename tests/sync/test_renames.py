"""Renames in the sync engine: a renamed key is one in-place update, not create + delete."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr
from sync_fake import FakeAdapter, FakeSettings, fresh_adapter

from competency_core.errors import SyncError
from competency_core.io import loads_model
from competency_core.model import CompetencyModel
from competency_core.plugins import PluginRegistry
from competency_core.sync import (
    Action,
    Change,
    InMemorySyncState,
    ObjectRef,
    Plan,
    RemoteIds,
    Renames,
    Scope,
    StalePlanError,
    SyncEngine,
)
from competency_core.testing.strategies import competency_models

NO_HOOKS = PluginRegistry.build(entry_points=False)

OLD = loads_model(
    """
key: tiny
name: Tiny
version: 1.0.0
scales: [{key: s, name: S, proficient: 2, levels: [{value: 1, label: A}, {value: 2, label: B}]}]
competencies:
  - {key: coding, name: Coding, definition: Writes code, scale: s}
  - {key: coding.tests, name: Testing, definition: Writes tests, parent: coding, scale: s}
  - {key: coding.tests.unit, name: Unit tests, parent: coding.tests, scale: s}
  - {key: design, name: Design, definition: Shapes systems, scale: s}
roles:
  - {key: dev, title: Developer, requirements: [{competency: coding.tests, level: 2}]}
"""
)


def renamed(model: CompetencyModel, mapping: Mapping[str, str]) -> CompetencyModel:
    """``model`` with competency keys renamed everywhere they are referred to."""

    def tr(key: Any) -> Any:
        return mapping.get(key, key) if isinstance(key, str) else key

    data = model.model_dump(mode="json", exclude_none=True)
    for c in data["competencies"]:
        c["key"], c["parent"] = tr(c["key"]), tr(c.get("parent"))
        c["related"] = [tr(r) for r in c.get("related", [])]
        if c["parent"] is None:
            del c["parent"]
    for r in data.get("roles", []):
        for req in r.get("requirements", []):
            req["competency"] = tr(req["competency"])
    for res in data.get("learning_resources", []):
        for dev in res.get("develops", []):
            dev["competency"] = tr(dev["competency"])
    return CompetencyModel.model_validate(data)


NEW = renamed(OLD, {"coding.tests": "coding.testing"})


class RenamingAdapter(FakeAdapter):
    """The fake remote, able to change an object's key in place."""

    name: ClassVar[str] = "fake-renaming"

    def object_renames(self, scope: Scope, renames: Renames) -> dict[ObjectRef, str]:
        return {ObjectRef(kind="competency", key=o): n for o, n in renames.competencies.items()}

    def update(self, change: Change, remote_id: str, ids: RemoteIds) -> None:
        if change.old_key is not None:
            assert self.remote.objects[remote_id].key == change.old_key
            self.remote.objects[remote_id].key = change.key
            self.remote.calls.append(f"rename {change.kind}/{change.old_key}")
        super().update(change, remote_id, ids)


def renaming_adapter() -> RenamingAdapter:
    plain = fresh_adapter()
    return RenamingAdapter(FakeSettings(remote=plain.settings.remote, token=SecretStr("")))


def engine(adapter: FakeAdapter) -> SyncEngine:
    return SyncEngine(adapter, InMemorySyncState(), registry=NO_HOOKS)


def pushed(model: CompetencyModel = OLD) -> tuple[SyncEngine, RenamingAdapter]:
    a = renaming_adapter()
    e = engine(a)
    assert e.apply(e.plan_model(model)).ok
    return e, a


def ids_by_key(a: FakeAdapter) -> dict[str, str]:
    return {o.key: rid for rid, o in a.remote.objects.items() if o.kind == "competency"}


def test_a_renamed_competency_is_one_in_place_update() -> None:
    e, a = pushed()
    before = ids_by_key(a)
    plan = e.plan_model(NEW, previous=OLD, prune=True)
    pending = [(c.action, c.kind, c.old_key, c.key) for c in plan.pending]
    # this remote keeps the parent's key as text: the child's row changes too
    assert pending == [
        (Action.UPDATE, "competency", "coding.tests", "coding.testing"),
        (Action.UPDATE, "competency", None, "coding.tests.unit"),
    ]
    [child] = [c for c in plan.pending if c.key == "coding.tests.unit"]
    assert [(f.field, f.old, f.new) for f in child.fields] == [
        ("parent", "coding.tests", "coding.testing")
    ]
    assert "~ competency coding.tests -> coding.testing (renamed)" in plan.render()
    assert "2 to update (1 renamed)" in plan.summary()
    a.remote.calls.clear()
    report = e.apply(plan)
    assert report.ok, report.failed
    assert a.remote.calls == [
        "rename competency/coding.tests",
        "update competency/coding.testing",
        "update competency/coding.tests.unit",
    ]
    after = ids_by_key(a)
    assert after["coding.testing"] == before["coding.tests"]
    assert "coding.tests" not in after
    assert e.plan_model(NEW).is_empty
    assert e.plan_model(NEW, previous=OLD).is_empty  # the rename is not planned twice
    # the sync state follows: the old key forgotten, the new one under the same id
    ns = a.state_namespace
    assert e.state.get(ns, "competency", "coding.tests") is None
    rec = e.state.get(ns, "competency", "coding.testing")
    assert rec is not None
    assert rec.remote_id == before["coding.tests"]


def test_without_the_previous_version_it_is_create_and_delete_as_before() -> None:
    e, _ = pushed()
    plan = e.plan_model(NEW, prune=True)
    assert {(c.action, c.key) for c in plan.pending} >= {
        (Action.CREATE, "coding.testing"),
        (Action.DELETE, "coding.tests"),
    }


def test_explicit_renames_and_a_rename_with_other_changes() -> None:
    e, a = pushed()
    data = NEW.model_dump(mode="json", exclude_none=True)
    for c in data["competencies"]:
        if c["key"] == "coding.testing":
            c["name"], c["parent"] = "Testing well", "design"  # renamed, re-titled, re-parented
    new = CompetencyModel.model_validate(data)
    plan = e.plan_model(new, renames={"coding.tests": "coding.testing"})
    [change] = [c for c in plan.pending if c.old_key]
    assert change.old_key == "coding.tests"
    assert {f.field for f in change.fields} == {"name", "parent"}
    line = next(x for x in plan.render().splitlines() if "renamed" in x)
    assert "parent 'coding' -> 'design'" in line
    assert e.apply(plan).ok
    stored = {o.key: o.data for o in a.remote.objects.values() if o.kind == "competency"}
    assert stored["coding.testing"]["parent"] == "design"
    assert e.plan_model(new).is_empty


def test_renames_that_do_not_fit_the_model_are_refused() -> None:
    e, _ = pushed()
    with pytest.raises(SyncError, match="do not fit"):
        e.plan_model(NEW, renames={"coding.tests": "nowhere"})
    with pytest.raises(SyncError, match="not 'tiny'"):
        e.plan_model(NEW, previous=OLD.model_copy(update={"key": "other"}))


def test_an_adapter_that_cannot_rename_says_so_in_the_plan() -> None:
    a = fresh_adapter()
    e = engine(a)
    assert e.apply(e.plan_model(OLD)).ok
    plan = e.plan_model(NEW, previous=OLD)
    assert any(
        "cannot rename objects in place" in w and "coding.tests -> coding.testing" in w
        for w in plan.warnings
    )
    assert (Action.CREATE, "coding.testing") in {(c.action, c.key) for c in plan.pending}


def test_saved_plans_stay_compatible() -> None:
    e, _ = pushed()
    plain = e.plan_model(OLD.model_copy(update={"name": NEW.competencies[0].name}))
    assert "old_key" not in plain.to_json()  # as plans were before renames
    plan = e.plan_model(NEW, previous=OLD)
    text = plan.to_json()
    assert json.loads(text)["format"] == "competency-core-plan/1"
    again = Plan.from_json(text)
    assert again == plan
    assert [c.old_key for c in again.pending if c.old_key] == ["coding.tests"]
    # a plan saved before renames existed (no old_key at all) still loads
    old = json.loads(plain.to_json())
    assert Plan.from_json(json.dumps(old)) == plain


def test_a_rename_re_run_after_it_was_done_finishes_without_duplicates() -> None:
    e, a = pushed()
    plan = e.plan_model(NEW, previous=OLD)
    assert e.apply(plan).ok
    a.remote.calls.clear()
    # the same plan again (e.g. its report was lost): the rename is not done twice
    report = e.apply(plan)
    assert report.ok
    assert {o.status.value for o in report.outcomes} == {"already-done"}
    assert a.remote.calls == []


def test_a_stale_rename_plan_is_refused() -> None:
    e, a = pushed()
    plan = e.plan_model(NEW, previous=OLD)
    rid = ids_by_key(a)["coding.tests"]
    a.remote.objects[rid].data = {**a.remote.objects[rid].data, "name": "Changed by someone"}
    with pytest.raises(StalePlanError):
        e.apply(plan)


def test_a_chain_of_renames_runs_in_order() -> None:
    e, a = pushed()
    chain = renamed(OLD, {"design": "architecture", "coding": "design"})
    before = ids_by_key(a)
    plan = e.plan_model(chain, previous=OLD, renames={"design": "architecture", "coding": "design"})
    renames = {c.old_key: c.key for c in plan.pending if c.old_key}
    assert renames == {"design": "architecture", "coding": "design"}
    print(plan.render())
    assert [c.key for c in plan.pending if not c.old_key] == ["coding.tests"]  # its parent
    assert e.apply(plan).ok
    after = ids_by_key(a)
    assert after["architecture"] == before["design"]
    assert after["design"] == before["coding"]
    assert e.plan_model(chain).is_empty


def test_a_swap_is_not_done_in_place_and_the_plan_says_why() -> None:
    e, _ = pushed()
    swap = renamed(OLD, {"design": "coding", "coding": "design"})
    plan = e.plan_model(
        swap, renames=Renames(competencies={"design": "coding", "coding": "design"})
    )
    assert any("swap" in w for w in plan.warnings)
    assert not [c for c in plan.changes if c.old_key]


@st.composite
def model_and_renames(draw: st.DrawFn) -> tuple[CompetencyModel, dict[str, str]]:
    model = draw(competency_models(n_competencies=(1, 6)))
    keys = [c.key for c in model.competencies]
    chosen = draw(st.lists(st.sampled_from(keys), unique=True, max_size=len(keys)))
    return model, {k: f"{k}-renamed" for k in chosen}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model_and_renames())
def test_renames_keep_every_remote_id_and_leave_nothing_to_do(
    case: tuple[CompetencyModel, dict[str, str]],
) -> None:
    model, mapping = case
    e, a = pushed(model)
    before = ids_by_key(a)
    new = renamed(model, mapping)
    plan = e.plan_model(new, previous=model, renames=mapping, prune=True)
    assert not [c for c in plan.pending if c.action in (Action.CREATE, Action.DELETE)]
    assert {c.old_key: c.key for c in plan.pending if c.old_key} == mapping
    assert e.apply(plan).ok
    after = ids_by_key(a)
    assert sorted(after.values()) == sorted(before.values())  # nothing created or deleted
    assert all(after[mapping.get(k, k)] == rid for k, rid in before.items())
    assert e.plan_model(new, prune=True).is_empty
