"""A JSON-lines adapter: one file per scope, one signed JSON object per line."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field, SecretStr

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


class JsonlSettings(AdapterSettings):
    """Where the files go, the key lines are signed with, and a safety limit."""

    directory: Path
    signing_key: SecretStr = Field(default=SecretStr(""), description="HMAC key for the lines.")
    max_deletes: int = Field(default=10, ge=0, description="Refuse plans deleting more.")


class JsonlAdapter(Adapter[JsonlSettings]):
    """Pushes competencies and people to JSON-lines files; pulls people back."""

    name: ClassVar[str] = "jsonl"
    title: ClassVar[str] = "JSON-lines files (an example plugin)"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {Capability.PUSH_MODEL, Capability.PUSH_PEOPLE, Capability.PULL_PEOPLE}
    )
    settings_model: ClassVar[type[AdapterSettings]] = JsonlSettings

    def __init__(self, settings: JsonlSettings) -> None:
        super().__init__(settings)
        self._lines: dict[tuple[str, str], dict[str, Any]] = {}
        self._path: Path | None = None

    @property
    def target(self) -> str:
        return str(self.settings.directory.resolve())

    def _file(self, scope: Scope) -> Path:
        name = scope.operation.value + (f"-{scope.key}" if scope.key else "")
        return self.settings.directory / f"{name.replace('/', '_')}.jsonl"

    def _sign(self, body: str) -> str:
        key = self.settings.signing_key.get_secret_value().encode()
        return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()

    def _read(self, path: Path) -> Iterator[dict[str, Any]]:
        if not path.exists():
            return
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                record = json.loads(line)
                body = json.dumps(record["object"], sort_keys=True)
                if not hmac.compare_digest(record["sig"], self._sign(body)):
                    raise SyncError(f"{path}:{n}: the signature does not match")
                yield record["object"]

    # -- local data -> objects
    def model_objects(self, model: CompetencyModel) -> Iterable[LocalObject]:
        for c in model.competencies:
            parent = (ObjectRef(kind="competency", key=c.parent),) if c.parent else ()
            yield LocalObject(
                kind="competency",
                key=c.key,
                data={"name": model.text(c.name), "parent": c.parent},
                depends_on=parent,
            )

    def people_objects(self, people: Iterable[Person]) -> Iterable[LocalObject]:
        for p in people:
            yield LocalObject(kind="person", key=p.key, data={"name": p.name, "email": p.email})

    # -- the files as the remote side
    def read_remote(self, scope: Scope) -> Iterator[RemoteObject]:
        for obj in self._read(self._file(scope)):
            yield RemoteObject(
                kind=obj["kind"], key=obj["key"], remote_id=obj["key"], data=obj["data"]
            )

    def begin(self, plan: Plan) -> None:
        self._path = self._file(plan.scope)
        self._lines = {(o["kind"], o["key"]): o for o in self._read(self._path)}

    def create(self, change: Change, ids: RemoteIds) -> str:
        self.update(change, change.key, ids)
        return change.key

    def update(self, change: Change, remote_id: str, ids: RemoteIds) -> None:
        self._lines[(change.kind, change.key)] = {
            "kind": change.kind,
            "key": change.key,
            "data": change.data,
        }

    def delete(self, change: Change, remote_id: str) -> None:
        self._lines.pop((change.kind, change.key), None)

    def flush(self) -> None:
        if self._path is None:
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            for obj in self._lines.values():
                body = json.dumps(obj, sort_keys=True)
                fh.write(json.dumps({"object": obj, "sig": self._sign(body)}) + "\n")
        os.replace(tmp, self._path)

    # -- reads
    def pull_people(self) -> Iterator[Person]:
        for obj in self._read(self._file(Scope(operation=Capability.PUSH_PEOPLE))):
            yield Person(key=obj["key"], name=obj["data"]["name"], email=obj["data"]["email"])
