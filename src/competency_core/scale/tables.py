"""Scoring results and people's levels as Arrow tables: Parquet, Arrow IPC and CSV files.

A result leaves as one *long* table, a row per (person, role) pair, whatever engine made
it (docs/scale.md lists the columns, :data:`RESULT_COLUMNS` holds them):

========== ======= ===============================================================
column     type    meaning
========== ======= ===============================================================
ranked_by  string  ``person``: the row is one of the person's best roles;
                   ``role``: one of the role's best candidates
person     string  the person's key
role       string  the role's key
rank       int32   1 for the best, within the person's (or the role's) list
readiness  float64 0..1
gap        float64 weighted mean gap, 0..1
share_met  float64 share of requirements met, 0..1
coverage   float64 share of requirements assessed, 0..1
ready      bool    ready by the policy's threshold and essentials
========== ======= ===============================================================

:func:`top_matches_table` turns a :class:`~competency_core.scale.results.TopMatches` into
that table (both lists, padding left out); :func:`matrix_table` turns a full
:class:`~competency_core.scoring.bulk.ReadinessMatrix` into it (every pair, ranked by
person). :func:`write_table` writes it by the file's suffix (``.parquet``, ``.arrow``,
``.feather``, ``.ipc``, ``.csv``), with the run's date, policy and ``k`` in the schema's
metadata (key ``competency_core``) where the format keeps metadata.

Going in, :func:`read_table` reads a Parquet, Arrow IPC or CSV file and
:func:`read_levels` turns a *levels table* (columns ``person``, ``competency``, ``level``:
each person's level on the competency's own scale, one row per pair) into
:class:`~competency_core.scoring.bulk.PeopleLevels`. Unreadable files and missing or
ill-typed columns raise :class:`TableError`, one line naming the file and what is wrong.

pyarrow is imported when a function here runs, never at ``import competency_core``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from competency_core.errors import CompetencyError
from competency_core.scale.results import FIGURES, RankedPairs, TopMatches
from competency_core.scoring.bulk import PeopleLevels, ReadinessMatrix

if TYPE_CHECKING:
    import pyarrow as pa

    from competency_core.model import CompetencyModel


class TableError(CompetencyError):
    """A table file that cannot be read or written, or lacks the columns it needs."""


RESULT_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("ranked_by", "string", "person: one of the person's best roles; role: one of the role's best candidates"),
    ("person", "string", "the person's key"),
    ("role", "string", "the role's key"),
    ("rank", "int32", "1 for the best, within the person's (or the role's) list"),
    ("readiness", "float64", "readiness, 0..1"),
    ("gap", "float64", "weighted mean gap, 0..1"),
    ("share_met", "float64", "share of requirements met, 0..1"),
    ("coverage", "float64", "share of requirements assessed, 0..1"),
    ("ready", "bool", "ready by the policy's threshold and essentials"),
)  # fmt: skip
"""The result table's columns: name, Arrow type, meaning (docs/scale.md shows them)."""

LEVEL_COLUMNS = ("person", "competency", "level")
"""The columns a levels table must have (more are allowed and ignored)."""

METADATA_KEY = b"competency_core"
"""The schema metadata key under which a written result keeps its run (JSON)."""

TABLE_SUFFIXES = (".parquet", ".arrow", ".feather", ".ipc", ".csv")
"""The table file suffixes read and written here."""


def result_schema(metadata: Mapping[str, Any] | None = None) -> pa.Schema:
    """The Arrow schema of a result table, with ``metadata`` (JSON) under :data:`METADATA_KEY`."""
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "int32": pa.int32(),
        "float64": pa.float64(),
        "bool": pa.bool_(),
    }
    fields = [pa.field(name, types[kind], nullable=False) for name, kind, _ in RESULT_COLUMNS]
    meta = {METADATA_KEY: json.dumps(dict(metadata), sort_keys=True)} if metadata else None
    return pa.schema(fields, metadata=meta)


def result_json_schema() -> dict[str, Any]:
    """The result table's columns as a JSON-schema of one row (docs/scale.md prints it)."""
    kinds = {"string": "string", "int32": "integer", "float64": "number", "bool": "boolean"}
    return {
        "type": "object",
        "properties": {
            name: {"type": kinds[kind], "description": text} for name, kind, text in RESULT_COLUMNS
        },
        "required": [name for name, _, _ in RESULT_COLUMNS],
    }


def _pairs_columns(
    pairs: RankedPairs, rows: Sequence[str], others: Sequence[str], *, by_person: bool
) -> dict[str, Any]:
    """The long columns of one side of a :class:`TopMatches` (padding left out)."""
    keep = pairs.index >= 0
    row_index, slot = np.nonzero(keep)
    other_index = pairs.index[keep]
    row_names = np.asarray(rows, dtype=object)[row_index] if len(rows) else np.empty(0, object)
    other_names = (
        np.asarray(others, dtype=object)[other_index] if len(others) else np.empty(0, object)
    )
    out: dict[str, Any] = {
        "ranked_by": "person" if by_person else "role",
        "person": row_names if by_person else other_names,
        "role": other_names if by_person else row_names,
        "rank": (slot + 1).astype(np.int32),
    }
    for name in FIGURES:
        out[name] = np.asarray(getattr(pairs, name)[keep], dtype=np.float64)
    out["ready"] = np.asarray(pairs.ready[keep], dtype=bool)
    return out


def run_metadata(top: TopMatches | ReadinessMatrix, **extra: Any) -> dict[str, Any]:
    """What a result file keeps about its run: date, policy, people, roles (and ``extra``)."""
    data: dict[str, Any] = {
        "on": top.on.isoformat(),
        "policy": top.policy.model_dump(mode="json"),
        "people": len(top.people),
        "roles": len(top.roles),
    }
    if isinstance(top, TopMatches):
        data["k"] = top.k
    data.update(extra)
    return data


def _table(parts: Sequence[Mapping[str, Any]], metadata: Mapping[str, Any]) -> pa.Table:
    import pyarrow as pa

    schema = result_schema(metadata)
    batches = []
    for part in parts:
        n = len(part["rank"])
        arrays = []
        for field in schema:
            value = part[field.name]
            if isinstance(value, str):
                arrays.append(pa.array([value] * n, type=field.type))
            else:
                arrays.append(pa.array(value, type=field.type))
        batches.append(pa.RecordBatch.from_arrays(arrays, schema=schema))
    return pa.Table.from_batches(batches, schema=schema)


def top_matches_table(top: TopMatches, **metadata: Any) -> pa.Table:
    """Both lists of ``top`` as one long table: each person's best roles, then each role's best candidates."""
    parts = [
        _pairs_columns(top.roles_per_person, top.people, top.roles, by_person=True),
        _pairs_columns(top.candidates_per_role, top.roles, top.people, by_person=False),
    ]
    return _table(parts, run_metadata(top, **metadata))


def matrix_table(matrix: ReadinessMatrix, **metadata: Any) -> pa.Table:
    """Every pair of ``matrix`` as one long table, ranked by person (all of a person's roles)."""
    order = matrix.top_roles_per_person(len(matrix.roles))
    n_p, n_r = order.shape
    rows = np.repeat(np.arange(n_p), n_r)
    cols = order.reshape(-1)
    part: dict[str, Any] = {
        "ranked_by": "person",
        "person": np.asarray(matrix.people, dtype=object)[rows] if n_p else np.empty(0, object),
        "role": np.asarray(matrix.roles, dtype=object)[cols] if n_r else np.empty(0, object),
        "rank": np.tile(np.arange(1, n_r + 1, dtype=np.int32), n_p),
    }
    for name in FIGURES:
        part[name] = np.asarray(getattr(matrix, name)[rows, cols], dtype=np.float64)
    part["ready"] = np.asarray(matrix.ready[rows, cols], dtype=bool)
    return _table([part], run_metadata(matrix, **metadata))


def table_rows(table: pa.Table) -> list[dict[str, Any]]:
    """The rows of a table as plain dicts (for JSON)."""
    return list(table.to_pylist())


def table_metadata(table: pa.Table) -> dict[str, Any]:
    """The run metadata a result table carries (empty when it has none)."""
    meta = table.schema.metadata or {}
    raw = meta.get(METADATA_KEY)
    return dict(json.loads(raw)) if raw else {}


def _suffix(path: str | os.PathLike[str]) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise TableError(
            f"{path}: unknown table format {suffix or '(no suffix)'!r}; "
            f"use one of {', '.join(TABLE_SUFFIXES)}"
        )
    return suffix


def write_table(table: pa.Table, path: str | os.PathLike[str]) -> None:
    """Write ``table`` as Parquet, Arrow IPC (``.arrow``, ``.feather``, ``.ipc``) or CSV, by suffix.

    CSV keeps no metadata; Parquet and Arrow keep the schema's. The file is written next to
    its final name and moved into place, so a reader never sees half a file.
    """
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.feather as feather
    import pyarrow.parquet as pq

    suffix = _suffix(path)
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    try:
        if suffix == ".parquet":
            pq.write_table(table, partial)
        elif suffix == ".csv":
            pcsv.write_csv(table, partial)
        else:
            feather.write_feather(table, partial, compression="uncompressed")
        os.replace(partial, target)
    except (OSError, pa.ArrowException) as exc:
        partial.unlink(missing_ok=True)
        raise TableError(f"{path}: cannot write: {_one_line(exc)}") from None


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def read_table(path: str | os.PathLike[str]) -> pa.Table:
    """Read a Parquet, Arrow IPC or CSV file (by suffix) into an Arrow table."""
    import pyarrow as pa
    import pyarrow.csv as pcsv
    import pyarrow.feather as feather
    import pyarrow.parquet as pq

    suffix = _suffix(path)
    if not Path(path).is_file():
        raise TableError(f"{path}: no such file")
    try:
        if suffix == ".parquet":
            return pq.read_table(path)
        if suffix == ".csv":
            return pcsv.read_csv(path)
        return feather.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise TableError(f"{path}: cannot read it as {suffix[1:]}: {_one_line(exc)}") from None


def column_names(path: str | os.PathLike[str]) -> list[str]:
    """The column names of a table file, read from its schema or header (not its rows)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    suffix = _suffix(path)
    if not Path(path).is_file():
        raise TableError(f"{path}: no such file")
    try:
        if suffix == ".parquet":
            return list(pq.read_schema(path).names)
        if suffix == ".csv":
            with open(path, encoding="utf-8-sig", newline="") as fh:
                import csv

                return next(csv.reader(fh), [])
        with pa.memory_map(str(path)) as source:
            return list(pa.ipc.open_file(source).schema.names)
    except (OSError, UnicodeDecodeError, pa.ArrowException) as exc:
        raise TableError(f"{path}: cannot read it as {suffix[1:]}: {_one_line(exc)}") from None


def is_table_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` names a table file (by suffix) rather than a workforce file."""
    return Path(path).suffix.lower() in TABLE_SUFFIXES


def _column(table: pa.Table, name: str, where: str) -> pa.ChunkedArray:
    if name not in table.column_names:
        raise TableError(
            f"{where}: no column {name!r} (a levels table has columns "
            f"{', '.join(LEVEL_COLUMNS)}; found {', '.join(table.column_names) or 'none'})"
        )
    return table.column(name)


def levels_from_table(
    model: CompetencyModel, table: pa.Table, where: str = "levels table"
) -> PeopleLevels:
    """People's levels from a levels table (``person``, ``competency``, ``level``).

    People are in the order they first appear; competencies are the model's. A person with
    no row for a competency, or a null or NaN level, is unassessed on it (a person whose
    levels are all null is still scored). Unknown competencies, a pair given twice, a row
    without person or competency and levels outside their scale are errors naming the first.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    person_col = _column(table, "person", where)
    comp_col = _column(table, "competency", where)
    level_col = _column(table, "level", where)
    for name, col in (("person", person_col), ("competency", comp_col)):
        if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
            if pa.types.is_dictionary(col.type) or pa.types.is_null(col.type):
                continue  # a column of nulls only (an empty CSV) is checked row by row below
            raise TableError(f"{where}: column {name!r} must hold text, not {col.type}")
    if not (
        pa.types.is_integer(level_col.type)
        or pa.types.is_floating(level_col.type)
        or pa.types.is_null(level_col.type)
    ):
        raise TableError(f"{where}: column 'level' must hold numbers, not {level_col.type}")
    for name, col in (("person", person_col), ("competency", comp_col)):
        if col.null_count:
            row = int(pc.index(pc.is_null(col), True).as_py())
            raise TableError(f"{where}: row {row + 1} has no {name}")
    persons = pc.dictionary_encode(person_col.cast(pa.string())).combine_chunks()
    comps = pc.dictionary_encode(comp_col.cast(pa.string())).combine_chunks()
    people = tuple(str(p) for p in persons.dictionary.to_pylist())
    known = {c.key: j for j, c in enumerate(model.competencies)}
    seen_comps = [str(c) for c in comps.dictionary.to_pylist()]
    unknown = [c for c in seen_comps if c not in known]
    if unknown:
        raise TableError(
            f"{where}: competency {unknown[0]!r} is not in model {model.key!r}"
            + (f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else "")
        )
    levels = np.asarray(
        level_col.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64
    )
    assessed = ~np.isnan(levels)  # a null or NaN level: that pair is unassessed
    row_index = np.asarray(persons.indices, dtype=np.intp)[assessed]
    comp_index = np.asarray([known[c] for c in seen_comps], dtype=np.intp)[
        np.asarray(comps.indices, dtype=np.intp)
    ][assessed]
    levels = levels[assessed]
    n_c = len(model.competencies)
    flat = row_index * n_c + comp_index
    unique, counts = np.unique(flat, return_counts=True)
    if (counts > 1).any():
        dup = int(unique[np.flatnonzero(counts > 1)[0]])
        raise TableError(
            f"{where}: {people[dup // n_c]!r} has more than one level of "
            f"{model.competencies[dup % n_c].key!r} (a levels table gives one per pair)"
        )
    raw = np.full((len(people), n_c), np.nan)
    raw.reshape(-1)[flat] = levels
    comp_keys = tuple(c.key for c in model.competencies)
    try:
        return PeopleLevels.from_levels(model, people, comp_keys, raw)
    except CompetencyError as exc:
        raise TableError(f"{where}: {exc}") from None


def read_levels(model: CompetencyModel, path: str | os.PathLike[str]) -> PeopleLevels:
    """People's levels from a Parquet, Arrow or CSV levels table (see :func:`levels_from_table`)."""
    return levels_from_table(model, read_table(path), str(path))


def levels_table(levels: PeopleLevels, model: CompetencyModel) -> pa.Table:
    """People's levels as a levels table, on each competency's own scale (assessed pairs only).

    The inverse of :func:`levels_from_table` (levels are snapped, so a round trip through
    it is exact up to the scale's grid).
    """
    import pyarrow as pa

    lo = np.array([model.scale_of(c).min_value for c in levels.competencies], dtype=np.float64)
    hi = np.array([model.scale_of(c).max_value for c in levels.competencies], dtype=np.float64)
    raw = lo + levels.normalised * (hi - lo)
    rows, cols = np.nonzero(~np.isnan(raw))
    return pa.table(
        {
            "person": pa.array(np.asarray(levels.people, dtype=object)[rows], pa.string())
            if len(rows)
            else pa.array([], pa.string()),
            "competency": pa.array(np.asarray(levels.competencies, dtype=object)[cols], pa.string())
            if len(rows)
            else pa.array([], pa.string()),
            "level": pa.array(raw[rows, cols], pa.float64()),
        }
    )


__all__ = [
    "LEVEL_COLUMNS",
    "METADATA_KEY",
    "RESULT_COLUMNS",
    "TABLE_SUFFIXES",
    "TableError",
    "column_names",
    "is_table_file",
    "levels_from_table",
    "levels_table",
    "matrix_table",
    "read_levels",
    "read_table",
    "result_json_schema",
    "result_schema",
    "run_metadata",
    "table_metadata",
    "table_rows",
    "top_matches_table",
    "write_table",
]
