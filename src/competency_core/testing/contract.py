"""``AdapterContract``: the properties every adapter must have, as a pytest base class.

Subclass it in your adapter's tests and say how to make an adapter on an empty remote::

    from competency_core.testing import AdapterContract

    class TestMyAdapter(AdapterContract):
        def make_adapter(self):
            return MyAdapter.configure({"url": self.start_test_server()})

Every test then runs against it (those of capabilities it does not declare are skipped):
plans are JSON and read the remote without changing it; applying then planning again
gives an empty plan; applying a plan twice changes nothing; a stale plan is refused;
nothing is deleted without pruning; a failure or a crash at any call, followed by a
re-run, ends exactly as a clean run, without duplicates; pulled models keep their
hierarchy, keys and texts; secrets never show in reprs, plans, reports or logs.
Models come from :func:`competency_core.testing.strategies.competency_models`.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar, Literal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competency_core.errors import SyncError
from competency_core.model import CompetencyModel
from competency_core.plugins import PluginRegistry
from competency_core.sync import (
    Adapter,
    AdapterSettings,
    Capability,
    CapabilityError,
    InMemorySyncState,
    ObjectRef,
    OutcomeStatus,
    Plan,
    Scope,
    StalePlanError,
    SyncEngine,
    SyncStateStore,
)
from competency_core.testing.strategies import competency_models, workforces
from competency_core.text import LocalizedText

Mode = Literal["fail-before", "fail-after", "crash-before", "crash-after"]
MODES: tuple[Mode, ...] = ("fail-before", "fail-after", "crash-before", "crash-after")
_OK = (OutcomeStatus.DONE, OutcomeStatus.ALREADY_DONE)
_DIRS: list[str] = []

_settings = settings(
    max_examples=8,
    deadline=None,
    # each subclass runs the same test methods: the shared executor is by design
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.differing_executors,
    ],
)
_few = settings(_settings, max_examples=3)
_RAW: dict[str, tuple[Callable[..., None], str]] = {}


def _property(budget: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Mark a property test; each subclass gets it with its own example budget.

    ``budget`` names the class attribute that says how many examples it runs
    (:attr:`AdapterContract.examples` or :attr:`AdapterContract.failure_examples`).
    """

    def mark(fn: Callable[..., None]) -> Callable[..., None]:
        _RAW[fn.__name__] = (fn, budget)
        return _hypothesis_test(fn, 8 if budget == "examples" else 3)

    return mark


def _hypothesis_test(fn: Callable[..., None], examples: int) -> Callable[..., None]:
    return settings(_settings, max_examples=examples)(given(data=st.data())(fn))


@atexit.register
def _remove_directories() -> None:
    for d in _DIRS:
        shutil.rmtree(d, ignore_errors=True)


def _levels(n: int) -> list[dict[str, Any]]:
    return [{"value": v, "label": f"Level {v}"} for v in range(1, n + 1)]


class InjectedCrash(Exception):
    """Stands for the process dying in the middle of an apply."""


class _Injector:
    """Wraps an adapter's write calls to fail or crash at the n-th one (0: never)."""

    def __init__(self, adapter: Adapter[Any], at: int = 0, mode: Mode = "fail-before") -> None:
        self.calls = 0
        self.at = at
        self.mode = mode
        for name in ("create", "update", "delete", "flush"):
            setattr(adapter, name, self._wrap(getattr(adapter, name), name))

    def _raise(self, name: str) -> None:
        if self.mode.startswith("fail"):
            raise SyncError(f"injected failure of {name} (call {self.at})")
        raise InjectedCrash(f"injected crash at {name} (call {self.at})")

    def _wrap(self, original: Callable[..., Any], name: str) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            self.calls += 1
            hit = self.calls == self.at
            if hit and self.mode.endswith("before"):
                self._raise(name)
            result = original(*args)
            if hit:
                self._raise(name)
            return result

        return call


class AdapterContract:
    """Base class of every adapter's contract tests; override :meth:`make_adapter`."""

    model_key: ClassVar[str] = "contract-model"
    examples: ClassVar[int] = 8
    """Examples of each property test (lower it for a slow remote system)."""
    failure_examples: ClassVar[int] = 3
    """Examples of the failure-at-every-call test (each runs a push per failure point)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, (fn, budget) in _RAW.items():
            if name not in cls.__dict__:  # a subclass's own version stays as written
                setattr(cls, name, _hypothesis_test(fn, int(getattr(cls, budget))))

    def failure_points(self, calls: int) -> Iterator[tuple[int, Mode]]:
        """Where the failure test injects a failure or crash: every write, every mode.

        A subclass for a slow remote system may return fewer (e.g. one mode per write).
        """
        for at in range(1, calls + 1):
            for mode in MODES:
                yield at, mode

    # -- what a subclass provides ---------------------------------------------------------
    def make_adapter(self) -> Adapter[Any]:
        """A new adapter on an empty remote system (called many times per test)."""
        raise NotImplementedError("subclass AdapterContract and implement make_adapter()")

    def reopen(self, adapter: Adapter[Any]) -> Adapter[Any]:
        """Another adapter on the same remote system (a new process, after a crash)."""
        return type(adapter)(adapter.settings)

    def make_state(self) -> SyncStateStore:
        """The sync state a test starts with (in memory by default)."""
        return InMemorySyncState()

    def models(self) -> st.SearchStrategy[CompetencyModel]:
        """The models pushed in the tests."""
        return competency_models(
            key=self.model_key, n_competencies=(1, 6), n_roles=(0, 2), n_scales=(1, 2)
        )

    def sample_model(self) -> CompetencyModel:
        """A small fixed model (two scales, a hierarchy, translations)."""
        return CompetencyModel.model_validate(
            {
                "key": self.model_key,
                "name": {"en": "Contract", "sv": "Kontrakt"},
                "languages": ["en", "sv"],
                "scales": [
                    {"key": "s", "name": "S", "proficient": 2, "levels": _levels(3)},
                    {"key": "t", "name": "T", "proficient": 3, "levels": _levels(4)},
                ],
                "competencies": [
                    {"key": "a", "name": "Alpha", "definition": "First.", "scale": "s"},
                    {"key": "a.1", "name": "Alpha one", "parent": "a", "scale": "s"},
                    {
                        "key": "b",
                        "name": {"en": "Beta", "sv": "Beta"},
                        "scale": "t",
                        "related": ["a"],
                    },
                ],
            }
        )

    # -- helpers ------------------------------------------------------------------------------
    @staticmethod
    def new_directory() -> Path:
        """A new empty folder, removed when the tests end (safe to use inside @given)."""
        d = tempfile.mkdtemp(prefix="competency-contract-")
        _DIRS.append(d)
        return Path(d)

    _registry: ClassVar[PluginRegistry | None] = None

    def engine(self, adapter: Adapter[Any], state: SyncStateStore | None = None) -> SyncEngine:
        """An engine with no third-party hooks (so other plugins cannot disturb the tests)."""
        if AdapterContract._registry is None:
            AdapterContract._registry = PluginRegistry.build(entry_points=False)
        if state is None:
            state = self.make_state()
        return SyncEngine(adapter, state, registry=AdapterContract._registry)

    @staticmethod
    def snapshot(adapter: Adapter[Any], scope: Scope) -> dict[ObjectRef, Any]:
        """The remote objects in scope by reference (fails on duplicate keys)."""
        objects = list(adapter.read_remote(scope))
        found = {o.ref: o.data for o in objects}
        assert len(found) == len(objects), "the remote holds duplicates"
        return found

    def _needs(self, adapter: Adapter[Any], *capabilities: Capability) -> None:
        missing = [c.value for c in capabilities if not adapter.can(c)]
        if missing:
            pytest.skip(f"{adapter.name} does not declare {', '.join(missing)}")

    @staticmethod
    def _scope(model: CompetencyModel) -> Scope:
        return Scope(operation=Capability.PUSH_MODEL, key=model.key)

    # -- the contract -------------------------------------------------------------------------
    def test_declares_name_capabilities_and_settings(self) -> None:
        """A lower-case name, capabilities it implements, a settings model, a target."""
        adapter = self.make_adapter()
        cls = type(adapter)
        assert cls.name
        assert cls.name == cls.name.lower()
        assert cls.capabilities, "an adapter declares at least one capability"
        assert cls.missing_methods() == {}
        assert issubclass(cls.settings_model, AdapterSettings)
        assert isinstance(adapter.settings, cls.settings_model)
        assert adapter.target

    def test_refuses_what_it_cannot_do(self) -> None:
        """Planning a write the adapter does not declare raises CapabilityError."""
        adapter = self.make_adapter()
        missing = [c for c in Capability if c.writes and not adapter.can(c)]
        if not missing:
            pytest.skip("the adapter declares every write capability")
        with pytest.raises(CapabilityError):
            self.engine(adapter).plan(Scope(operation=missing[0]), [])

    def test_secrets_never_show(self, caplog: pytest.LogCaptureFixture) -> None:
        """No secret value in reprs, settings JSON, plans, reports or log messages."""
        adapter = self.make_adapter()
        secrets = adapter.settings.secret_values()
        if not secrets:
            pytest.skip("the adapter's settings hold no secret")
        caplog.set_level("DEBUG")
        shown = [repr(adapter), repr(adapter.settings), str(adapter.settings), adapter.target]
        shown.append(adapter.settings.model_dump_json())
        if adapter.can(Capability.PUSH_MODEL):
            model = self.sample_model()
            engine = self.engine(adapter)
            plan = engine.plan_model(model)
            shown += [plan.to_json(), plan.render(), engine.apply(plan).model_dump_json()]
        shown += [r.getMessage() for r in caplog.records]
        for secret in secrets:
            assert not any(secret in text for text in shown)

    @_property("examples")
    def test_plan_is_json_and_reading_changes_nothing(self, data: st.DataObject) -> None:
        """A plan survives JSON and is frozen; planning leaves the remote as it was."""
        adapter = self.make_adapter()
        self._needs(adapter, Capability.PUSH_MODEL)
        model = data.draw(self.models())
        engine = self.engine(adapter)
        engine.apply(engine.plan_model(model))
        before = self.snapshot(adapter, self._scope(model))
        plan = engine.plan_model(model.model_copy(update={"name": LocalizedText("Renamed")}))
        assert Plan.from_json(plan.to_json()) == plan
        with pytest.raises((TypeError, ValueError)):
            plan.prune = True  # type: ignore[misc]
        assert self.snapshot(adapter, self._scope(model)) == before
        assert engine.plan_model(model).fingerprint == plan.fingerprint

    @_property("examples")
    def test_after_apply_the_plan_is_empty(self, data: st.DataObject) -> None:
        """After an apply, planning again gives an empty plan; a second apply does nothing."""
        adapter = self.make_adapter()
        self._needs(adapter, Capability.PUSH_MODEL)
        model = data.draw(self.models())
        engine = self.engine(adapter)
        plan = engine.plan_model(model)
        report = engine.apply(plan)
        assert report.ok, report.failed
        assert {o.ref for o in report.outcomes} == {c.ref for c in plan.pending}
        again = engine.plan_model(model)
        assert again.is_empty, again.render()
        repeat = engine.apply(plan)  # the same plan once more: already done, nothing changes
        assert all(o.status is OutcomeStatus.ALREADY_DONE for o in repeat.outcomes)
        assert engine.plan_model(model).fingerprint == again.fingerprint

    @_property("examples")
    def test_a_stale_plan_is_refused(self, data: st.DataObject) -> None:
        """A plan whose remote state changed meanwhile is refused."""
        adapter = self.make_adapter()
        self._needs(adapter, Capability.PUSH_MODEL)
        model = data.draw(self.models())
        engine = self.engine(adapter)
        plan = engine.plan_model(model)
        # Change what every adapter writes remotely: the model's name and a competency's.
        first = model.competencies[0]
        renamed = first.model_copy(update={"name": LocalizedText("Changed meanwhile")})
        other = model.model_copy(
            update={
                "name": LocalizedText("Changed meanwhile"),
                "competencies": (renamed, *model.competencies[1:]),
            }
        )
        engine.apply(engine.plan_model(other))
        with pytest.raises(StalePlanError):
            engine.apply(plan)

    @_property("examples")
    def test_nothing_is_deleted_without_prune(self, data: st.DataObject) -> None:
        """Remote objects missing locally stay unless pruning is asked for."""
        adapter = self.make_adapter()
        self._needs(adapter, Capability.PUSH_MODEL)
        first, second = data.draw(self.models()), data.draw(self.models())
        engine = self.engine(adapter)
        engine.apply(engine.plan_model(first))
        kept = self.snapshot(adapter, self._scope(first))
        plan = engine.plan_model(second)
        assert not [c for c in plan.changes if c.action.value == "delete"]
        assert engine.apply(plan).ok
        after = self.snapshot(adapter, self._scope(first))
        assert set(kept) <= set(after)
        pruned = engine.apply(engine.plan_model(second, prune=True))
        assert pruned.ok, pruned.failed
        local = {o.ref for o in adapter.model_objects(second)}
        assert set(self.snapshot(adapter, self._scope(first))) == local
        assert engine.plan_model(second, prune=True).is_empty

    def _clean_run(self, model: CompetencyModel) -> tuple[dict[ObjectRef, Any], int]:
        adapter = self.make_adapter()
        counter = _Injector(adapter)
        engine = self.engine(adapter)
        assert engine.apply(engine.plan_model(model)).ok
        return self.snapshot(adapter, self._scope(model)), counter.calls

    @_property("failure_examples")
    def test_failure_or_crash_at_any_call_then_rerun_ends_as_a_clean_run(
        self, data: st.DataObject
    ) -> None:
        """A failed call or a crash at any call, then re-running the plan: a clean end state."""
        self._needs(self.make_adapter(), Capability.PUSH_MODEL)
        model = data.draw(self.models())
        clean, calls = self._clean_run(model)
        for at, mode in self.failure_points(calls):
            adapter = self.make_adapter()
            state = self.make_state()
            engine = self.engine(adapter, state)
            plan = Plan.from_json(engine.plan_model(model).to_json())
            _Injector(adapter, at, mode)
            try:
                engine.apply(plan)
            except InjectedCrash:
                assert mode.startswith("crash")
            fresh = self.engine(self.reopen(adapter), state)
            report = fresh.apply(plan)
            assert all(o.status in _OK for o in report.outcomes), (at, mode, report.failed)
            assert fresh.plan_model(model).is_empty, (at, mode)
            assert self.snapshot(adapter, self._scope(model)) == clean, (at, mode)
            scope_ns = fresh.adapter.state_namespace
            for ref in clean:
                record = state.get(scope_ns, ref.kind, ref.key)
                assert record is not None, (at, mode, ref)

    @_property("examples")
    def test_pulled_model_keeps_hierarchy_keys_and_texts(self, data: st.DataObject) -> None:
        """A pushed model pulled back has the same keys, parents, names and definitions."""
        adapter = self.make_adapter()
        self._needs(adapter, Capability.PUSH_MODEL, Capability.PULL_MODEL)
        model = data.draw(self.models())
        engine = self.engine(adapter)
        assert engine.apply(engine.plan_model(model)).ok
        pulled = adapter.pull_model(model.key)
        assert pulled.key == model.key
        assert {c.key for c in pulled.competencies} == {c.key for c in model.competencies}
        for c in model.competencies:
            p = pulled.competency(c.key)
            assert p.parent == c.parent
            assert pulled.text(p.name) == model.text(c.name)
            assert pulled.text(p.definition) == model.text(c.definition)

    @_property("examples")
    def test_pushed_people_come_back(self, data: st.DataObject) -> None:
        """Pushed people are pulled back with their keys and names."""
        adapter = self.make_adapter()
        self._needs(adapter, Capability.PUSH_PEOPLE, Capability.PULL_PEOPLE)
        model = data.draw(self.models())
        people = data.draw(workforces(model, n_people=(0, 5))).people
        engine = self.engine(adapter)
        assert engine.apply(engine.plan_people(people)).ok
        assert engine.plan_people(people).is_empty
        back = {p.key: p for p in adapter.pull_people()}
        assert set(back) == {p.key for p in people}
        for p in people:
            assert back[p.key].name == p.name


__all__ = ["MODES", "AdapterContract", "InjectedCrash"]
