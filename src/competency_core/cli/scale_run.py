"""Scoring runs at scale for ``competency readiness`` and ``competency fit``: ``--engine``.

``--engine memory|streaming|duckdb|postgres|spark`` scores every person against every
role on the chosen engine (:mod:`competency_core.scale.engines`) and keeps the ``--top K``
best roles of each person and the ``K`` best candidates of each role
(:class:`~competency_core.scale.results.TopMatches`). ``--out FILE`` writes that result
as one long table (:mod:`competency_core.scale.tables`; Parquet, Arrow, CSV or JSON by the
file's suffix). People come from a workforce file, a table of levels (``--people
FILE.parquet|.arrow|.feather|.csv``: columns ``person``, ``competency``, ``level``) or
the store (``--store URL``; ``--engine postgres`` scores inside it).

A progress bar shows on standard error while a long run scores (``--progress`` /
``--no-progress``), only on a terminal and never with ``--format json``. Bad input (an
unknown engine, a missing pyspark or Java, an unreadable table, missing columns) ends the
command with a one-line message and exit code 2.

Only typer and the standard library are imported here until a run starts.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from competency_core.console import OutputFormat, cli_tr, err_console
from competency_core.errors import CompetencyError
from competency_core.i18n import N_

if TYPE_CHECKING:
    from competency_core.model import CompetencyModel
    from competency_core.people import Workforce
    from competency_core.scale.results import TopMatches
    from competency_core.scoring import ScoringPolicy
    from competency_core.scoring.bulk import PeopleLevels

Progress = Callable[[int, int | None], None]
"""Told ``(done, total)`` people as a run goes (``total`` None while not known)."""


class Engine(StrEnum):
    """Where ``--engine`` scores."""

    MEMORY = "memory"
    STREAMING = "streaming"
    DUCKDB = "duckdb"
    POSTGRES = "postgres"
    SPARK = "spark"


EngineOption = typer.Option(
    None,
    "--engine",
    help=N_(
        "Score everyone against every role on this engine and keep the --top best of each "
        "(memory, streaming, duckdb, postgres: the --store database, spark); docs/scale.md "
        "says which suits which size."
    ),
    show_default=False,
)
OutOption = typer.Option(
    None,
    "--out",
    help=N_(
        "Write the result table to this file: .parquet, .arrow, .feather, .csv or .json "
        "(with --engine)."
    ),
    show_default=False,
)
ProgressOption = typer.Option(
    None,
    "--progress/--no-progress",
    help=N_(
        "Show a progress bar on standard error (default: on a terminal when the run is long; "
        "never with --format json)."
    ),
    show_default=False,
)

LONG_RUN_PAIRS = 2_000_000
"""From this many (person, role) pairs a run counts as long and shows its progress bar."""

CHUNK_PEOPLE = 4096
"""People scored per step by the memory engine (one progress step each)."""


@dataclass(frozen=True)
class PeopleInput:
    """Whom a run scores: a workforce, a table file of levels, or a store's people."""

    workforce: Workforce | None = None
    table: Path | None = None
    """A table of levels (Parquet, Arrow, CSV), read when the run starts."""
    evidence: Path | None = None
    """A workforce file or a table of assessments, read into columns and resolved by the
    policy when the run starts (:mod:`competency_core.scale.readers`, ``scale.resolve``)."""
    store: str | None = None
    """The PostgreSQL store ``--engine postgres`` runs in (and reads the people from)."""
    store_columns: str | None = None
    """A store whose people's assessments and evidence are read into columns and resolved
    by the policy when the run starts (:func:`competency_core.scale.readers.read_store`)."""


def is_table(people: Path | None) -> bool:
    """Whether ``--people`` names a table of levels (Parquet, Arrow, CSV) by its suffix."""
    from competency_core.cli.workforce_source import LEVELS_TABLE_SUFFIXES

    return people is not None and people.suffix.lower() in LEVELS_TABLE_SUFFIXES


def read_people(
    model: CompetencyModel,
    people: Path | None,
    store: str | None,
    engine: Engine,
    fmt: OutputFormat,
    on: dt.datetime | None,
    *,
    workforce: bool = False,
) -> PeopleInput:
    """The people of a run: a table of levels, a workforce file, or the store.

    ``--engine postgres`` runs in the database of ``--store`` (else ``$COMPETENCY_STORE``):
    with ``--people`` their levels are sent there; without, the store's own people and
    assessments are scored where they lie, unless ``workforce`` asks for the workforce too
    (``fit`` narrows the people scored).
    """
    from competency_core.cli.workforce_source import default_store, load_people

    t = cli_tr()
    if engine is Engine.POSTGRES:
        source = store or default_store()
        if source is None or not source.startswith("postgresql"):
            raise CompetencyError(
                t._("--engine postgres needs --store postgresql://... (the database it runs in)")
            )
        if people is not None:
            return replace(_from_file(model, people, fmt, on, workforce=workforce), store=source)
        wf = load_people(model, None, source, fmt, on=on) if workforce else None
        return PeopleInput(workforce=wf, store=source)
    if people is not None:
        if store is not None:
            raise CompetencyError(
                t._("read the people from --people FILE or --store URL, not both")
            )
        return _from_file(model, people, fmt, on, workforce=workforce)
    source = store or default_store()
    if workforce or source is None:  # without a store, load_people says what to pass
        return PeopleInput(workforce=load_people(model, None, store, fmt, on=on))
    return PeopleInput(store_columns=source)


EVIDENCE_COLUMNS = frozenset({"date", "kind", "rater_type"})
"""A table with one of these columns holds assessments or evidence, not resolved levels."""


def _from_file(
    model: CompetencyModel,
    people: Path,
    fmt: OutputFormat,
    on: dt.datetime | None,
    *,
    workforce: bool,
) -> PeopleInput:
    """``--people FILE``: a table of levels, a table of assessments, or a workforce file.

    A workforce file is loaded as a :class:`~competency_core.people.Workforce` only when
    ``workforce`` asks for it (``fit`` filters by roles and teams); otherwise it and a table
    of assessments take the columnar road (no object per rating).
    """
    from competency_core.cli.workforce_source import load_people

    if is_table(people):
        from competency_core.scale.columnar import column_name
        from competency_core.scale.tables import column_names

        names = {column_name(c) or c for c in column_names(people)}
        if names & EVIDENCE_COLUMNS:
            return PeopleInput(evidence=people)
        return PeopleInput(table=people)
    if workforce:
        return PeopleInput(workforce=load_people(model, people, None, fmt, on=on))
    return PeopleInput(evidence=people)


def check_engine(engine: Engine) -> None:
    """End with a clear message when ``engine`` cannot run here (pyspark or Java missing)."""
    t = cli_tr()
    if engine is Engine.SPARK:
        if importlib.util.find_spec("pyspark") is None:
            raise CompetencyError(
                t._("--engine spark needs pyspark: pip install 'competency-core[spark]'")
            )
        if shutil.which("java") is None and not _java_home():
            raise CompetencyError(
                t._("--engine spark needs a Java runtime: install Java 17 or set JAVA_HOME")
            )
    if (
        engine is Engine.STREAMING
        and importlib.util.find_spec("competency_core.scale.streaming") is None
    ):
        raise CompetencyError(
            t._("--engine %(engine)s is not available in this version", engine=engine.value)
        )
    if engine is Engine.DUCKDB and importlib.util.find_spec("duckdb") is None:
        raise CompetencyError(t._("--engine duckdb needs duckdb: pip install duckdb"))


def _java_home() -> bool:
    import os

    home = os.environ.get("JAVA_HOME", "")
    return bool(home) and (Path(home) / "bin" / "java").exists()


def people_levels(
    model: CompetencyModel, people: PeopleInput, policy: ScoringPolicy, on: dt.date
) -> PeopleLevels:
    """People's levels in memory: the table read, or the workforce resolved by ``policy``."""
    from competency_core.scoring.bulk import PeopleLevels

    if people.workforce is not None:
        return PeopleLevels.from_workforce(model, people.workforce, policy=policy, on=on)
    if people.table is not None:
        from competency_core.scale.tables import read_levels

        return read_levels(model, people.table)
    if people.evidence is not None:
        from competency_core.scale.readers import read_evidence, read_workforce_file
        from competency_core.scale.resolve import resolve

        if is_table(people.evidence):
            columns = read_evidence(people.evidence)
        else:
            columns = read_workforce_file(people.evidence, model)
        return resolve(model, columns, policy=policy, on=on)
    if people.store_columns is not None:
        from competency_core.scale.readers import read_store
        from competency_core.scale.resolve import resolve
        from competency_core.store import Store

        with Store(people.store_columns) as store:
            columns = read_store(store, model, as_of=on)
        return resolve(model, columns, policy=policy, on=on)
    raise CompetencyError(cli_tr()._("this run needs people's levels: give --people FILE"))


def _subset(levels: PeopleLevels, keys: Sequence[str] | None) -> PeopleLevels:
    """``levels`` of the named people only, in that order (all when ``keys`` is None)."""
    from competency_core.scoring.bulk import PeopleLevels

    if keys is None:
        return levels
    row = {p: i for i, p in enumerate(levels.people)}
    idx = [row[k] for k in keys if k in row]
    return PeopleLevels(
        tuple(levels.people[i] for i in idx), levels.competencies, levels.normalised[idx]
    )


def memory_top_matches(
    model: CompetencyModel,
    levels: PeopleLevels,
    *,
    roles: Sequence[str] | None,
    policy: ScoringPolicy,
    on: dt.date,
    k: int,
    progress: Progress | None = None,
) -> TopMatches:
    """Today's bulk engine; with ``progress``, in steps of :data:`CHUNK_PEOPLE` people.

    People are scored independently of each other, so the steps give the same matrix as
    one call (they only add the copy of each step's part into the whole).
    """
    import numpy as np

    from competency_core.scale.results import TopMatches
    from competency_core.scoring.bulk import (
        PeopleLevels,
        ReadinessMatrix,
        RoleSet,
        readiness_matrix,
    )

    rs = RoleSet.from_model(model, roles)
    n_p, n_r = len(levels.people), len(rs.roles)
    if progress is None or n_p <= CHUNK_PEOPLE:
        matrix = readiness_matrix(model, levels, roles=rs, policy=policy, on=on)
        if progress is not None:
            progress(n_p, n_p)
        return TopMatches.from_matrix(matrix, k)
    # role-major like the bulk engine's own result (its people x roles arrays are views)
    names = ("readiness", "gap", "share_met", "coverage", "ready")
    whole = {n: np.empty((n_r, n_p), dtype=bool if n == "ready" else np.float64) for n in names}
    for start in range(0, n_p, CHUNK_PEOPLE):
        stop = min(n_p, start + CHUNK_PEOPLE)
        part = PeopleLevels(
            levels.people[start:stop], levels.competencies, levels.normalised[start:stop]
        )
        m = readiness_matrix(model, part, roles=rs, policy=policy, on=on)
        for n in names:
            whole[n][:, start:stop] = getattr(m, n).T
        progress(stop, n_p)
    matrix = ReadinessMatrix(
        people=levels.people,
        roles=rs.roles,
        policy=policy,
        on=on,
        **{n: whole[n].T for n in names},
    )
    return TopMatches.from_matrix(matrix, k)


def top_matches(
    engine: Engine,
    model: CompetencyModel,
    people: PeopleInput,
    *,
    policy: ScoringPolicy,
    on: dt.date,
    k: int,
    roles: Sequence[str] | None = None,
    only_people: Sequence[str] | None = None,
    progress: Progress | None = None,
) -> TopMatches:
    """Score ``people`` against ``roles`` (default: all) on ``engine``: the top ``k`` of each.

    ``only_people`` narrows the people scored (in their order). The memory engine scores
    in steps of :data:`CHUNK_PEOPLE` people, telling ``progress``; DuckDB reads a Parquet
    table of levels where it lies; PostgreSQL reads the store's people and assessments
    where they lie, unless the people are narrowed (then their levels are sent to it).
    """
    from competency_core.scale import engines

    check_engine(engine)
    if engine is Engine.STREAMING:
        return _streamed(
            model, people, policy=policy, on=on, k=k, roles=roles, only_people=only_people,
            progress=progress,
        )  # fmt: skip
    source: Any
    if (
        engine is Engine.POSTGRES
        and only_people is None
        and people.workforce is None
        and people.table is None
        and people.evidence is None
    ):
        source = people.store
    elif (
        engine is Engine.DUCKDB
        and only_people is None
        and people.table is not None
        and people.table.suffix.lower() == ".parquet"
    ):
        source = people.table
    else:
        source = _subset(people_levels(model, people, policy, on), only_people)
    if engine is Engine.MEMORY:
        return memory_top_matches(
            model, source, roles=roles, policy=policy, on=on, k=k, progress=progress
        )
    options: dict[str, Any] = {"url": people.store} if engine is Engine.POSTGRES else {}
    return engines.top_matches(
        engine.value, model, source, policy=policy, on=on, k=k, roles=roles,
        progress=progress, **options,
    )  # fmt: skip


def _streamed(
    model: CompetencyModel,
    people: PeopleInput,
    *,
    policy: ScoringPolicy,
    on: dt.date,
    k: int,
    roles: Sequence[str] | None,
    only_people: Sequence[str] | None,
    progress: Progress | None,
) -> TopMatches:
    """The streaming engine: a Parquet file read a chunk of people at a time, else in memory.

    A Parquet table (levels or assessments, grouped by person) is never read whole
    (:func:`competency_core.scale.readers.iter_people_levels`); other inputs are resolved
    first and then scored in chunks.
    """
    from competency_core.scale.streaming import stream_top_matches

    path = people.table or people.evidence
    source: Any
    if only_people is None and path is not None and path.suffix.lower() == ".parquet":
        from competency_core.scale.readers import iter_people_levels

        source = iter_people_levels(model, path, policy=policy, on=on)
    else:
        source = _subset(people_levels(model, people, policy, on), only_people)
    result = stream_top_matches(
        model, source, roles=roles, k=k, policy=policy, on=on, progress=progress
    )
    return result.top


@contextmanager
def one_line_errors(fmt: OutputFormat) -> Iterator[None]:
    """A library error ends the command with ``error: MESSAGE`` on one line (exit 2).

    With ``--format json`` it is ``{"errors": [...]}`` on standard output, as elsewhere.
    An invalid file with several problems still lists each of them.
    """
    from competency_core.console import EXIT_USAGE, fail, print_error
    from competency_core.errors import ModelValidationError
    from competency_core.problems import Problem

    try:
        yield
    except ModelValidationError as exc:
        if len(exc.problems) != 1 or fmt == OutputFormat.JSON:
            fail(exc.problems, fmt, str(exc).splitlines()[0])
        p = exc.problems[0]
        where = ":".join(str(x) for x in (p.file, p.line) if x)
        print_error(f"{where}: {p.message}" if where else p.message)
        raise typer.Exit(EXIT_USAGE) from None
    except CompetencyError as exc:
        message = " ".join(str(exc).split())
        if fmt == OutputFormat.JSON:
            fail([Problem(path="", message=message)], fmt)
        print_error(message)
        raise typer.Exit(EXIT_USAGE) from None


@contextmanager
def progress_bar(
    fmt: OutputFormat, switch: bool | None, pairs: int, what: str
) -> Iterator[Progress | None]:
    """A rich progress bar on standard error, or None where none is shown.

    Shown for text output on a terminal, when ``switch`` is True or (``switch`` None) the
    run has at least :data:`LONG_RUN_PAIRS` pairs; never for JSON or when ``switch`` is False.
    """
    show = (
        fmt == OutputFormat.TEXT
        and switch is not False
        and err_console.is_terminal
        and (switch is True or pairs >= LONG_RUN_PAIRS)
    )
    if not show:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task(what, total=None)

        def tell(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield tell


def people_count(model: CompetencyModel, people: PeopleInput) -> int:
    """How many people a run scores, as far as known before it (0: not known)."""
    if people.workforce is not None:
        return len(people.workforce.people)
    table = people.table or people.evidence
    if table is not None and is_table(table):
        return _table_rows(table)  # rows: at most the people, enough to judge a run
    return 0


def _table_rows(path: Path) -> int:
    """The rows of a Parquet or Arrow file from its metadata (0 when unknown, e.g. CSV)."""
    try:
        if path.suffix.lower() == ".parquet":
            import pyarrow.parquet as pq

            return int(pq.ParquetFile(path).metadata.num_rows)
    except Exception:  # an unreadable file is reported when the run reads it
        return 0
    return 0


def result_document(
    top: TopMatches, engine: Engine, rows: list[dict[str, Any]] | None
) -> dict[str, Any]:
    """The JSON document of a run: its date, policy, sizes, and the rows (when given)."""
    from competency_core.scale.tables import run_metadata

    doc = run_metadata(top, engine=engine.value)
    if rows is not None:
        doc["rows"] = rows
    return doc


def check_out(out: Path | None) -> None:
    """End before a run whose ``--out`` file has a suffix no writer knows."""
    from competency_core.scale.tables import TABLE_SUFFIXES

    if out is None or out.suffix.lower() in (*TABLE_SUFFIXES, ".json"):
        return
    raise CompetencyError(
        cli_tr()._("--out %(path)s: write .parquet, .arrow, .feather, .csv or .json", path=str(out))
    )


def write_result(top: TopMatches, engine: Engine, out: Path) -> int:
    """Write the result to ``out`` by its suffix (``.json``: the JSON document); the row count."""
    from competency_core.io import write_atomic
    from competency_core.scale.tables import table_rows, top_matches_table, write_table

    table = top_matches_table(top, engine=engine.value)
    if out.suffix.lower() == ".json":
        import json

        doc = result_document(top, engine, table_rows(table))
        write_atomic(out, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    else:
        write_table(table, out)
    return int(table.num_rows)


def run_whole(
    engine: Engine,
    model: CompetencyModel,
    people: PeopleInput,
    *,
    policy: ScoringPolicy,
    on: dt.date,
    k: int,
    out: Path | None,
    fmt: OutputFormat,
    progress: bool | None,
) -> None:
    """Score everyone against every role on ``engine`` and report it (``--out``, JSON or text).

    Errors raise :class:`~competency_core.errors.CompetencyError` (the caller reports them).
    """
    from competency_core.console import emit_json

    check_out(out)
    pairs = people_count(model, people) * len(model.roles)
    with progress_bar(fmt, progress, pairs, cli_tr()._("scoring")) as tell:
        top = top_matches(engine, model, people, policy=policy, on=on, k=k, progress=tell)
    written = write_result(top, engine, out) if out is not None else None
    if fmt == OutputFormat.JSON:
        if out is not None:
            emit_json(
                {**result_document(top, engine, None), "out": str(out), "rows_written": written}
            )
        else:
            from competency_core.scale.tables import table_rows, top_matches_table

            rows = table_rows(top_matches_table(top))
            emit_json(result_document(top, engine, rows))
        return
    print_whole(top, engine, out, written)


def print_whole(top: TopMatches, engine: Engine, out: Path | None, written: int | None) -> None:
    """The text report of a whole run: a summary, then each role's best candidates (no --out)."""
    from competency_core.console import console, escape, num, pct, simple_table

    t = cli_tr()
    first = top.roles_per_person.ready[:, 0] if top.k else top.roles_per_person.ready[:, :0]
    ready = int(first.sum())
    console.print(
        escape(
            t._(
                "%(people)s people scored against %(roles)s roles on %(on)s (engine "
                "%(engine)s, top %(k)s): %(ready)s ready for at least one role",
                people=num(len(top.people)),
                roles=num(len(top.roles)),
                on=top.on,
                engine=engine.value,
                k=top.k,
                ready=num(ready),
            )
        )
    )
    if out is not None:
        console.print(
            escape(t._("wrote %(n)s rows to %(path)s", n=num(written or 0), path=str(out)))
        )
        return
    rows = [
        (
            m.role if m.rank == 1 else "",
            m.rank,
            m.person,
            pct(m.readiness),
            num(m.gap, 2),
            pct(m.share_met),
            pct(m.coverage),
            ("[green]" + t._("ready") + "[/green]") if m.ready else "",
        )
        for role in top.roles
        for m in top.top_candidates(role)
    ]
    console.print(
        simple_table(
            t._("The best candidates of each role"),
            [
                t._("role"),
                "#",
                t._("person"),
                t._("readiness"),
                t._("gap"),
                t._("met"),
                t._("coverage"),
                "",
            ],
            rows,
        )
    )
    console.print(
        escape(t._("--out FILE writes both lists (each person's best roles too) as a table"))
    )


__all__ = [
    "CHUNK_PEOPLE",
    "EVIDENCE_COLUMNS",
    "LONG_RUN_PAIRS",
    "Engine",
    "EngineOption",
    "OutOption",
    "PeopleInput",
    "ProgressOption",
    "check_engine",
    "check_out",
    "is_table",
    "memory_top_matches",
    "one_line_errors",
    "people_count",
    "people_levels",
    "print_whole",
    "progress_bar",
    "read_people",
    "result_document",
    "run_whole",
    "top_matches",
    "write_result",
]
