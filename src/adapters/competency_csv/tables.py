"""The table machinery the people, assessments and learning-assignment files share.

Each kind of table has a :class:`TableSpec` (in :mod:`competency_csv.people`,
:mod:`~competency_csv.ratings` and :mod:`~competency_csv.learning`): its columns (some
required), how a row becomes a domain object and back, and the row's key. Columns are
matched loosely (``Job level`` is ``job_level``) and a ``header_map`` renames a file's own
columns (``{"Employee ID": "id"}``). Reading checks every row first and raises
:class:`~competency_csv.client.CsvReadError` listing each bad row with its line number and
reason, so nothing is imported from a file with errors, unless ``skip_bad_rows`` is set:
then the good rows come through and each bad one is passed to ``on_skip``.
:class:`TableEdit` is a table file being changed by a sync's apply.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, JsonValue, ValidationError

from competency_core.errors import Problem
from competency_csv.client import (
    CsvReadError,
    Record,
    normalise_header,
    read_records,
    write_records,
)
from competency_csv.settings import CsvDialect

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
    field_columns: Mapping[str, str] = field(default_factory=dict)
    """A model field -> the column it comes from, where they differ (``key`` -> ``id``)."""

    def parse(self, cells: Cells) -> T:
        """The object of a row (``ValidationError`` if the row is invalid)."""
        return self.model.model_validate(self.to_data(cells))


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
    out = []
    for e in exc.errors(include_url=False, include_input=False):
        loc = [str(p) for p in e["loc"]]
        col = spec.field_columns.get(loc[0], loc[0]) if loc else ""
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
    :class:`~competency_csv.client.CsvReadError` lists every bad row (nothing is yielded).
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


def check_rows(
    path: str | os.PathLike[str],
    spec: TableSpec[Any],
    dialect: CsvDialect | None = None,
    *,
    header_map: Mapping[str, str] | None = None,
) -> tuple[int, list[Problem]]:
    """The number of rows of a table file, and every problem :func:`check_table` lists."""
    _, rows, problems = scan(path, spec, dialect or CsvDialect(), header_map)
    out: list[Problem] = []
    seen: dict[str, int] = {}
    count = 0
    for row in rows:
        count += 1
        out += row.problems
        if row.value is not None:
            key = spec.key(row.value)
            if key in seen:
                out.append(_duplicate(spec, key, path, row.line))
            seen.setdefault(key, row.line)
    return count, sorted(problems + out, key=lambda p: p.line or 0)


def check_table(
    path: str | os.PathLike[str],
    spec: TableSpec[Any],
    dialect: CsvDialect | None = None,
    *,
    header_map: Mapping[str, str] | None = None,
) -> list[Problem]:
    """Every problem of a table file: header, quoting, each bad row, repeated keys."""
    return check_rows(path, spec, dialect, header_map=header_map)[1]


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


class TableEdit:
    """A table file being changed by a sync's apply, in file order.

    Rows are replaced by key; columns the data does not cover keep their values, rows
    that are not understood are kept as they are, and new columns get the file's own name
    for them (through ``header_map``).
    """

    def __init__(
        self,
        path: Path,
        spec: TableSpec[Any],
        dialect: CsvDialect,
        header_map: Mapping[str, str] | None = None,
    ) -> None:
        self.path = path
        self.spec = spec
        self.dialect = dialect
        self.header_map: Mapping[str, str] = header_map or {}
        self.header: list[str] = []
        self.canonical: list[str | None] = []
        self.rows: list[list[str] | None] = []
        self.index: dict[str, int] = {}
        if path.exists():
            header, rows, _ = scan(path, spec, dialect, self.header_map)
            if header is not None:
                self.header, self.canonical = header.names, header.canonical
                for row in rows:
                    key = spec.key(row.value) if row.value is not None else None
                    if key is not None and key not in self.index:
                        self.index[key] = len(self.rows)
                    self.rows.append(list(row.raw))
        if not self.header:
            self.header = table_header(spec, [], self.header_map)
            self.canonical = [canonical_column(spec, n, self.header_map) for n in self.header]

    def put(self, key: str, data: Mapping[str, JsonValue]) -> None:
        """Set the row of ``key`` to ``data`` (other columns keep their values)."""
        for column in data:
            if column not in self.canonical:
                self.header.append(own_column_name(self.spec, column, self.header_map))
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
        """Remove the row of ``key``."""
        if key in self.index:
            self.rows[self.index.pop(key)] = None

    def write(self) -> None:
        """Write the file, atomically."""
        width = len(self.header)
        body = [r + [""] * (width - len(r)) for r in self.rows if r is not None]
        write_records(self.path, [self.header, *body], self.dialect)


__all__ = [
    "Cells",
    "Header",
    "Row",
    "TableEdit",
    "TableSpec",
    "canonical_column",
    "check_rows",
    "check_table",
    "own_column_name",
    "read_table",
    "resolve_header",
    "scan",
    "table_header",
    "write_table",
]
