"""The ``csv`` adapter: a folder of CSV files as the remote system.

* ``push-model`` / ``pull-model``: a Moodle competency framework file per model
  (``{key}.moodle.csv``), which Moodle's "Import competency framework" tool reads;
* ``push-people`` / ``pull-people``, ``push-ratings`` / ``pull-ratings``,
  ``assign-learning`` / ``pull-learning``: ``people.csv``, ``assessments.csv`` and
  ``assignments.csv``.

Writes go through the sync engine's plan and apply. The files are changed in memory and
written once, atomically, when the apply ends (so an interrupted apply leaves them as they
were). Rows the adapter does not understand are kept as they are, and columns it does not
manage keep their values.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field, JsonValue, field_validator

from competency_core.errors import Problem, SyncError
from competency_core.model import CompetencyModel
from competency_core.people import Assessment, LearningAssignment, Person
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
from competency_csv.csvio import CsvDialect, write_records
from competency_csv.moodle_framework import (
    COMPETENCY,
    DESCRIPTION_FORMATS,
    FRAMEWORK,
    FrameworkOptions,
    formula_warnings,
    framework_objects,
    ordered_rows,
    read_framework_file,
    remote_objects,
    row_cells,
    write_framework_file,
)
from competency_csv.moodle_import import import_framework
from competency_csv.tabular import (
    ASSESSMENTS,
    ASSIGNMENTS,
    PEOPLE,
    TableSpec,
    canonical_column,
    own_column_name,
    read_table,
    scan,
    table_header,
)

log = logging.getLogger("competency_csv")


class CsvSettings(AdapterSettings, CsvDialect):
    """Settings of the ``csv`` adapter: the folder, the file names, and the CSV dialect."""

    directory: Path = Field(description="The folder that holds the CSV files.")
    framework_file: str = Field(
        default="{key}.moodle.csv", description="File name of a model's framework ({key})."
    )
    people_file: str = "people.csv"
    assessments_file: str = "assessments.csv"
    assignments_file: str = "assignments.csv"
    header_map: dict[str, str] = Field(
        default_factory=dict,
        description="A file's column name -> ours, e.g. {'Employee ID': 'id'}.",
    )
    skip_bad_rows: bool = Field(
        default=False, description="Import the good rows of a file with bad rows."
    )
    language: str | None = Field(
        default=None, description="Language of the framework texts (default: the model's)."
    )
    multilang: bool = Field(
        default=False, description="Write translated texts as Moodle multi-language spans."
    )
    description_format: int = Field(
        default=2, description="Moodle description format: 1 HTML, 2 plain, 4 Markdown."
    )

    @field_validator("description_format")
    @classmethod
    def _known_format(cls, value: int) -> int:
        if value not in DESCRIPTION_FORMATS:
            raise ValueError(f"use one of {sorted(DESCRIPTION_FORMATS)} (1 HTML, 2 plain, ...)")
        return value

    @property
    def framework_options(self) -> FrameworkOptions:
        """How framework texts are written."""
        return FrameworkOptions(
            language=self.language,
            multilang=self.multilang,
            description_format=self.description_format,
        )

    def framework_path(self, key: str) -> Path:
        """The framework file of the model ``key``."""
        safe = key.replace("/", "_").replace(":", "_")
        return self.directory / self.framework_file.format(key=safe)


_TABLES: dict[Capability, tuple[str, TableSpec[Any]]] = {
    Capability.PUSH_PEOPLE: ("people_file", PEOPLE),
    Capability.PUSH_RATINGS: ("assessments_file", ASSESSMENTS),
    Capability.ASSIGN_LEARNING: ("assignments_file", ASSIGNMENTS),
}


class _FrameworkTable:
    """A framework file being changed: rows by (kind, key), bad rows kept as they are."""

    def __init__(self, path: Path, settings: CsvSettings, key: str) -> None:
        self.path = path
        self.settings = settings
        self.rows: dict[tuple[str, str], list[str]] = {}
        self.kept: list[list[str]] = []
        if path.exists():
            file = read_framework_file(path, settings)
            good = {(o.kind, o.key) for o in remote_objects(file)}
            for row in file.rows:
                ident = (row.kind, row.idnumber)
                if ident in good and ident not in self.rows:
                    self.rows[ident] = row.cells
                else:
                    self.kept.append(row.cells)

    def put(self, kind: str, key: str, data: dict[str, JsonValue]) -> None:
        self.rows[(kind, key)] = row_cells(kind, key, data, self.rows.get((kind, key)))

    def rename(self, kind: str, old: str, new: str) -> None:
        """Give the row of ``old`` the key ``new`` (its other cells kept)."""
        if (kind, old) in self.rows and (kind, new) not in self.rows:
            self.rows[(kind, new)] = self.rows.pop((kind, old))

    def remove(self, kind: str, key: str) -> None:
        self.rows.pop((kind, key), None)

    def write(self) -> None:
        rows = ordered_rows((kind, key, cells) for (kind, key), cells in self.rows.items())
        write_framework_file(self.path, rows + self.kept, self.settings)


class _PlainTable:
    """A people/assessments/assignments file being changed, in file order."""

    def __init__(self, path: Path, spec: TableSpec[Any], settings: CsvSettings) -> None:
        self.path = path
        self.spec = spec
        self.settings = settings
        self.header: list[str] = []
        self.canonical: list[str | None] = []
        self.rows: list[list[str] | None] = []
        self.index: dict[str, int] = {}
        if path.exists():
            header, rows, _ = scan(path, spec, settings, settings.header_map)
            if header is not None:
                self.header, self.canonical = header.names, header.canonical
                for row in rows:
                    key = spec.key(row.value) if row.value is not None else None
                    if key is not None and key not in self.index:
                        self.index[key] = len(self.rows)
                    self.rows.append(list(row.raw))
        if not self.header:
            self.header = table_header(spec, [], settings.header_map)
            self.canonical = [canonical_column(spec, n, settings.header_map) for n in self.header]

    def put(self, key: str, data: Mapping[str, JsonValue]) -> None:
        for column in data:
            if column not in self.canonical:
                self.header.append(own_column_name(self.spec, column, self.settings.header_map))
                self.canonical.append(column)
        old = self.rows[self.index[key]] if key in self.index else None
        width = len(self.header)
        cells = list(old or []) + [""] * (width - len(old or []))
        for i, name in enumerate(self.canonical):
            if name is not None:
                cells[i] = str(data.get(name) or "")
        if key in self.index:
            self.rows[self.index[key]] = cells
        else:
            self.index[key] = len(self.rows)
            self.rows.append(cells)

    def remove(self, key: str) -> None:
        if key in self.index:
            self.rows[self.index.pop(key)] = None

    def write(self) -> None:
        width = len(self.header)
        body = [r + [""] * (width - len(r)) for r in self.rows if r is not None]
        write_records(self.path, [self.header, *body], self.settings)


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
        self._table: _FrameworkTable | _PlainTable | None = None

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
            self._table = _FrameworkTable(path, self.settings, plan.scope.key or "")
        else:
            self._table = _PlainTable(path, _TABLES[plan.scope.operation][1], self.settings)

    def _loaded(self) -> _FrameworkTable | _PlainTable:
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
        if isinstance(table, _FrameworkTable):
            if change.old_key is not None:
                table.rename(change.kind, change.old_key, change.key)
            table.put(change.kind, change.key, data)
        else:
            table.put(change.key, data)

    def delete(self, change: Change, remote_id: str) -> None:
        """Remove the row."""
        table = self._loaded()
        if isinstance(table, _FrameworkTable):
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


__all__ = ["CsvAdapter", "CsvSettings"]
