"""The ``csv`` adapter: a folder of CSV files as the remote system.

* ``push-model`` / ``pull-model``: a Moodle competency framework file per model
  (``{key}.moodle.csv``), which Moodle's "Import competency framework" tool reads;
* ``push-people`` / ``pull-people``, ``push-ratings`` / ``pull-ratings``,
  ``assign-learning`` / ``pull-learning``: ``people.csv``, ``assessments.csv`` and
  ``assignments.csv``;
* ``pull-completions``: the completed rows of ``assignments.csv`` as ``course`` evidence.

Writes go through the sync engine's plan and apply. The files are changed in memory and
written once, atomically, when the apply ends (so an interrupted apply leaves them as they
were). Rows the adapter does not understand are kept as they are, and columns it does not
manage keep their values.

This module wires the pieces together: the settings (:mod:`competency_csv.settings`), the
files (:mod:`competency_csv.client`), framework files (:mod:`competency_csv.model`), and
the tables of people, ratings and learning (:mod:`competency_csv.people`,
:mod:`competency_csv.ratings`, :mod:`competency_csv.learning`, on
:mod:`competency_csv.tables`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar

from pydantic import JsonValue

from competency_core.errors import Problem, SyncError
from competency_core.model import CompetencyModel
from competency_core.people import Assessment, Evidence, LearningAssignment, Person
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
    Renames,
    Scope,
)
from competency_csv.learning import ASSIGNMENTS, completions
from competency_csv.model.framework_file import (
    COMPETENCY,
    FRAMEWORK,
    FrameworkTable,
    read_framework_file,
    remote_objects,
)
from competency_csv.model.pull import import_framework
from competency_csv.model.push import formula_warnings, framework_objects
from competency_csv.people import PEOPLE
from competency_csv.ratings import ASSESSMENTS
from competency_csv.settings import CsvSettings
from competency_csv.tables import TableEdit, TableSpec, read_table, scan

log = logging.getLogger("competency_csv")

_TABLES: dict[Capability, tuple[str, TableSpec[Any]]] = {
    Capability.PUSH_PEOPLE: ("people_file", PEOPLE),
    Capability.PUSH_RATINGS: ("assessments_file", ASSESSMENTS),
    Capability.ASSIGN_LEARNING: ("assignments_file", ASSIGNMENTS),
}


class CsvAdapter(Adapter[CsvSettings]):
    """Moodle competency framework files and plain CSV files of people, ratings, learning."""

    name: ClassVar[str] = "csv"
    title: ClassVar[str] = (
        "CSV files: Moodle competency frameworks; people, assessments and learning assignments"
    )
    capabilities: ClassVar[frozenset[Capability]] = frozenset(Capability)
    settings_model: ClassVar[type[AdapterSettings]] = CsvSettings
    flush_every: ClassVar[int | None] = None

    def __init__(self, settings: CsvSettings) -> None:
        super().__init__(settings)
        self.skipped: list[Problem] = []
        self._table: FrameworkTable | TableEdit | None = None

    @property
    def target(self) -> str:
        """The folder's absolute path."""
        return str(self.settings.directory.expanduser().resolve())

    def path(self, scope: Scope) -> Path:
        """The file a scope lives in."""
        if scope.operation is Capability.PUSH_MODEL:
            if not scope.key:
                raise SyncError("a model push needs the model's key")
            return self.settings.framework_path(scope.key)
        attr, _ = _TABLES[scope.operation]
        return self.settings.directory / str(getattr(self.settings, attr))

    # -- local objects ------------------------------------------------------------------
    def model_objects(self, model: CompetencyModel) -> Iterable[LocalObject]:
        """The framework row and the competency rows of a model."""
        objects = framework_objects(model, self.settings.framework_options, self.warn)
        if self.settings.escape_formulas:
            for warning in formula_warnings(objects):
                self.warn(warning)
        return objects

    def _rows(self, spec: TableSpec[Any], items: Iterable[Any]) -> Iterator[LocalObject]:
        for item in items:
            # as a file gives them back: cells trimmed, empty ones absent (else never equal)
            cells: dict[str, JsonValue] = {
                k: v.strip() for k, v in spec.to_cells(item).items() if v.strip()
            }
            yield LocalObject(kind=spec.kind, key=spec.key(item), data=cells)

    def people_objects(self, people: Iterable[Person]) -> Iterable[LocalObject]:
        """One row per person."""
        return self._rows(PEOPLE, people)

    def rating_objects(self, assessments: Iterable[Assessment]) -> Iterable[LocalObject]:
        """One row per assessment."""
        return self._rows(ASSESSMENTS, assessments)

    def assignment_objects(
        self, assignments: Iterable[LearningAssignment]
    ) -> Iterable[LocalObject]:
        """One row per learning assignment."""
        return self._rows(ASSIGNMENTS, assignments)

    # -- the files as the remote side -------------------------------------------------
    def read_remote(self, scope: Scope) -> Iterator[RemoteObject]:
        """Stream the rows of the scope's file as remote objects (a missing file is empty)."""
        self.require(scope.operation)
        path = self.path(scope)
        if not path.exists():
            return
        if scope.operation is Capability.PUSH_MODEL:
            file = read_framework_file(path, self.settings)
            for obj in remote_objects(file):
                if obj.kind == FRAMEWORK and obj.key != scope.key:
                    raise SyncError(
                        f"{path} holds the framework {obj.key!r}, not {scope.key!r}: "
                        "set framework_file to another name"
                    )
                yield obj
            self._note_bad(path, file.problems)
            return
        _, spec = _TABLES[scope.operation]
        _, rows, problems = scan(path, spec, self.settings, self.settings.header_map)
        bad: list[Problem] = []
        for row in rows:
            if row.value is None:
                bad += row.problems
                continue
            key = spec.key(row.value)
            yield RemoteObject(
                kind=spec.kind, key=key, remote_id=key, data=dict(spec.to_cells(row.value))
            )
        self._note_bad(path, problems + bad)

    def _note_bad(self, path: Path, problems: list[Problem]) -> None:
        lines = sorted({p.line for p in problems if p.line})
        if lines:
            shown = ", ".join(map(str, lines[:10])) + (" ..." if len(lines) > 10 else "")
            self.warn(
                f"{path.name}: {len(lines)} row(s) not understood (lines {shown}); "
                "they are kept as they are"
            )

    def begin(self, plan: Plan) -> None:
        """Load the file the plan changes."""
        path = self.path(plan.scope)
        if plan.scope.operation is Capability.PUSH_MODEL:
            self._table = FrameworkTable(path, self.settings.dialect)
        else:
            spec = _TABLES[plan.scope.operation][1]
            self._table = TableEdit(path, spec, self.settings.dialect, self.settings.header_map)

    def _loaded(self) -> FrameworkTable | TableEdit:
        if self._table is None:
            raise SyncError("begin() was not called before the changes")
        return self._table

    def create(self, change: Change, ids: RemoteIds) -> str:
        """Add the row (written at the end of the apply)."""
        self.update(change, change.key, ids)
        return change.key

    def object_renames(self, scope: Scope, renames: Renames) -> dict[ObjectRef, str]:
        """Renamed competencies: their framework rows get the new idnumber, in place.

        Roles and learning resources have no row in a framework file; the people,
        assessment and assignment files are rewritten from the local data as they are.
        """
        if scope.operation is not Capability.PUSH_MODEL:
            return {}
        return {ObjectRef(kind=COMPETENCY, key=o): n for o, n in renames.competencies.items()}

    def update(self, change: Change, remote_id: str, ids: RemoteIds) -> None:
        """Replace the row's cells (columns the adapter does not manage keep their values).

        A rename (``change.old_key``) rewrites the row's idnumber in place; the rows that
        name it (children's parent, related lists) are updates of their own.
        """
        table = self._loaded()
        data = change.data or {}
        if isinstance(table, FrameworkTable):
            if change.old_key is not None:
                table.rename(change.kind, change.old_key, change.key)
            table.put(change.kind, change.key, data)
        else:
            table.put(change.key, data)

    def delete(self, change: Change, remote_id: str) -> None:
        """Remove the row."""
        table = self._loaded()
        if isinstance(table, FrameworkTable):
            table.remove(change.kind, change.key)
        else:
            table.remove(change.key)

    def flush(self) -> None:
        """Write the file, atomically."""
        if self._table is not None:
            self._table.write()

    # -- reads -------------------------------------------------------------------------
    def _skip(self, problem: Problem) -> None:
        self.skipped.append(problem)
        log.info("skipped: %s", problem)

    def pull_model(self, key: str | None = None) -> CompetencyModel:
        """Import a model from its framework file (the only one in the folder if no key)."""
        if key is not None:
            path = self.settings.framework_path(key)
        else:
            pattern = self.settings.framework_file.format(key="*")
            found = sorted(self.settings.directory.glob(pattern))
            if len(found) != 1:
                names = ", ".join(p.name for p in found) or "none"
                raise SyncError(
                    f"{len(found)} framework files match {pattern} in {self.target} "
                    f"({names}): name the model's key"
                )
            path = found[0]
        if not path.exists():
            raise SyncError(f"there is no framework file {path}")
        result = import_framework(
            path,
            self.settings,
            language=self.settings.language,
            skip_bad_rows=self.settings.skip_bad_rows,
        )
        for w in result.warnings:
            self._skip(w)
        return result.model

    def _pull(self, capability: Capability, spec: TableSpec[Any]) -> Iterator[Any]:
        path = self.path(Scope(operation=capability))
        if not path.exists():
            raise SyncError(f"there is no file {path}")
        return read_table(
            path,
            spec,
            self.settings,
            header_map=self.settings.header_map,
            skip_bad_rows=self.settings.skip_bad_rows,
            on_skip=self._skip,
        )

    def pull_people(self) -> Iterator[Person]:
        """Stream the people of the people file."""
        return self._pull(Capability.PUSH_PEOPLE, PEOPLE)

    def pull_ratings(self) -> Iterator[Assessment]:
        """Stream the assessments of the assessments file."""
        return self._pull(Capability.PUSH_RATINGS, ASSESSMENTS)

    def pull_assignments(self) -> Iterator[LearningAssignment]:
        """Stream the learning assignments of the assignments file."""
        return self._pull(Capability.ASSIGN_LEARNING, ASSIGNMENTS)

    def pull_completions(self) -> Iterator[Evidence]:
        """Stream the completed assignments of the assignments file as course evidence."""
        path = self.path(Scope(operation=Capability.ASSIGN_LEARNING))
        return completions(self._pull(Capability.ASSIGN_LEARNING, ASSIGNMENTS), f"csv:{path.name}")


__all__ = ["CsvAdapter"]
