"""An in-memory remote system and an adapter for it, to test the engine without I/O.

The remote gives objects numeric ids and carries the local key on each (as Moodle keeps
idnumbers). ``fail`` makes the n-th call raise, before or after it took effect.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import SecretStr

from competency_core.errors import SyncError
from competency_core.model import CompetencyModel
from competency_core.people import Person
from competency_core.sync import (
    Adapter,
    AdapterSettings,
    Capability,
    Change,
    LocalObject,
    ObjectRef,
    Plan,
    RemoteIds,
    RemoteObject,
    Scope,
)


@dataclass
class Stored:
    kind: str
    key: str
    data: dict[str, Any]
    scope: str
    depends_on: tuple[ObjectRef, ...] = ()


@dataclass
class FakeRemote:
    """A remote system in memory: objects by id, and a log of every call."""

    objects: dict[str, Stored] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def of(self, scope: str) -> dict[tuple[str, str], dict[str, Any]]:
        return {(o.kind, o.key): o.data for o in self.objects.values() if o.scope == scope}


class FakeSettings(AdapterSettings):
    remote: str = "default"
    token: SecretStr = SecretStr("")


REMOTES: dict[str, FakeRemote] = {}


class FakeAdapter(Adapter[FakeSettings]):
    """Pushes models (framework + competencies) and people to a :class:`FakeRemote`."""

    name: ClassVar[str] = "fake"
    title: ClassVar[str] = "In-memory remote for tests"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.PUSH_MODEL, Capability.PULL_MODEL, Capability.PUSH_PEOPLE}
    )
    settings_model: ClassVar[type[AdapterSettings]] = FakeSettings

    def __init__(self, settings: FakeSettings) -> None:
        super().__init__(settings)
        self.remote = REMOTES.setdefault(settings.remote, FakeRemote())

    @property
    def target(self) -> str:
        return f"memory://{self.settings.remote}"

    def model_objects(self, model: CompetencyModel) -> Iterable[LocalObject]:
        fw = ObjectRef(kind="framework", key=model.key)
        yield LocalObject(kind="framework", key=model.key, data={"name": model.text(model.name)})
        for c in model.competencies:
            deps = [fw]
            if c.parent:
                deps.append(ObjectRef(kind="competency", key=c.parent))
            yield LocalObject(
                kind="competency",
                key=c.key,
                data={
                    "name": model.text(c.name),
                    "description": model.text(c.definition),
                    "parent": c.parent,
                    "framework": model.key,
                },
                depends_on=tuple(deps),
            )

    def people_objects(self, people: Iterable[Person]) -> Iterable[LocalObject]:
        for p in people:
            yield LocalObject(kind="person", key=p.key, data={"name": p.name, "email": p.email})

    def _scope(self, scope: Scope) -> str:
        return f"{scope.operation.value}:{scope.key}"

    def read_remote(self, scope: Scope) -> Iterator[RemoteObject]:
        s = self._scope(scope)
        for rid, o in self.remote.objects.items():
            if o.scope == s:
                yield RemoteObject(
                    kind=o.kind, key=o.key, remote_id=rid, data=o.data, depends_on=o.depends_on
                )

    def begin(self, plan: Plan) -> None:
        self._current = self._scope(plan.scope)

    def create(self, change: Change, ids: RemoteIds) -> str:
        for dep in change.depends_on:
            if dep not in ids:
                raise SyncError(f"{dep} does not exist remotely yet")
        rid = str(next(self.remote.ids))
        assert change.data is not None
        self.remote.objects[rid] = Stored(
            change.kind, change.key, dict(change.data), self._current, change.depends_on
        )
        self.remote.calls.append(f"create {change.kind}/{change.key}")
        return rid

    def update(self, change: Change, remote_id: str, ids: RemoteIds) -> None:
        assert change.data is not None
        self.remote.objects[remote_id].data = dict(change.data)
        self.remote.objects[remote_id].depends_on = change.depends_on
        self.remote.calls.append(f"update {change.kind}/{change.key}")

    def delete(self, change: Change, remote_id: str) -> None:
        for o in self.remote.objects.values():
            if change.ref in o.depends_on and o.scope == self._current:
                raise SyncError(f"{change.ref} is still used by {o.kind}/{o.key}")
        del self.remote.objects[remote_id]
        self.remote.calls.append(f"delete {change.kind}/{change.key}")

    def pull_model(self, key: str | None = None) -> CompetencyModel:
        s = f"push-model:{key}"
        objs = [o for o in self.remote.objects.values() if o.scope == s]
        fw = next(o for o in objs if o.kind == "framework")
        return CompetencyModel.model_validate(
            {
                "key": key,
                "name": fw.data["name"],
                "scales": [
                    {
                        "key": "s",
                        "name": "S",
                        "proficient": 2,
                        "levels": [{"value": 1, "label": "A"}, {"value": 2, "label": "B"}],
                    }
                ],
                "competencies": [
                    {
                        "key": o.key,
                        "name": o.data["name"],
                        "definition": o.data["description"] or None,
                        "parent": o.data["parent"],
                        "scale": "s",
                    }
                    for o in objs
                    if o.kind == "competency"
                ],
            }
        )


def fresh_adapter(token: str = "") -> FakeAdapter:
    name = f"r{len(REMOTES) + 1}"
    return FakeAdapter(FakeSettings(remote=name, token=SecretStr(token)))
