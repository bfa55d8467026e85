"""A JSON-lines adapter: one file per scope, one signed JSON object per line.

The adapter wires the pieces: the settings (:mod:`competency_jsonl.settings`), the files'
line format (:mod:`competency_jsonl.signing`, what stands for a client), and the objects of
models and people (:mod:`competency_jsonl.model`, :mod:`competency_jsonl.people`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar

from competency_core.errors import SyncError
from competency_core.model import CompetencyModel
from competency_core.people import Person
from competency_core.sync import (
    Adapter,
    AdapterSettings,
    Capability,
    Change,
    LocalObject,
    Plan,
    RemoteIds,
    RemoteObject,
    Scope,
)
from competency_jsonl.model import competency_objects
from competency_jsonl.people import person, person_objects
from competency_jsonl.settings import JsonlSettings
from competency_jsonl.signing import LineError, read_line, signed_line


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

    def _read(self, path: Path) -> Iterator[dict[str, Any]]:
        """Every object of ``path``; a :class:`SyncError` at the first line that is not signed."""
        if not path.exists():
            return
        key = self.settings.signing_key.get_secret_value()
        with path.open(encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    yield read_line(line, key)
                except LineError as exc:
                    raise SyncError(
                        f"{path}:{n}: {exc} (`competency jsonl verify {path.parent}` lists "
                        "every bad line)"
                    ) from None

    # -- local data -> objects
    def model_objects(self, model: CompetencyModel) -> Iterable[LocalObject]:
        return competency_objects(model)

    def people_objects(self, people: Iterable[Person]) -> Iterable[LocalObject]:
        return person_objects(people)

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
            key = self.settings.signing_key.get_secret_value()
            for obj in self._lines.values():
                fh.write(signed_line(key, obj))
        os.replace(tmp, self._path)

    # -- reads
    def pull_people(self) -> Iterator[Person]:
        for obj in self._read(self._file(Scope(operation=Capability.PUSH_PEOPLE))):
            yield person(obj)


__all__ = ["JsonlAdapter", "JsonlSettings"]
