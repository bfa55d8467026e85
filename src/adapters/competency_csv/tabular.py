"""Plain CSV tables of people, assessments and learning assignments.

Each table has a :class:`TableSpec`: its columns (some required), how a row becomes a
domain object and back, and the row's key. Columns are matched loosely (``Job level`` is
``job_level``) and a ``header_map`` renames a file's own columns (``{"Employee ID": "id"}``).
Reading checks every row first and raises :class:`~competency_csv.csvio.CsvReadError`
listing each bad row with its line number and reason, so nothing is imported from a file
with errors, unless ``skip_bad_rows`` is set: then the good rows come through and each
bad one is passed to ``on_skip``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from competency_core.errors import Problem
from competency_core.people import Assessment, LearningAssignment, Person
from competency_csv.csvio import (
    CsvDialect,
    CsvReadError,
    Record,
    normalise_header,
    read_records,
    write_records,
)

T = TypeVar("T", bound=BaseModel)
Cells = dict[str, str]
"""A row by canonical column name; empty cells left out."""


@dataclass(frozen=True)
class TableSpec(Generic[T]):
    """A kind of table: its columns, how rows map to objects, and the key of a row."""

    kind: str
    model: type[T]
    columns: tuple[str, ...]
    required: tuple[str, ...]
    to_data: Callable[[Cells], dict[str, Any]]
    to_cells: Callable[[T], Cells]
    key: Callable[[T], str]
    extra_columns: bool = False
    """Whether columns beyond ``columns`` are data (people's attributes) or ignored."""
    aliases: Mapping[str, str] = field(default_factory=dict)
    """Other names a column is known by, e.g. ``key`` for ``id``."""

    def parse(self, cells: Cells) -> T:
        """The object of a row (``ValidationError`` if the row is invalid)."""
        return self.model.model_validate(self.to_data(cells))


def _people_data(c: Cells) -> dict[str, Any]:
    known = {"id", "name", "email", "role", "department", "manager", "team", "job_level"}
    data: dict[str, Any] = {"key": c["id"]} if "id" in c else {}
    data |= {k: v for k, v in c.items() if k in known - {"id"}}
    attrs = {k: v for k, v in c.items() if k not in known}
    if attrs:
        data["attributes"] = attrs
    return data


def _people_cells(p: Person) -> Cells:
    out = {
        "id": p.key,
        "name": p.name,
        "email": p.email,
        "role": p.role,
        "department": p.department,
        "manager": p.manager,
        "team": p.team,
        "job_level": p.job_level,
    }
    cells = {k: v for k, v in out.items() if v}
    cells |= {k: v for k, v in p.attributes.items() if v}
    return cells


def _assessment_data(c: Cells) -> dict[str, Any]:
    data: dict[str, Any] = dict(c)
    if "evidence" in data:
        data["evidence"] = [e for e in data["evidence"].split("\n") if e.strip()]
    return data


def _assessment_cells(a: Assessment) -> Cells:
    out: dict[str, str | None] = {
        "person": a.person,
        "competency": a.competency,
        "level": str(a.level),
        "date": a.date.isoformat(),
        "rater_type": a.rater_type.value,
        "rater": a.rater,
        "scale": a.scale,
        "expires": a.expires.isoformat() if a.expires else None,
        "evidence": "\n".join(a.evidence) or None,
        "model_version": a.model_version,
        "comment": a.comment,
    }
    return {k: v for k, v in out.items() if v}


def _assessment_key(a: Assessment) -> str:
    rater = (a.rater or "").strip()  # as a file gives it back
    return "|".join((a.person, a.competency, a.rater_type.value, rater, a.date.isoformat()))


def _assignment_cells(a: LearningAssignment) -> Cells:
    out: dict[str, str | None] = {
        "person": a.person,
        "resource": a.resource,
        "assigned": a.assigned.isoformat(),
        "due": a.due.isoformat() if a.due else None,
        "status": a.status.value,
        "completed": a.completed.isoformat() if a.completed else None,
    }
    return {k: v for k, v in out.items() if v}


PEOPLE: TableSpec[Person] = TableSpec(
    kind="person",
    model=Person,
    columns=("id", "name", "email", "role", "department", "manager", "team", "job_level"),
    required=("id", "name"),
    to_data=_people_data,
    to_cells=_people_cells,
    key=lambda p: p.key,
    extra_columns=True,
    aliases={"key": "id", "person": "id", "person_id": "id", "e_mail": "email"},
)
"""People: id, name, email, role, department, manager, team, job_level; other columns are
kept as the person's attributes."""

ASSESSMENTS: TableSpec[Assessment] = TableSpec(
    kind="assessment",
    model=Assessment,
    columns=(
        "person",
        "competency",
        "level",
        "date",
        "rater_type",
        "rater",
        "scale",
        "expires",
        "evidence",
        "model_version",
        "comment",
    ),
    required=("person", "competency", "level", "date"),
    to_data=_assessment_data,
    to_cells=_assessment_cells,
    key=_assessment_key,
)
"""Assessments: person, competency, level, date (ISO), rater_type, rater, scale, expires,
evidence (one item per line), model_version, comment."""

ASSIGNMENTS: TableSpec[LearningAssignment] = TableSpec(
    kind="assignment",
    model=LearningAssignment,
    columns=("person", "resource", "assigned", "due", "status", "completed"),
    required=("person", "resource", "assigned"),
    to_data=dict,
    to_cells=_assignment_cells,
    key=lambda a: f"{a.person}|{a.resource}",
)
"""Learning assignments: person, resource, assigned, due, status, completed."""


@dataclass
class Header:
    """A file's header: its own column names, and the canonical name of each."""

    names: list[str]
    canonical: list[str | None]

    def cells(self, record: Record) -> Cells:
        """A record's non-empty cells by canonical column name."""
        return {
            c: v.strip()
            for c, v in zip(self.canonical, record.cells, strict=False)
            if c is not None and v.strip()
        }


def canonical_column(spec: TableSpec[Any], name: str, header_map: Mapping[str, str]) -> str | None:
    """The column a file's column ``name`` feeds, or None when the table ignores it.

    A column of the spec is matched loosely (``Job level`` is ``job_level``), through
    ``header_map`` and the spec's aliases. Any other column of a table with extra columns
    (people's attributes) keeps its own name, or the name ``header_map`` gives it, so that
    an attribute such as ``Cost Center`` is written and read back under the same name.
    """
    norm = normalise_header(name)
    if not norm:
        return None
    mapped = next((v for k, v in header_map.items() if normalise_header(k) == norm), None)
    target = normalise_header(mapped) if mapped is not None else norm
    target = spec.aliases.get(target, target)
    if target in spec.columns:
        return target
    if spec.extra_columns:
        return (mapped if mapped is not None else name).strip()
    return None


def own_column_name(spec: TableSpec[Any], column: str, header_map: Mapping[str, str]) -> str:
    """The name a file gets for the canonical ``column``: the ``header_map`` key feeding it."""
    for own in header_map:
        if canonical_column(spec, own, header_map) == column:
            return own
    return column


def resolve_header(
    spec: TableSpec[Any],
    record: Record,
    header_map: Mapping[str, str],
    file: str,
    problems: list[Problem],
) -> Header:
    """Match a header row's columns to the spec's (problems for missing or repeated ones)."""
    canonical: list[str | None] = []
    seen: dict[str, str] = {}
    for name in record.cells:
        target = canonical_column(spec, name, header_map)
        if target is None:
            canonical.append(None)
            continue
        if target in seen:
            problems.append(
                Problem(
                    path=name,
                    message=f"column {name!r} repeats column {seen[target]!r} "
                    f"(both are {target!r})",
                    file=file,
                    line=record.line,
                )
            )
            canonical.append(None)
            continue
        seen[target] = name
        canonical.append(target)
    missing = [c for c in spec.required if c not in seen]
    if missing:
        problems.append(
            Problem(
                path="",
                message=f"missing column(s) {', '.join(missing)} (found: "
                f"{', '.join(record.cells)}); rename them or map them with header_map",
                file=file,
                line=record.line,
            )
        )
    return Header(names=list(record.cells), canonical=canonical)


def _row_problems(
    exc: ValidationError, header: Header, spec: TableSpec[Any], file: str, line: int
) -> list[Problem]:
    by_field = {"key": "id"} if spec is PEOPLE else {}
    out = []
    for e in exc.errors(include_url=False, include_input=False):
        loc = [str(p) for p in e["loc"]]
        col = by_field.get(loc[0], loc[0]) if loc else ""
        if col == "attributes" and len(loc) > 1:
            col = loc[1]
        shown = col
        if col in header.canonical:
            own = header.names[header.canonical.index(col)]
            shown = own if normalise_header(own) == col else f"{own} ({col})"
        msg = "required, but empty" if e["type"] == "missing" else str(e["msg"])
        out.append(Problem(path=shown, message=msg, file=file, line=line))
    return out


@dataclass
class Row(Generic[T]):
    """A parsed row: its line, its cells, and the object (None when the row is bad)."""

    line: int
    cells: Cells
    raw: tuple[str, ...]
    value: T | None
    problems: list[Problem] = field(default_factory=list)


def scan(
    path: str | os.PathLike[str],
    spec: TableSpec[T],
    dialect: CsvDialect,
    header_map: Mapping[str, str] | None = None,
) -> tuple[Header | None, Iterator[Row[T]], list[Problem]]:
    """Read a table lazily: its header, its rows (each parsed, or with its problems).

    The third value is a list that collects file-level problems (header, quoting) as the
    rows are read.
    """
    file = str(path)
    problems: list[Problem] = []
    records = read_records(path, dialect, problems)
    first = next(records, None)
    if first is None:
        return None, iter(()), problems
    header = resolve_header(spec, first, header_map or {}, file, problems)
    # without a required column every row would fail alike: the header's problem says it all
    usable = all(c in header.canonical for c in spec.required)

    def rows() -> Iterator[Row[T]]:
        width = len(header.names)
        for rec in records:
            row: Row[T] = Row(line=rec.line, cells=header.cells(rec), raw=rec.cells, value=None)
            if not usable:
                pass  # no value, and no problem of its own
            elif len(rec.cells) > width and any(c.strip() for c in rec.cells[width:]):
                row.problems.append(
                    Problem(
                        path="",
                        message=f"{len(rec.cells)} cells but the header has {width} columns "
                        "(a delimiter inside an unquoted cell?)",
                        file=file,
                        line=rec.line,
                    )
                )
            else:
                try:
                    row.value = spec.parse(row.cells)
                except ValidationError as exc:
                    row.problems += _row_problems(exc, header, spec, file, rec.line)
            yield row

    return header, rows(), problems


def read_table(
    path: str | os.PathLike[str],
    spec: TableSpec[T],
    dialect: CsvDialect | None = None,
    *,
    header_map: Mapping[str, str] | None = None,
    skip_bad_rows: bool = False,
    on_skip: Callable[[Problem], None] | None = None,
) -> Iterator[T]:
    """Stream the objects of a table file.

    Unless ``skip_bad_rows``, the whole file is checked first and
    :class:`~competency_csv.csvio.CsvReadError` lists every bad row (nothing is yielded).
    With it, bad rows are passed to ``on_skip`` and left out. Keys must be unique.
    """
    dialect = dialect or CsvDialect()
    if not skip_bad_rows:
        bad = check_table(path, spec, dialect, header_map=header_map)
        if bad:
            raise CsvReadError(
                bad,
                f"{path}: {len({p.line for p in bad})} line(s) with problems; nothing was imported "
                "(fix them, or skip bad rows to import the others)",
            )
    report = on_skip or _ignore
    header, rows, problems = scan(path, spec, dialect, header_map)
    if header is None:
        return
    seen: set[str] = set()
    reported = 0
    for row in rows:
        for p in problems[reported:]:  # header and quoting problems, as they come up
            report(p)
        reported = len(problems)
        if row.value is None:
            for p in row.problems:
                report(p)
            continue
        key = spec.key(row.value)
        if key in seen:
            report(_duplicate(spec, key, path, row.line))
            continue
        seen.add(key)
        yield row.value
    for p in problems[reported:]:
        report(p)


def _ignore(_: Problem) -> None:
    return None


def _duplicate(spec: TableSpec[Any], key: str, path: str | os.PathLike[str], line: int) -> Problem:
    return Problem(
        path="",
        message=f"another row has the same {spec.kind} ({key.replace('|', ', ')})",
        file=str(path),
        line=line,
    )


def check_table(
    path: str | os.PathLike[str],
    spec: TableSpec[Any],
    dialect: CsvDialect | None = None,
    *,
    header_map: Mapping[str, str] | None = None,
) -> list[Problem]:
    """Every problem of a table file: header, quoting, each bad row, repeated keys."""
    _, rows, problems = scan(path, spec, dialect or CsvDialect(), header_map)
    out: list[Problem] = []
    seen: dict[str, int] = {}
    for row in rows:
        out += row.problems
        if row.value is not None:
            key = spec.key(row.value)
            if key in seen:
                out.append(_duplicate(spec, key, path, row.line))
            seen.setdefault(key, row.line)
    return sorted(problems + out, key=lambda p: p.line or 0)


def _columns(spec: TableSpec[T], items: Iterable[Cells]) -> list[str]:
    """The canonical columns of new rows: the spec's, then extra ones in the order seen."""
    cols = list(spec.columns)
    if spec.extra_columns:
        for cells in items:
            cols += [c for c in cells if c not in cols]
    return cols


def table_header(
    spec: TableSpec[T], items: Iterable[Cells], header_map: Mapping[str, str]
) -> list[str]:
    """The columns to write for new rows: the spec's, then any extra ones in order seen."""
    return [own_column_name(spec, c, header_map) for c in _columns(spec, items)]


def write_table(
    path: str | os.PathLike[str],
    spec: TableSpec[T],
    items: Iterable[T],
    dialect: CsvDialect | None = None,
    *,
    header_map: Mapping[str, str] | None = None,
) -> None:
    """Write objects as a new table file (columns named through ``header_map`` if given)."""
    rows = [spec.to_cells(i) for i in items]
    cols = _columns(spec, rows)
    names = [own_column_name(spec, c, header_map or {}) for c in cols]
    write_records(
        path, [names, *([r.get(c, "") for c in cols] for r in rows)], dialect or CsvDialect()
    )


def read_people(path: str | os.PathLike[str], **options: Any) -> Iterator[Person]:
    """Stream people from a CSV file (options: those of :func:`read_table`)."""
    return read_table(path, PEOPLE, **options)


def read_assessments(path: str | os.PathLike[str], **options: Any) -> Iterator[Assessment]:
    """Stream assessments from a CSV file (options: those of :func:`read_table`)."""
    return read_table(path, ASSESSMENTS, **options)


def read_assignments(path: str | os.PathLike[str], **options: Any) -> Iterator[LearningAssignment]:
    """Stream learning assignments from a CSV file (options: those of :func:`read_table`)."""
    return read_table(path, ASSIGNMENTS, **options)


__all__ = [
    "ASSESSMENTS",
    "ASSIGNMENTS",
    "PEOPLE",
    "Cells",
    "Header",
    "Row",
    "TableSpec",
    "canonical_column",
    "check_table",
    "own_column_name",
    "read_assessments",
    "read_assignments",
    "read_people",
    "read_table",
    "resolve_header",
    "scan",
    "table_header",
    "write_table",
]
