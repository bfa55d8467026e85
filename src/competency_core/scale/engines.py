"""Scoring engines behind one interface: ``memory``, ``duckdb``, ``postgres``, ``spark``.

>>> sorted(ENGINES)
['duckdb', 'memory', 'postgres', 'spark']

Every engine takes a model, people's levels, a policy, an as-of date and ``k`` and gives
:class:`~competency_core.scale.results.TopMatches` (:meth:`Engine.top_matches`: each person's
``k`` best roles and each role's ``k`` best candidates), or the full
:class:`~competency_core.scoring.bulk.ReadinessMatrix` for sizes that fit in memory
(:meth:`Engine.matrix`). People's levels are one of:

* a :class:`~competency_core.scoring.bulk.PeopleLevels` (normalised levels in memory);
* a *levels table*: a ``pyarrow.Table`` with columns ``person``, ``competency``, ``level``
  (each person's level on the competency's own scale, one row per assessed pair; null or
  NaN: unassessed), or the path of a Parquet file of one (people are numbered in the order
  they first appear);
* for ``postgres`` only, the URL of the store the engine runs in: the store's own
  ``cc_person`` and ``cc_assessment`` tables, resolved by the policy in SQL
  (:func:`competency_core.scale.sql.assessment_levels_sql`).

``memory`` is today's engine (:func:`~competency_core.scoring.readiness_matrix`); the others
run the query of :mod:`competency_core.scale.sql` where the data is. A missing engine
(DuckDB, psycopg, PySpark or Java not installed) raises :class:`EngineUnavailable` naming
what to install; bad input raises :class:`~competency_core.errors.ScoringError`.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import numpy.typing as npt

from competency_core.errors import CompetencyError, ScoringError
from competency_core.model import CompetencyModel
from competency_core.scale.results import FIGURES, RankedPairs, TopMatches
from competency_core.scale.sql import (
    RESOLVED_TABLE,
    Dialect,
    LevelsSource,
    ScoringTables,
    resolved_levels_sql,
    scoring_sql,
    scoring_tables,
    transpile,
)
from competency_core.scoring.bulk import PeopleLevels, ReadinessMatrix, RoleSet, readiness_matrix
from competency_core.scoring.policy import DEFAULT_POLICY, ScoringPolicy
from competency_core.scoring.ranking import rank_keys

if TYPE_CHECKING:
    import pyarrow as pa

Progress = Callable[[int, int], None]
"""Called with (people scored so far, people in all) after each chunk of people."""

People = PeopleLevels | str | os.PathLike[str] | Any
"""People's levels: PeopleLevels, a pyarrow levels table, a Parquet path, or a store URL."""


class EngineUnavailable(CompetencyError):
    """An engine whose software is not installed (the message says what to install)."""


def _require(module: str, engine: str, install: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise EngineUnavailable(
            f"the {engine} engine needs {module}, which is not installed: {install}"
        ) from None


def _is_store_url(value: object) -> bool:
    return isinstance(value, str) and "://" in value


class Engine:
    """One scoring engine (see the module docs). Subclasses are listed in :data:`ENGINES`."""

    name: ClassVar[str] = ""

    def top_matches(
        self,
        model: CompetencyModel,
        people: People,
        *,
        policy: ScoringPolicy = DEFAULT_POLICY,
        on: dt.date | None = None,
        k: int = 10,
        roles: Sequence[str] | None = None,
        progress: Progress | None = None,
    ) -> TopMatches:
        """Each person's ``k`` best roles and each role's ``k`` best candidates."""
        raise NotImplementedError  # pragma: no cover - every engine overrides it

    def matrix(
        self,
        model: CompetencyModel,
        people: People,
        *,
        policy: ScoringPolicy = DEFAULT_POLICY,
        on: dt.date | None = None,
        roles: Sequence[str] | None = None,
        progress: Progress | None = None,
    ) -> ReadinessMatrix:
        """Every person against every role (people x roles must fit in memory)."""
        raise NotImplementedError  # pragma: no cover - every engine overrides it

    def close(self) -> None:
        """Release what the engine holds (connections, temporary files)."""

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _check_k(k: int) -> None:
    if k < 1:
        raise ScoringError(f"k must be at least 1, got {k}")


def levels_from_arrow(model: CompetencyModel, table: pa.Table) -> PeopleLevels:
    """A levels table (person, competency, level) as :class:`PeopleLevels` (validated)."""
    for column in ("person", "competency", "level"):
        if column not in table.column_names:
            raise ScoringError(
                f"a levels table needs the columns person, competency, level; "
                f"{column!r} is missing (it has {', '.join(table.column_names)})"
            )
    persons = [str(p) for p in table.column("person").to_pylist()]
    comps = [str(c) for c in table.column("competency").to_pylist()]
    values = np.asarray(table.column("level").to_numpy(zero_copy_only=False), dtype=np.float64)
    people = tuple(dict.fromkeys(persons))
    known = {c.key for c in model.competencies}
    unknown = sorted(set(comps) - known)
    if unknown:
        raise ScoringError(f"levels table: competency {unknown[0]!r} is not in model {model.key!r}")
    competencies = tuple(dict.fromkeys(comps))
    row = {p: i for i, p in enumerate(people)}
    col = {c: j for j, c in enumerate(competencies)}
    raw = np.full((len(people), len(competencies)), np.nan)
    seen = np.zeros(raw.shape, dtype=bool)
    for p, c, v in zip(persons, comps, values, strict=True):
        i, j = row[p], col[c]
        if seen[i, j]:
            raise ScoringError(f"levels table: {p!r} has two levels on {c!r}")
        seen[i, j] = True
        raw[i, j] = v
    return PeopleLevels.from_levels(model, people, competencies, raw)


class MemoryEngine(Engine):
    """Today's engine: :func:`~competency_core.scoring.readiness_matrix` in this process."""

    name = "memory"

    def _levels(self, model: CompetencyModel, people: People) -> PeopleLevels:
        if isinstance(people, PeopleLevels):
            return people
        if _is_store_url(people):
            raise ScoringError(
                "the memory engine reads people's levels, not a store URL: use "
                "--engine postgres for the store's tables, or export levels to Parquet"
            )
        if isinstance(people, str | os.PathLike):
            pq = _require("pyarrow.parquet", "memory", "pip install pyarrow")
            return levels_from_arrow(model, pq.read_table(os.fspath(people)))
        return levels_from_arrow(model, people)

    def matrix(
        self,
        model: CompetencyModel,
        people: People,
        *,
        policy: ScoringPolicy = DEFAULT_POLICY,
        on: dt.date | None = None,
        roles: Sequence[str] | None = None,
        progress: Progress | None = None,
    ) -> ReadinessMatrix:
        """Every person against every role (people x roles must fit in memory)."""
        levels = self._levels(model, people)
        out = readiness_matrix(model, levels, roles=roles, policy=policy, on=on)
        if progress is not None:
            progress(len(levels.people), len(levels.people))
        return out

    def top_matches(
        self,
        model: CompetencyModel,
        people: People,
        *,
        policy: ScoringPolicy = DEFAULT_POLICY,
        on: dt.date | None = None,
        k: int = 10,
        roles: Sequence[str] | None = None,
        progress: Progress | None = None,
    ) -> TopMatches:
        """Each person's ``k`` best roles and each role's ``k`` best candidates."""
        _check_k(k)
        m = self.matrix(model, people, policy=policy, on=on, roles=roles, progress=progress)
        return TopMatches.from_matrix(m, k)


class SqlEngine(Engine):
    """An engine running :func:`~competency_core.scale.sql.scoring_sql` on a database.

    Subclasses load Arrow tables (:meth:`_load`) and run a query into an Arrow table
    (:meth:`_query`). People are scored in ranges of ``people_per_query``; by default each
    range holds about :attr:`pairs_per_query` (person, role) pairs, so that the database
    aggregates a bounded number of groups at a time (DuckDB's hash aggregate of 10 million
    pairs runs several times slower per row than ten of 1 million). Each role's best
    candidates of the ranges are merged in the top-k order.
    """

    dialect: ClassVar[Dialect]
    pairs_per_query: ClassVar[int] = 1_000_000
    """The default range's size in pairs (people x roles) when ``people_per_query`` is not set."""

    def __init__(self, *, people_per_query: int | None = None) -> None:
        if people_per_query is not None and people_per_query < 1:
            raise ScoringError(f"people_per_query must be at least 1, got {people_per_query}")
        self.people_per_query = people_per_query

    # -- what a database does -------------------------------------------------------------
    def _load(self, name: str, table: pa.Table) -> None:
        raise NotImplementedError  # pragma: no cover

    def _query(self, sql: str) -> pa.Table:
        raise NotImplementedError  # pragma: no cover

    def _materialise(self, name: str, sql: str) -> None:
        """Store the rows of ``sql`` (ordered by person) as the table ``name``."""
        raise NotImplementedError  # pragma: no cover

    def _prepare_ranges(
        self,
        policy: ScoringPolicy,
        source: LevelsSource,
        day: dt.date,
        model: CompetencyModel,
        ranges: list[tuple[int, int]],
    ) -> LevelsSource:
        """The levels source the ranges' queries read.

        With more than one range, levels that need normalising, snapping or resolving are
        resolved once into :data:`RESOLVED_TABLE`, ordered by person, and every range
        reads its own people's rows from there.
        """
        if len(ranges) < 2 or source == "normalised":
            return source
        sql = resolved_levels_sql(
            policy, levels=source, on=day, model_key=model.key, dialect=self.dialect
        )
        self._materialise(RESOLVED_TABLE, sql)
        return "resolved"

    def _load_levels(
        self, model: CompetencyModel, people: People, roles: RoleSet
    ) -> tuple[ScoringTables, LevelsSource]:
        """Load the tables and people's levels; the levels' source kind."""
        import pyarrow as pa

        if isinstance(people, PeopleLevels):
            tables = scoring_tables(model, people.people, roles=roles)
            idx, comp = np.nonzero(~np.isnan(people.normalised))
            levels = pa.table(
                {
                    "person_idx": pa.array(idx.astype(np.int64)),
                    "competency": pa.array([people.competencies[j] for j in comp], pa.string()),
                    "n": pa.array(people.normalised[idx, comp], pa.float64()),
                }
            )
            self._load_all(tables)
            self._load("ccx_levels", levels)
            return tables, "normalised"
        if _is_store_url(people):
            raise ScoringError(
                f"the {self.name} engine does not read a store URL; use --engine postgres"
            )
        if isinstance(people, str | os.PathLike):
            import pyarrow.parquet as pq

            people = pq.read_table(os.fspath(people), columns=["person", "competency", "level"])
        return self._load_levels_table(model, people, roles), "raw"

    def _load_all(self, tables: ScoringTables) -> None:
        for name, table in tables.tables.items():
            self._load(name, table)

    def _load_levels_table(
        self, model: CompetencyModel, table: pa.Table, roles: RoleSet
    ) -> ScoringTables:
        import pyarrow as pa
        import pyarrow.compute as pc

        for column in ("person", "competency", "level"):
            if column not in table.column_names:
                raise ScoringError(
                    f"a levels table needs the columns person, competency, level; "
                    f"{column!r} is missing (it has {', '.join(table.column_names)})"
                )
        person = table.column("person").cast(pa.string())
        people = pc.unique(person)
        tables = scoring_tables(model, people.to_pylist(), roles=roles)
        level = pc.cast(table.column("level"), pa.float64())
        level = pc.if_else(pc.is_nan(level), None, level)
        levels = pa.table(
            {
                "person_idx": pc.index_in(person, value_set=people).cast(pa.int64()),
                "competency": table.column("competency").cast(pa.string()),
                "level": level,
            }
        )
        _validate_arrow(model, levels, people)
        self._load_all(tables)
        self._load("ccx_levels", levels)
        return tables

    def _validate(self) -> None:
        """Check a raw levels table in the database: known competencies, levels in range."""
        bad = self._query(
            transpile(
                """SELECT p.person, l.competency, l.level, sc.lo, sc.hi
                FROM ccx_levels AS l JOIN ccx_people AS p ON p.person_idx = l.person_idx
                LEFT JOIN ccx_scales AS sc ON sc.competency = l.competency
                WHERE sc.competency IS NULL OR l.level < sc.lo OR l.level > sc.hi
                ORDER BY l.person_idx, l.competency LIMIT 1""",
                self.dialect,
            )
        ).to_pylist()
        if bad:
            b = bad[0]
            if b["lo"] is None:
                raise ScoringError(
                    f"levels table: competency {b['competency']!r} of {b['person']!r} is not "
                    "in the model"
                )
            raise ScoringError(
                f"level {b['level']} of {b['person']!r} on {b['competency']!r} is outside its "
                f"scale ({b['lo']:g}..{b['hi']:g})"
            )
        twice = self._query(
            transpile(
                """SELECT p.person, l.competency FROM ccx_levels AS l
                JOIN ccx_people AS p ON p.person_idx = l.person_idx
                GROUP BY p.person, l.competency HAVING COUNT(*) > 1
                ORDER BY p.person, l.competency LIMIT 1""",
                self.dialect,
            )
        ).to_pylist()
        if twice:
            raise ScoringError(
                f"levels table: {twice[0]['person']!r} has two levels on {twice[0]['competency']!r}"
            )

    # -- the interface --------------------------------------------------------------------
    def _ranges(self, n: int, n_roles: int) -> list[tuple[int, int]]:
        step = self.people_per_query or max(1, self.pairs_per_query // max(1, n_roles))
        return [(s, min(n, s + step)) for s in range(0, n, step)] or [(0, 0)]

    def top_matches(
        self,
        model: CompetencyModel,
        people: People,
        *,
        policy: ScoringPolicy = DEFAULT_POLICY,
        on: dt.date | None = None,
        k: int = 10,
        roles: Sequence[str] | None = None,
        progress: Progress | None = None,
    ) -> TopMatches:
        """Each person's ``k`` best roles and each role's ``k`` best candidates."""
        _check_k(k)
        day = on or dt.date.today()
        rs = RoleSet.from_model(model, roles)
        tables, source = self._load_levels(model, people, rs)
        n_p, n_r = len(tables.people), len(tables.roles)
        per_person = _Pairs(n_p, k)
        role_parts: list[dict[str, npt.NDArray[Any]]] = []
        ranges = self._ranges(n_p, n_r)
        source = self._prepare_ranges(policy, source, day, model, ranges)
        for start, stop in ranges:
            sql = scoring_sql(
                policy,
                levels=source,
                on=day,
                model_key=model.key,
                k=k,
                people_range=(start, stop) if len(ranges) > 1 else None,
                dialect=self.dialect,
            )
            got = _columns(self._query(sql))
            mine = got["person_rank"] <= k
            per_person.put(got["person_idx"][mine], got["person_rank"][mine] - 1, got, mine)
            theirs = got["role_rank"] <= k
            role_parts.append({name: col[theirs] for name, col in got.items()})
            if sum(len(p["role_idx"]) for p in role_parts) > 4 * n_r * k:
                # keep only each role's k best so far: memory bounded by roles x k
                role_parts = [_best_of_roles(role_parts, k)]
            if progress is not None:
                progress(stop, n_p)
        per_role = _merge_roles(role_parts, n_r, k)
        return TopMatches(
            people=tables.people,
            roles=tables.roles,
            k=k,
            roles_per_person=per_person.pairs(other="role_idx"),
            candidates_per_role=per_role,
            policy=policy,
            on=day,
        )

    def matrix(
        self,
        model: CompetencyModel,
        people: People,
        *,
        policy: ScoringPolicy = DEFAULT_POLICY,
        on: dt.date | None = None,
        roles: Sequence[str] | None = None,
        progress: Progress | None = None,
    ) -> ReadinessMatrix:
        """Every person against every role (people x roles must fit in memory)."""
        day = on or dt.date.today()
        rs = RoleSet.from_model(model, roles)
        tables, source = self._load_levels(model, people, rs)
        n_p, n_r = len(tables.people), len(tables.roles)
        out = {name: np.full((n_p, n_r), np.nan) for name in FIGURES}
        ready = np.zeros((n_p, n_r), dtype=bool)
        ranges = self._ranges(n_p, n_r)
        source = self._prepare_ranges(policy, source, day, model, ranges)
        for start, stop in ranges:
            sql = scoring_sql(
                policy,
                levels=source,
                on=day,
                model_key=model.key,
                k=None,
                people_range=(start, stop) if len(ranges) > 1 else None,
                dialect=self.dialect,
            )
            got = _columns(self._query(sql))
            i, r = got["person_idx"], got["role_idx"]
            for name in FIGURES:
                out[name][i, r] = got[name]
            ready[i, r] = got["ready"]
            if progress is not None:
                progress(stop, n_p)
        return ReadinessMatrix(
            people=tables.people,
            roles=tables.roles,
            ready=ready,
            policy=policy,
            on=day,
            **out,
        )


def _validate_arrow(model: CompetencyModel, levels: pa.Table, people: pa.Array) -> None:
    """Check a levels table (person_idx, competency, level) in memory, as ``_validate``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    keys = [c.key for c in model.competencies]
    where = pc.index_in(levels.column("competency"), value_set=pa.array(keys, pa.string()))
    missing = pc.is_null(where)
    if pc.any(missing).as_py():
        row = int(pc.index(missing, True).as_py())
        raise ScoringError(
            f"levels table: competency {levels.column('competency')[row].as_py()!r} of "
            f"{people[levels.column('person_idx')[row].as_py()].as_py()!r} is not in the model"
        )
    lo = np.array([float(model.scale_of(c).min_value) for c in keys])
    hi = np.array([float(model.scale_of(c).max_value) for c in keys])
    j = where.to_numpy(zero_copy_only=False).astype(np.intp)
    value = levels.column("level").to_numpy(zero_copy_only=False).astype(np.float64)
    bad = ~np.isnan(value) & ((value < lo[j]) | (value > hi[j]))
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise ScoringError(
            f"level {value[row]} of {people[levels.column('person_idx')[row].as_py()].as_py()!r}"
            f" on {keys[j[row]]!r} is outside its scale ({lo[j[row]]:g}..{hi[j[row]]:g})"
        )
    pair = pc.add(pc.multiply(levels.column("person_idx"), len(keys)), pa.array(j))
    if len(pc.unique(pair)) != len(pair):
        counts = pc.value_counts(pair)
        twice = pc.filter(counts.field("values"), pc.greater(counts.field("counts"), 1))
        code = int(twice[0].as_py())
        raise ScoringError(
            f"levels table: {people[code // len(keys)].as_py()!r} has two levels on "
            f"{keys[code % len(keys)]!r}"
        )


def _columns(table: pa.Table) -> dict[str, npt.NDArray[Any]]:
    """A result table as numpy columns (names lower-cased: some engines upper-case them)."""
    out: dict[str, npt.NDArray[Any]] = {}
    for name, column in zip(table.column_names, table.columns, strict=True):
        values = column.to_numpy(zero_copy_only=False)
        key = name.lower()
        if key in FIGURES:
            out[key] = np.asarray(values, dtype=np.float64)
        elif key == "ready":
            out[key] = np.asarray(values, dtype=bool)
        else:
            out[key] = np.asarray(values, dtype=np.int64)
    return out


class _Pairs:
    """RankedPairs being filled in place."""

    def __init__(self, rows: int, k: int) -> None:
        self.empty = RankedPairs.empty(rows, k)

    def put(
        self,
        row: npt.NDArray[np.int64],
        rank: npt.NDArray[np.int64],
        got: dict[str, npt.NDArray[Any]],
        mask: npt.NDArray[np.bool_],
        *,
        other: str = "role_idx",
    ) -> None:
        e = self.empty
        e.index[row, rank] = got[other][mask]
        for name in FIGURES:
            getattr(e, name)[row, rank] = got[name][mask]
        e.ready[row, rank] = got["ready"][mask]

    def pairs(self, *, other: str) -> RankedPairs:
        return self.empty


def _ranked_roles(
    parts: list[dict[str, npt.NDArray[Any]]], k: int
) -> tuple[dict[str, npt.NDArray[Any]], npt.NDArray[np.intp], npt.NDArray[np.int64]]:
    """The parts' rows, and which of them are each role's ``k`` best with their ranks."""
    got = {name: np.concatenate([p[name] for p in parts]) for name in parts[0]}
    key = rank_keys(got["readiness"], got["ready"])
    # by role, then best first (key descending), then the earlier person
    order = np.lexsort((got["person_idx"], -key, got["role_idx"]))
    role = got["role_idx"][order]
    first = np.searchsorted(role, role, side="left")
    rank = np.arange(len(role)) - first
    keep = rank < k
    return got, order[keep], rank[keep]


def _best_of_roles(parts: list[dict[str, npt.NDArray[Any]]], k: int) -> dict[str, npt.NDArray[Any]]:
    """The rows of ``parts`` that are among their role's ``k`` best (one part)."""
    got, chosen, _ = _ranked_roles(parts, k)
    return {name: col[chosen] for name, col in got.items()}


def _merge_roles(parts: list[dict[str, npt.NDArray[Any]]], n_roles: int, k: int) -> RankedPairs:
    """Each role's ``k`` best candidates from the best of each range of people."""
    out = RankedPairs.empty(n_roles, k)
    if not parts or sum(len(p["role_idx"]) for p in parts) == 0:
        return out
    got, chosen, ranks = _ranked_roles(parts, k)
    rows = got["role_idx"][chosen]
    out.index[rows, ranks] = got["person_idx"][chosen]
    for name in FIGURES:
        getattr(out, name)[rows, ranks] = got[name][chosen]
    out.ready[rows, ranks] = got["ready"][chosen]
    return out


class DuckDBEngine(SqlEngine):
    """DuckDB, embedded: Arrow in and out, Parquet read where it lies.

    ``memory_limit`` (e.g. ``"3GB"``) and ``temp_directory`` (where DuckDB spills what does
    not fit) are DuckDB's settings; ``threads`` its worker threads.
    """

    name = "duckdb"
    dialect = "duckdb"
    pairs_per_query = 2_500_000  # cheaper per row than 1 million (fixed costs a query), not slower

    def __init__(
        self,
        *,
        people_per_query: int | None = None,
        memory_limit: str | None = None,
        temp_directory: str | os.PathLike[str] | None = None,
        threads: int | None = None,
        database: str = ":memory:",
    ) -> None:
        super().__init__(people_per_query=people_per_query)
        duckdb = _require("duckdb", "duckdb", "pip install duckdb")
        self.con = duckdb.connect(database)
        if memory_limit:
            self.con.execute(f"SET memory_limit = '{memory_limit}'")
        if temp_directory:
            self.con.execute(f"SET temp_directory = '{os.fspath(temp_directory)}'")
        if threads:
            self.con.execute(f"SET threads = {int(threads)}")
        self.con.execute("SET preserve_insertion_order = false")

    def _load(self, name: str, table: pa.Table) -> None:
        self._drop(name)
        self.con.register(name, table)  # read where it lies, no copy

    def _drop(self, name: str) -> None:
        """Forget a table or a registered Arrow table of this name."""
        kinds = self.con.execute(
            "SELECT table_type FROM information_schema.tables WHERE table_name = ?", [name]
        ).fetchall()
        for (kind,) in kinds:
            if kind == "VIEW":
                self.con.unregister(name)
            else:
                self.con.execute(f"DROP TABLE IF EXISTS {name}")

    def _query(self, sql: str) -> pa.Table:
        return self.con.sql(sql).to_arrow_table()

    def _materialise(self, name: str, sql: str) -> None:
        self._drop(name)
        self.con.execute(f"CREATE TABLE {name} AS {sql}")  # ordered: ranges skip by zonemap

    def _load_levels(
        self, model: CompetencyModel, people: People, roles: RoleSet
    ) -> tuple[ScoringTables, LevelsSource]:
        if isinstance(people, str | os.PathLike) and not _is_store_url(people):
            return self._load_parquet(model, Path(people), roles), "raw"
        return super()._load_levels(model, people, roles)

    def _load_parquet(self, model: CompetencyModel, path: Path, roles: RoleSet) -> ScoringTables:
        """A Parquet levels file read by DuckDB itself (never whole in Python)."""
        if not path.exists():
            raise ScoringError(f"no such levels file: {path}")
        src = f"read_parquet('{path.as_posix()}', file_row_number = true)"
        try:
            names = [
                str(r[0]) for r in self.con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()
            ]
        except Exception as exc:
            raise ScoringError(f"cannot read {path} as Parquet: {exc}") from None
        for column in ("person", "competency", "level"):
            if column not in names:
                raise ScoringError(
                    f"{path}: a levels table needs the columns person, competency, level; "
                    f"{column!r} is missing"
                )
        people = [
            str(r[0])
            for r in self.con.execute(
                f"SELECT person FROM {src} GROUP BY person ORDER BY MIN(file_row_number)"
            ).fetchall()
        ]
        tables = scoring_tables(model, people, roles=roles)
        self._load_all(tables)
        self._drop("ccx_levels")
        self.con.execute(
            f"""CREATE TABLE ccx_levels AS
            SELECT p.person_idx, CAST(s.competency AS VARCHAR) AS competency,
                CASE WHEN isnan(CAST(s.level AS DOUBLE)) THEN NULL
                     ELSE CAST(s.level AS DOUBLE) END AS level
            FROM {src} AS s JOIN ccx_people AS p ON p.person = CAST(s.person AS VARCHAR)"""
        )
        self._validate()
        return tables

    def close(self) -> None:
        """Release the connection."""
        self.con.close()


class PostgresEngine(SqlEngine):
    """PostgreSQL: levels loaded into temporary tables, or the store's own tables.

    ``url`` is a SQLAlchemy URL of the database to run in (a store's URL reads its
    ``cc_person`` and ``cc_assessment`` when people are given as that same URL).
    """

    name = "postgres"
    dialect = "postgres"

    def __init__(self, url: str, *, people_per_query: int | None = None) -> None:
        super().__init__(people_per_query=people_per_query)
        psycopg = _require("psycopg", "postgres", "pip install 'psycopg[binary]'")
        import sqlalchemy as sa

        u = sa.engine.make_url(url)
        if not u.drivername.startswith("postgresql"):
            raise ScoringError(f"the postgres engine needs a postgresql:// URL, got {u.drivername}")
        self.url = url
        self.conn = psycopg.connect(
            u.set(drivername="postgresql").render_as_string(hide_password=False),
            autocommit=True,
        )

    def _load(self, name: str, table: pa.Table) -> None:
        types = {
            "int64": "BIGINT",
            "double": "DOUBLE PRECISION",
            "string": "TEXT",
            "bool": "BOOLEAN",
        }
        cols = ", ".join(f"{f.name} {types[str(f.type)]}" for f in table.schema)
        with self.conn.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {name}")
            cur.execute(f"CREATE TEMPORARY TABLE {name} ({cols})")
            with cur.copy(f"COPY {name} ({', '.join(table.column_names)}) FROM STDIN") as copy:
                for batch in table.to_batches(max_chunksize=65536):
                    for row in zip(*(c.to_pylist() for c in batch.columns), strict=True):
                        copy.write_row(row)
            cur.execute(f"ANALYZE {name}")

    def _query(self, sql: str) -> pa.Table:
        import pyarrow as pa

        with self.conn.cursor() as cur:
            cur.execute(sql)
            names = [d.name for d in cur.description or ()]
            rows = cur.fetchall()
        return pa.table({n: [r[i] for r in rows] for i, n in enumerate(names)})

    def _materialise(self, name: str, sql: str) -> None:
        with self.conn.cursor() as cur:
            cur.execute(f"DROP TABLE IF EXISTS {name}")
            cur.execute(f"CREATE TEMPORARY TABLE {name} AS {sql}")
            cur.execute(f"CREATE INDEX ON {name} (person_idx)")
            cur.execute(f"ANALYZE {name}")

    def _load_levels(
        self, model: CompetencyModel, people: People, roles: RoleSet
    ) -> tuple[ScoringTables, LevelsSource]:
        if _is_store_url(people):
            return self._load_store(model, str(people), roles), "assessments"
        return super()._load_levels(model, people, roles)

    def _load_store(self, model: CompetencyModel, url: str, roles: RoleSet) -> ScoringTables:
        import sqlalchemy as sa

        if sa.engine.make_url(url) != sa.engine.make_url(self.url):
            raise ScoringError(
                "the postgres engine reads the store's tables in the database it runs in: "
                "give it the store's URL"
            )
        if model.evidence.declared:
            raise ScoringError(
                f"model {model.key!r} declares evidence rules; they are not compiled to SQL "
                "(use the memory engine, or levels resolved beforehand)"
            )
        with self.conn.cursor() as cur:
            cur.execute("SELECT key FROM cc_person ORDER BY key")
            people = [str(r[0]) for r in cur.fetchall()]
        tables = scoring_tables(model, people, roles=roles)
        self._load_all(tables)
        scale_of = {c.key: c.scale for c in model.competencies}
        key = model.key
        with self.conn.cursor() as cur:
            cur.execute(
                "SELECT 1 FROM cc_evidence WHERE model_key = %s OR model_key IS NULL LIMIT 1",
                (key,),
            )
            if cur.fetchone() is not None:
                raise ScoringError(
                    "the store holds evidence besides assessments; the evidence rules are "
                    "not compiled to SQL (use the memory engine)"
                )
            cur.execute(
                "SELECT 1 FROM cc_assessment WHERE model_key = %s "
                "AND migrated_from IS NOT NULL LIMIT 1",
                (key,),
            )
            if cur.fetchone() is not None:
                raise ScoringError(
                    f"assessments of model {key!r} were carried between versions; reading "
                    "carried copies is not compiled to SQL (use the memory engine)"
                )
            cur.execute(
                "SELECT DISTINCT competency, scale FROM cc_assessment "
                "WHERE scale IS NOT NULL AND model_key = %s",
                (key,),
            )
            for competency, scale in cur.fetchall():
                if competency in scale_of and scale != scale_of[competency]:
                    raise ScoringError(
                        f"assessments of {competency!r} on scale {scale!r} need the model's "
                        "scale mapping, which is not compiled to SQL (use the memory engine)"
                    )
        return tables

    def close(self) -> None:
        """Release the connection."""
        self.conn.close()


_SPARK: Any = None


def spark_session() -> Any:
    """The shared local Spark session (``local[2]``, no UI, small shuffles), started once.

    Raises :class:`EngineUnavailable` without PySpark or a Java runtime.
    """
    global _SPARK
    if _SPARK is not None:
        return _SPARK
    _require("pyspark", "spark", "pip install 'competency-core[spark]'")
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        raise EngineUnavailable(
            "the spark engine needs a Java runtime (java not found): install one, e.g. "
            "apt-get install openjdk-17-jre-headless, or run scripts/ensure-java.sh"
        )
    from pyspark.sql import SparkSession

    master = os.environ.get("COMPETENCY_SPARK_MASTER", "local[2]")
    builder = SparkSession.builder.master(master)
    if master.startswith("local"):
        # the driver's block manager on the loopback: results larger than a message come
        # back as blocks, fetched from the address the driver advertises
        builder = builder.config("spark.driver.host", "127.0.0.1").config(
            "spark.driver.bindAddress", "127.0.0.1"
        )
    _SPARK = (
        builder.appName("competency-core")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.local.dir", tempfile.gettempdir())
        .getOrCreate()
    )
    _SPARK.sparkContext.setLogLevel("ERROR")
    return _SPARK


class SparkEngine(SqlEngine):
    """Apache Spark through PySpark: tables in as Arrow, ``spark.sql`` in Spark's dialect.

    ``session`` is a running SparkSession (default: :func:`spark_session`, local mode).
    """

    name = "spark"
    dialect = "spark"
    pairs_per_query = 25_000_000  # each Spark query costs seconds of planning and scheduling

    def __init__(self, *, session: Any = None, people_per_query: int | None = None) -> None:
        super().__init__(people_per_query=people_per_query)
        self.spark = session if session is not None else spark_session()
        self._cached: dict[str, Any] = {}

    def _load(self, name: str, table: pa.Table) -> None:
        self.spark.createDataFrame(table).createOrReplaceTempView(name)

    def _query(self, sql: str) -> pa.Table:
        return self.spark.sql(sql).toArrow()

    def _materialise(self, name: str, sql: str) -> None:
        old = self._cached.pop(name, None)
        if old is not None:
            old.unpersist()
        frame = self.spark.sql(sql).cache()
        frame.count()  # computed once, kept in memory (spilling to disk) for every range
        frame.createOrReplaceTempView(name)
        self._cached[name] = frame

    def close(self) -> None:
        """Release the levels cached for ranges (the shared session keeps running)."""
        for frame in self._cached.values():
            frame.unpersist()
        self._cached.clear()


ENGINES: dict[str, type[Engine]] = {
    "memory": MemoryEngine,
    "duckdb": DuckDBEngine,
    "postgres": PostgresEngine,
    "spark": SparkEngine,
}
"""The engines by name."""


def engine(name: str, **options: Any) -> Engine:
    """The engine called ``name``, made with its ``options`` (see each engine's class).

    >>> engine("memory").name
    'memory'
    """
    try:
        cls = ENGINES[name]
    except KeyError:
        raise ScoringError(
            f"unknown engine {name!r}; the engines are {', '.join(sorted(ENGINES))}"
        ) from None
    if cls is PostgresEngine and "url" not in options:
        raise ScoringError("the postgres engine needs a database URL (url=...)")
    return cls(**options)


def top_matches(
    name: str,
    model: CompetencyModel,
    people: People,
    *,
    policy: ScoringPolicy = DEFAULT_POLICY,
    on: dt.date | None = None,
    k: int = 10,
    roles: Sequence[str] | None = None,
    progress: Progress | None = None,
    **options: Any,
) -> TopMatches:
    """Run engine ``name`` once (made with ``options``, closed after) for the top-k answers."""
    with engine(name, **options) as e:
        return e.top_matches(
            model, people, policy=policy, on=on, k=k, roles=roles, progress=progress
        )


def matrix(
    name: str,
    model: CompetencyModel,
    people: People,
    *,
    policy: ScoringPolicy = DEFAULT_POLICY,
    on: dt.date | None = None,
    roles: Sequence[str] | None = None,
    progress: Progress | None = None,
    **options: Any,
) -> ReadinessMatrix:
    """Run engine ``name`` once (made with ``options``, closed after) for the full matrix."""
    with engine(name, **options) as e:
        return e.matrix(model, people, policy=policy, on=on, roles=roles, progress=progress)


__all__ = [
    "ENGINES",
    "DuckDBEngine",
    "Engine",
    "EngineUnavailable",
    "MemoryEngine",
    "PostgresEngine",
    "Progress",
    "SparkEngine",
    "SqlEngine",
    "engine",
    "levels_from_arrow",
    "matrix",
    "spark_session",
    "top_matches",
]
