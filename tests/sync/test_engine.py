"""The sync engine: plans, dependency order, staleness, failures, hooks, state, secrets."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import SecretStr
from sync_fake import FakeAdapter, FakeSettings, fresh_adapter

from competency_core.errors import ModelValidationError, SyncError
from competency_core.hookspecs import hookimpl
from competency_core.io import loads_model
from competency_core.model import CompetencyModel
from competency_core.people import Person
from competency_core.plugins import PluginRegistry
from competency_core.sync import (
    Action,
    AdapterSettingsError,
    ApplyVetoedError,
    Capability,
    Change,
    InMemorySyncState,
    LocalObject,
    ObjectRef,
    OutcomeStatus,
    Plan,
    PlanMismatchError,
    Progress,
    Scope,
    StalePlanError,
    StoreSyncState,
    SyncEngine,
    changed_fields,
    dependency_order,
)
from competency_core.testing.strategies import competency_models
from competency_core.text import text

MODEL = loads_model(
    """
key: tiny
name: Tiny
scales: [{key: s, name: S, proficient: 2, levels: [{value: 1, label: A}, {value: 2, label: B}]}]
competencies:
  - {key: a, name: Alpha, definition: First, scale: s}
  - {key: a1, name: Alpha one, parent: a, scale: s}
  - {key: a2, name: Alpha two, parent: a, scale: s}
  - {key: b, name: Beta, scale: s}
"""
)

NO_HOOKS = PluginRegistry.build(entry_points=False)


def engine(adapter: FakeAdapter | None = None, **kw: Any) -> SyncEngine:
    return SyncEngine(
        adapter or fresh_adapter(),
        kw.pop("state", InMemorySyncState()),
        registry=kw.pop("registry", NO_HOOKS),
    )


def edit(model: CompetencyModel, key: str, **update: Any) -> CompetencyModel:
    update = {k: text(v) if isinstance(v, str) else v for k, v in update.items()}
    comps = tuple(c.model_copy(update=update) if c.key == key else c for c in model.competencies)
    return model.model_copy(update={"competencies": comps})


def without(model: CompetencyModel, *keys: str) -> CompetencyModel:
    comps = tuple(c for c in model.competencies if c.key not in keys)
    return CompetencyModel.model_validate(
        {**model.model_dump(mode="python", round_trip=True), "competencies": comps}
    )


def test_first_plan_creates_everything_with_every_field() -> None:
    plan = engine().plan_model(MODEL)
    assert plan.counts()[Action.CREATE] == 5
    assert plan.fingerprint.objects == 0
    alpha = next(c for c in plan.changes if c.key == "a")
    assert {f.field for f in alpha.fields} == {"name", "description", "framework"}
    assert alpha.depends_on == (ObjectRef(kind="framework", key="tiny"),)
    text = plan.render()
    assert "+ competency a1" in text
    assert text.endswith("Plan: 5 to create, 0 to update, 0 to delete, 0 unchanged.")


def test_update_lists_only_the_changed_fields_and_unchanged_is_quiet() -> None:
    e = engine()
    e.apply(e.plan_model(MODEL))
    plan = e.plan_model(edit(MODEL, "b", name="Bravo"))
    [change] = plan.pending
    assert (change.action, change.key) == (Action.UPDATE, "b")
    assert [(f.field, f.old, f.new) for f in change.fields] == [("name", "Beta", "Bravo")]
    assert "~ competency b: name 'Beta' -> 'Bravo'" in plan.render()
    assert "= competency a" not in plan.render()
    assert "= competency a" in plan.render(show_unchanged=True)


def test_changed_fields_compares_nested_mappings_field_by_field() -> None:
    got = changed_fields({"s": {"a": 1, "b": 2}, "l": [1]}, {"s": {"a": 1, "b": 3}, "l": [1, 2]})
    assert [(c.field, c.old, c.new) for c in got] == [("l", [1], [1, 2]), ("s.b", 2, 3)]
    assert changed_fields(None, {"x": 1})[0].old is None


def test_creates_go_parents_first_and_deletes_children_first() -> None:
    def ch(action: Action, key: str, *deps: str) -> Change:
        return Change(
            action=action,
            kind="c",
            key=key,
            depends_on=tuple(ObjectRef(kind="c", key=d) for d in deps),
        )

    creates = [ch(Action.CREATE, "child", "parent"), ch(Action.CREATE, "parent")]
    deletes = [ch(Action.DELETE, "p2"), ch(Action.DELETE, "c2", "p2")]
    order = [c.key for c in dependency_order([*deletes, *creates])]
    assert order == ["parent", "child", "c2", "p2"]
    with pytest.raises(SyncError, match="cycle"):
        dependency_order([ch(Action.CREATE, "x", "y"), ch(Action.CREATE, "y", "x")])
    # A dependency named twice still puts the change in the order once.
    twice = [ch(Action.CREATE, "child", "parent", "parent"), ch(Action.CREATE, "parent")]
    assert [c.key for c in dependency_order(twice)] == ["parent", "child"]


def test_local_and_remote_duplicates_are_refused() -> None:
    e = engine()
    scope = Scope(operation=Capability.PUSH_MODEL, key="tiny")
    obj = LocalObject(kind="c", key="k", data={})
    with pytest.raises(SyncError, match="same key: c/k"):
        e.plan(scope, [obj, obj])


def test_apply_refuses_a_plan_for_another_target() -> None:
    plan = engine().plan_model(MODEL)
    with pytest.raises(PlanMismatchError, match="made for fake"):
        engine().apply(plan)


def test_out_of_band_changes_make_a_plan_stale() -> None:
    adapter = fresh_adapter()
    e = engine(adapter)
    e.apply(e.plan_model(MODEL))
    plan = e.plan_model(edit(MODEL, "b", name="Bravo"))
    rid = next(r for r, o in adapter.remote.objects.items() if o.key == "a")
    adapter.remote.objects[rid].data = {**adapter.remote.objects[rid].data, "name": "Edited"}
    with pytest.raises(StalePlanError, match=r"competency/a \(changed\)") as exc:
        e.apply(plan)
    assert exc.value.changed == ("competency/a (changed)",)
    assert adapter.remote.calls.count("update competency/b") == 0


def test_a_plan_made_before_a_partial_apply_can_still_finish_it() -> None:
    adapter = fresh_adapter()
    e = engine(adapter)
    plan = e.plan_model(MODEL)
    saved = Plan.from_json(plan.to_json())
    adapter.remote.objects.clear()
    first = e.apply(plan)  # (the same plan, twice: the second run finds it done)
    again = e.apply(saved)
    assert first.ok
    assert {o.status for o in again.outcomes} == {OutcomeStatus.ALREADY_DONE}
    assert len(adapter.remote.objects) == 5


def test_a_failed_call_skips_its_dependents_and_a_rerun_finishes() -> None:
    adapter = fresh_adapter()
    original = adapter.create

    def create(change: Change, ids: Any) -> str:
        if change.key == "a":
            raise SyncError("remote said no")
        return original(change, ids)

    adapter.create = create  # type: ignore[method-assign]
    e = engine(adapter)
    report = e.apply(e.plan_model(MODEL))
    status = {o.key: (o.status, o.message) for o in report.outcomes}
    assert status["a"] == (OutcomeStatus.FAILED, "remote said no")
    assert status["a1"] == (OutcomeStatus.SKIPPED, "competency/a failed")
    assert status["b"][0] is OutcomeStatus.DONE
    assert not report.ok
    assert report.counts()["failed"] == 1
    adapter.create = original  # type: ignore[method-assign]
    rerun = e.apply(e.plan_model(MODEL))
    assert rerun.ok
    assert {o.key for o in rerun.outcomes} == {"a", "a1", "a2"}
    assert sorted(o.key for o in adapter.remote.objects.values()) == ["a", "a1", "a2", "b", "tiny"]


def test_prune_deletes_children_first_and_nothing_without_it() -> None:
    adapter = fresh_adapter()
    e = engine(adapter)
    e.apply(e.plan_model(MODEL))
    smaller = without(MODEL, "a", "a1", "a2")
    kept = e.plan_model(smaller)
    assert kept.is_empty
    assert "only remote: kept (prune deletes it)" in kept.render()
    pruned = e.plan_model(smaller, prune=True)
    assert pruned.counts()[Action.DELETE] == 3
    assert e.apply(pruned).ok
    deletes = [c for c in adapter.remote.calls if c.startswith("delete")]
    assert deletes.index("delete competency/a") == 2
    assert e.plan_model(smaller, prune=True).is_empty


def test_notes_for_remote_edits_and_remote_deletions_since_the_last_sync() -> None:
    adapter = fresh_adapter()
    e = engine(adapter)
    e.apply(e.plan_model(MODEL))
    by_key = {o.key: r for r, o in adapter.remote.objects.items()}
    adapter.remote.objects[by_key["a"]].data = {"name": "edited there"}
    del adapter.remote.objects[by_key["b"]]
    notes = {c.key: c.note for c in e.plan_model(MODEL).changes}
    assert notes["a"] == "changed remotely since the last sync: the local content wins"
    assert notes["b"] == "synced before but missing remotely: created again"


def test_sync_state_records_remote_ids_and_hashes_in_the_store(tmp_path: Path) -> None:
    from competency_core.store import Store

    adapter = fresh_adapter()
    with Store(tmp_path / "s.sqlite3") as store:
        e = engine(adapter, state=StoreSyncState(store))
        plan = e.plan_model(MODEL)
        e.apply(plan)
        records = store.sync_states(adapter.state_namespace)
        assert len(records) == 5
        a = store.sync_state(adapter.state_namespace, "competency", "a")
        assert a is not None
        assert a.content_hash == next(c.content_hash for c in plan.changes if c.key == "a")
        assert adapter.remote.objects[a.remote_id or ""].key == "a"
        e.apply(e.plan_model(without(MODEL, "b"), prune=True))
        assert store.sync_state(adapter.state_namespace, "competency", "b") is None


def test_progress_reports_each_change() -> None:
    seen: list[Progress] = []
    e = engine()
    e.apply(e.plan_model(MODEL), progress=seen.append)
    assert [(p.done, p.total) for p in seen] == [(i, 5) for i in range(1, 6)]
    assert seen[0].outcome.key == "tiny"


class Hooks:
    def __init__(self, veto: str | None = None) -> None:
        self.veto = veto
        self.events: list[tuple[str, Any]] = []

    @hookimpl
    def plan_made(self, adapter: Any, plan: Plan) -> None:
        self.events.append(("plan", plan.summary()))

    @hookimpl
    def before_apply(self, adapter: Any, plan: Plan) -> str | None:
        self.events.append(("before", adapter.name))
        return self.veto

    @hookimpl
    def after_apply(self, adapter: Any, plan: Plan, report: Any) -> None:
        self.events.append(("after", [o.status.value for o in report.outcomes]))


def test_event_hooks_see_plans_and_every_outcome() -> None:
    hooks = Hooks()
    e = engine(registry=PluginRegistry.build(entry_points=False, plugins=[hooks]))
    e.apply(e.plan_model(MODEL))
    assert [name for name, _ in hooks.events] == ["plan", "before", "after"]
    assert hooks.events[2][1] == ["done"] * 5


def test_a_veto_stops_the_apply_before_anything_changes() -> None:
    adapter = fresh_adapter()
    hooks = Hooks(veto="change freeze until Monday")
    e = engine(adapter, registry=PluginRegistry.build(entry_points=False, plugins=[hooks]))
    with pytest.raises(ApplyVetoedError, match="change freeze until Monday"):
        e.apply(e.plan_model(MODEL))
    assert adapter.remote.objects == {}


def test_secrets_stay_out_of_reprs_plans_failures_and_logs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    secret = "s3cr3t-t0ken-value"
    adapter = FakeAdapter(FakeSettings(remote="secret-test", token=SecretStr(secret)))

    def create(change: Change, ids: Any) -> str:
        raise SyncError(f"401 for token {secret}")

    adapter.create = create  # type: ignore[method-assign]
    e = SyncEngine(adapter, registry=PluginRegistry.build())  # the built-in logging plugin too
    plan = e.plan_model(MODEL)
    report = e.apply(plan)
    assert report.failed[0].message == "401 for token ***"
    texts = [repr(adapter), repr(adapter.settings), plan.to_json(), report.model_dump_json()]
    texts += [r.getMessage() for r in caplog.records]
    assert any("401 for token ***" in t for t in texts)
    assert not any(secret in t for t in texts)


def test_settings_come_from_values_and_environment_and_errors_hide_values() -> None:
    env = {"COMPETENCY_FAKE_TOKEN": "from-env-secret"}
    adapter = FakeAdapter.configure({"remote": "cfg"}, env=env)
    assert adapter.settings.token.get_secret_value() == "from-env-secret"
    with pytest.raises(AdapterSettingsError) as exc:
        FakeAdapter.configure({"remote": ["not", "a", "string"], "tokn": "x"}, env=env)
    message = str(exc.value)
    assert "tokn: error: unknown setting (known: remote, token)" in message
    assert "not" not in message.replace("not a", "")
    assert isinstance(exc.value, ModelValidationError)


def test_a_capability_the_adapter_lacks_is_refused() -> None:
    with pytest.raises(SyncError, match="cannot push ratings"):
        engine().plan_ratings([])


def test_plan_files_round_trip_and_bad_ones_are_clear(tmp_path: Path) -> None:
    plan = engine().plan_model(MODEL)
    plan.save(tmp_path / "plan.json")
    assert Plan.load(tmp_path / "plan.json") == plan
    (tmp_path / "bad.json").write_text('{"format": "something else"}')
    with pytest.raises(ModelValidationError, match="is not a competency-core sync plan"):
        Plan.load(tmp_path / "bad.json")
    with pytest.raises(ModelValidationError, match="cannot read the plan"):
        Plan.load(tmp_path / "missing.json")


def test_people_push_with_a_second_capability() -> None:
    e = engine()
    people = [Person(key="p1", name="Ann"), Person(key="p2", name="Bo", email="bo@x.org")]
    e.apply(e.plan_people(people))
    assert e.plan_people(people).is_empty
    changed = e.plan_people([people[0].model_copy(update={"name": "Anne"}), people[1]])
    assert [c.key for c in changed.pending] == ["p1"]


@settings(max_examples=15)
@given(
    st.lists(competency_models(key="m", n_competencies=(1, 5), n_roles=0), min_size=1, max_size=3)
)
def test_any_sequence_of_versions_converges(models: list[CompetencyModel]) -> None:
    adapter = fresh_adapter()
    e = engine(adapter)
    for m in models:
        assert e.apply(e.plan_model(m, prune=True)).ok
        assert e.plan_model(m, prune=True).is_empty
        remote = adapter.remote.of("push-model:m")
        assert set(remote) == {(o.kind, o.key) for o in adapter.model_objects(m)}
