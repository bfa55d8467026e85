"""Readers of people's evidence straight into :class:`~.columnar.EvidenceColumns`.

* :func:`read_evidence`: a file by its suffix: Parquet (``.parquet``), Arrow IPC/Feather
  (``.arrow``, ``.feather``, ``.ipc``), CSV (``.csv``, ``.tsv``, ``.txt``) or a workforce
  file (``.yaml``, ``.yml``, ``.json``);
* :func:`read_csv`: an assessments file as the ``csv`` adapter writes it (``person``,
  ``competency``, ``level``, ``date``, ``rater_type``, ``rater``, ``scale``, ``expires``...)
  or an evidence table as ``competency evidence import csv`` reads it (with ``kind``);
  columns matched loosely, the delimiter guessed from the header;
* :func:`read_workforce_file`: a workforce file through a fast path
  (:mod:`competency_core.scale.fastyaml`), with the checked loader's report on bad input;
* :func:`read_store`: the store's assessment and evidence tables, one query each;
* :func:`iter_people_levels`: a Parquet file grouped by person, resolved in chunks of
  people (memory bounded by the chunk).

Every reader checks every row and raises :class:`~.columnar.ColumnarError` naming the
file, the line (CSV, YAML) or row (Parquet, Arrow) and the column of each mistake.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from competency_core.problems import Problem
from competency_core.scale.columnar import (
    ColumnarError,
    EvidenceColumns,
    Origin,
    column_name,
    fail,
)
from competency_core.scoring.policy import DEFAULT_POLICY, ScoringPolicy

if TYPE_CHECKING:
    import pyarrow as pa

    from competency_core.model import CompetencyModel
    from competency_core.scoring.bulk import PeopleLevels

ARROW_SUFFIXES = (".arrow", ".feather", ".ipc")
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
WORKFORCE_SUFFIXES = (".yaml", ".yml", ".json")
_DELIMITERS = (",", ";", "\t", "|")


def _cannot(path: str | os.PathLike[str], message: str) -> ColumnarError:
    return fail([Problem(path="", message=message, file=str(path))], f"cannot read {path}")


def _arrow_errors() -> tuple[type[BaseException], ...]:
    import pyarrow as pa

    return (OSError, pa.ArrowException)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def read_evidence(
    path: str | os.PathLike[str],
    *,
    people: Sequence[str] | None = None,
    assessments: bool | None = None,
) -> EvidenceColumns:
    """Evidence from a Parquet, Arrow, CSV or workforce file, by its suffix.

    ``people`` fixes the first person codes; ``assessments``: see
    :meth:`EvidenceColumns.from_arrow <competency_core.scale.columnar.EvidenceColumns.from_arrow>`.
    """
    suffix = Path(path).suffix.lower()
    if suffix == ".parquet":
        return read_parquet(path, people=people, assessments=assessments)
    if suffix in ARROW_SUFFIXES:
        return read_arrow(path, people=people, assessments=assessments)
    if suffix in CSV_SUFFIXES:
        return read_csv(path, people=people, assessments=assessments)
    if suffix in WORKFORCE_SUFFIXES:
        return read_workforce_file(path)
    known = ".parquet, .arrow, .feather, .ipc, .csv, .tsv, .txt, .yaml, .yml, .json"
    raise _cannot(path, f"unknown file type {suffix or '(none)'!r}: name it {known}")


def read_parquet(
    path: str | os.PathLike[str],
    *,
    people: Sequence[str] | None = None,
    assessments: bool | None = None,
) -> EvidenceColumns:
    """Evidence from a Parquet file (problems name the row, counted from 1)."""
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except FileNotFoundError:
        raise _cannot(path, "no such file") from None
    except _arrow_errors() as exc:
        raise _cannot(path, f"not a Parquet file: {_one_line(exc)}") from None
    return EvidenceColumns.from_arrow(
        table, origin=Origin(file=str(path)), people=people, assessments=assessments
    )


def read_arrow(
    path: str | os.PathLike[str],
    *,
    people: Sequence[str] | None = None,
    assessments: bool | None = None,
) -> EvidenceColumns:
    """Evidence from an Arrow IPC (Feather v2) file."""
    import pyarrow.feather as feather

    try:
        table = feather.read_table(path)
    except FileNotFoundError:
        raise _cannot(path, "no such file") from None
    except _arrow_errors() as exc:
        raise _cannot(path, f"not an Arrow IPC file: {_one_line(exc)}") from None
    return EvidenceColumns.from_arrow(
        table, origin=Origin(file=str(path)), people=people, assessments=assessments
    )


class _Lines:
    """The line each CSV record starts on, found only when a problem needs one."""

    def __init__(self, text: Callable[[], str], delimiter: str) -> None:
        self._text = text
        self._delimiter = delimiter
        self._starts: list[int] | None = None

    def __call__(self, row: int) -> int:
        if self._starts is None:
            reader = csv.reader(io.StringIO(self._text(), newline=""), delimiter=self._delimiter)
            starts, start = [], 1
            for cells in reader:
                if any(c.strip() for c in cells):
                    starts.append(start)
                start = reader.line_num + 1
            self._starts = starts[1:]  # the header is not a row
        return self._starts[row] if row < len(self._starts) else row + 2


def read_csv(
    path: str | os.PathLike[str],
    *,
    people: Sequence[str] | None = None,
    assessments: bool | None = None,
    delimiter: str | None = None,
    encoding: str = "utf-8",
) -> EvidenceColumns:
    """Evidence from a CSV file: an assessments table, or an evidence table (with ``kind``).

    The columns are those of the ``csv`` adapter's assessments file and of the evidence
    import (docs/adapters/csv.md, docs/evidence.md), matched loosely (``Valid until``,
    ``expires``); UTF-8 with or without a byte-order mark, or ``encoding``; the delimiter
    (comma, semicolon, tab or pipe) is guessed from the header unless given. Empty cells
    are absent values. Problems name the file, line and column.
    """
    import pyarrow as pa
    import pyarrow.csv as pcsv

    file = str(path)
    codec = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise _cannot(path, "no such file") from None
    except OSError as exc:
        raise _cannot(path, f"cannot read: {exc.strerror}") from None
    try:
        text = raw.decode(codec)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise fail(
            [Problem(path="", message=f"not {encoding} text ({exc.reason})", file=file, line=line)],
            f"cannot read {path}",
        ) from None
    first, at = "", 0
    while at < len(text) and not first.strip():  # the first line that is not blank
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        first, at = text[at:end].rstrip("\r"), end + 1
    if not first:
        raise _cannot(path, "the file is empty (a header line names the columns)")
    if delimiter is None:
        counts = {d: first.count(d) for d in _DELIMITERS}
        delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    header = next(csv.reader([first], delimiter=delimiter))
    lines = _Lines(lambda: text, delimiter)
    data = text.encode("utf-8") if codec != "utf-8-sig" else raw
    parse = pcsv.ParseOptions(delimiter=delimiter, newlines_in_values=True)
    as_text = {name: pa.string() for name in header}
    # typed first (dates and levels parsed by Arrow); a cell that does not convert: all
    # as text, so that the checks name each bad cell's line
    typed = {**as_text}
    for name in header:
        col = column_name(name)
        if col == "level":
            typed[name] = pa.int64()
        elif col in ("date", "valid_until"):
            typed[name] = pa.date32()
    try:
        try:
            table = pcsv.read_csv(
                io.BytesIO(data),
                parse_options=parse,
                convert_options=pcsv.ConvertOptions(column_types=typed, strings_can_be_null=True),
            )
        except pa.ArrowInvalid:
            table = pcsv.read_csv(
                io.BytesIO(data),
                parse_options=parse,
                convert_options=pcsv.ConvertOptions(column_types=as_text, strings_can_be_null=True),
            )
    except pa.ArrowInvalid as exc:
        width = len(header)
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        start, problems = 1, []
        for cells in reader:
            if any(c.strip() for c in cells) and len(cells) != width:
                problems.append(
                    Problem(
                        path="",
                        message=f"{len(cells)} cells but the header has {width} columns "
                        "(a delimiter inside an unquoted cell?)",
                        file=file,
                        line=start,
                    )
                )
            start = reader.line_num + 1
        problems = problems or [Problem(path="", message=_one_line(exc), file=file)]
        raise fail(problems, f"{path}: cannot read the evidence") from None
    return EvidenceColumns.from_arrow(
        table, origin=Origin(file=file, lines=lines), people=people, assessments=assessments
    )


def read_workforce_file(
    path: str | os.PathLike[str], model: CompetencyModel | None = None
) -> EvidenceColumns:
    """A workforce file's assessments and evidence (people: the file's, in its order).

    A fast path reads the usual shapes of the file (block or one-line mappings, plain or
    quoted values) without an object per rating; on anything it does not understand it
    loads the file with the checked loader instead (slower, same result). A file with
    mistakes raises the checked loader's report: every problem with its file, line and
    field path (checked against ``model`` when given).
    """
    from competency_core.scale.fastyaml import read_sections

    p = Path(path)
    if not p.is_file():
        raise _cannot(path, "no such file")
    sections = read_sections(p)
    if sections is not None:
        try:
            return _from_sections(sections, str(path))
        except ColumnarError:
            pass  # the checked loader's report says it best, with lines and paths
    return _checked(path, model)


def _checked(path: str | os.PathLike[str], model: CompetencyModel | None) -> EvidenceColumns:
    """The file through the checked loader (its errors are the report)."""
    from competency_core.io import load_workforce

    wf = load_workforce(path, model)
    columns = EvidenceColumns.from_workforce(wf)
    return replace(columns, origin=replace(columns.origin, file=str(path)))


def _from_sections(sections: Any, file: str) -> EvidenceColumns:
    """Columns from the fast path's tables (assessments first, then evidence)."""
    import pyarrow as pa

    people = sections.people
    parts: list[EvidenceColumns] = []
    named: list[tuple[str, int]] = []
    for name, table, lines in (
        ("assessments", sections.assessments, sections.assessment_lines),
        ("evidence", sections.evidence, sections.evidence_lines),
    ):
        if table is None or table.num_rows == 0:
            continue
        located = bool(len(lines)) and bool(lines[0])
        origin = Origin(
            file=file,
            lines=lines.__getitem__ if located else None,
            sections=((name, table.num_rows),),
        )
        parts.append(
            EvidenceColumns.from_arrow(
                table, origin=origin, people=people, assessments=name == "assessments"
            )
        )
        named.append((name, table.num_rows))
    if not parts:
        empty = pa.table(
            {
                "person": pa.array([], pa.string()),
                "competency": pa.array([], pa.string()),
                "level": pa.array([], pa.int64()),
                "date": pa.array([], pa.date32()),
            }
        )
        columns = EvidenceColumns.from_arrow(empty, origin=Origin(file=file), people=people)
        return replace(columns, listed=len(people))
    out = parts[0] if len(parts) == 1 else concat(parts)
    if len(out.people) > len(people):  # evidence of someone not among the people
        raise fail([Problem(path="person", message="unknown person", file=file)], file)
    return replace(out, origin=replace(out.origin, sections=tuple(named)), listed=len(people))


def concat(parts: Sequence[EvidenceColumns]) -> EvidenceColumns:
    """Several column sets as one (codes re-mapped onto shared key tuples)."""
    first = parts[0]

    def merged(
        keys_of: Callable[[EvidenceColumns], tuple[str, ...]],
        codes_of: Callable[[EvidenceColumns], Any],
    ) -> tuple[tuple[str, ...], Any]:
        table: dict[str, int] = {}
        out = []
        for part in parts:
            remap = np.array(
                [table.setdefault(k, len(table)) for k in keys_of(part)] + [-1], dtype=np.int32
            )
            codes = codes_of(part)
            if codes is None:
                codes = np.full(len(part), -1, dtype=np.int32)
            out.append(remap[codes.astype(np.int64)])
        return tuple(table), np.concatenate(out)

    people, person = merged(lambda c: c.people, lambda c: c.person)
    competencies, competency = merged(lambda c: c.competencies, lambda c: c.competency)
    resources, resource = merged(lambda c: c.resources, lambda c: c.resource)
    scales, scale = merged(lambda c: c.scales, lambda c: c.scale)
    texts = {}
    for name in sorted({k for part in parts for k in part.texts}):

        def keys_of(c: EvidenceColumns, n: str = name) -> tuple[str, ...]:
            return c.texts[n][0] if n in c.texts else ()

        def codes_of(c: EvidenceColumns, n: str = name) -> Any:
            return c.texts[n][1] if n in c.texts else None

        texts[name] = merged(keys_of, codes_of)
    offsets = np.cumsum([0] + [len(p) for p in parts])

    def line(row: int) -> int:
        k = int(np.searchsorted(offsets, row, side="right")) - 1
        fn = parts[k].origin.lines
        return fn(row - int(offsets[k])) if fn is not None else row - int(offsets[k]) + 1

    return EvidenceColumns(
        people=people,
        person=person,
        competencies=competencies,
        competency=competency,
        level=np.concatenate([p.level for p in parts]),
        date=np.concatenate([p.date for p in parts]),
        valid_until=np.concatenate([p.valid_until for p in parts]),
        kind=np.concatenate([p.kind for p in parts]),
        rater_type=np.concatenate([p.rater_type for p in parts]),
        resources=resources,
        resource=resource,
        scales=scales,
        scale=scale,
        texts=texts,
        origin=Origin(file=first.origin.file, lines=line),
    )


# -- the store -----------------------------------------------------------------------------


def read_store(
    store: Any, model: CompetencyModel, *, as_of: dt.date | None = None
) -> EvidenceColumns:
    """The evidence :meth:`Store.workforce <competency_core.store.Store.workforce>` reads.

    One query per table (people, assessments, evidence), rows straight into columns: the
    assessments of ``model`` made by ``as_of`` (default today; carried copies replace the
    assessments they were carried from, as ``Store.workforce`` reads them) and the evidence
    recorded for the model, or for no model and about its competencies or resources.
    People are the store's, ordered by key. SQLite and PostgreSQL alike.
    """
    import pyarrow as pa
    from sqlalchemy import select

    from competency_core.store.evidence import EVIDENCE, of_model
    from competency_core.store.schema import PersonRow
    from competency_core.store.workforce import ASSESSMENTS as A

    day = as_of or dt.date.today()
    key = model.key
    rated = (
        select(A.c.person, A.c.competency, A.c.level, A.c.scale, A.c.rater_type, A.c.rater,
               A.c.date, A.c.expires, A.c.model_version, A.c.migrated_from)
        .where(A.c.model_key == key, A.c.date <= day)
        .order_by(A.c.person, A.c.date, A.c.id)
    )  # fmt: skip
    E = EVIDENCE
    evidenced = (
        select(E.c.kind, E.c.person, E.c.competency, E.c.resource, E.c.level, E.c.scale,
               E.c.date, E.c.valid_until, E.c.rater_type, E.c.asserted_by, E.c.name,
               E.c.identifier, E.c.model_key)
        .where(of_model(key), E.c.date <= day)
        .order_by(E.c.person, E.c.date, E.c.id)
    )  # fmt: skip
    with store.engine.connect() as conn:
        people = tuple(r[0] for r in conn.execute(select(PersonRow.key).order_by(PersonRow.key)))
        a_rows = conn.execute(rated).fetchall()
        e_rows = conn.execute(evidenced).fetchall()
    a_names = ("person", "competency", "level", "scale", "rater_type", "rater", "date",
               "expires", "model_version", "migrated_from")  # fmt: skip
    e_names = ("kind", "person", "competency", "resource", "level", "scale", "date",
               "valid_until", "rater_type", "asserted_by", "name", "identifier", "model_key")  # fmt: skip
    a_cols = dict(zip(a_names, zip(*a_rows, strict=True), strict=False)) if a_rows else {}
    e_cols = dict(zip(e_names, zip(*e_rows, strict=True), strict=False)) if e_rows else {}
    parts: list[EvidenceColumns] = []
    sections: list[tuple[str, int]] = []
    origin = Origin(file=getattr(store, "display_url", None))
    if a_cols:
        # versions carried (directly or through others) to the model's: their rows give way
        sources: dict[Any, set[str]] = {}
        for version, source in set(
            zip(a_cols["model_version"], a_cols["migrated_from"], strict=True)
        ):
            if source:
                sources.setdefault(version, set()).add(source)
        carried: set[str] = set()
        todo = list(sources.get(model.version, ()))
        while todo:
            v = todo.pop()
            if v not in carried and v != model.version:
                carried.add(v)
                todo.extend(sources.get(v, ()))
        keep = np.array([v not in carried for v in a_cols["model_version"]], dtype=bool)
        table = pa.table({k: pa.array(a_cols[k]) for k in a_names[:8]}).filter(pa.array(keep))
        parts.append(
            EvidenceColumns.from_arrow(table, origin=origin, people=people, assessments=True)
        )
        sections.append(("assessments", table.num_rows))
    if e_cols:
        resources = {r.key for r in model.learning_resources}
        keep = np.array(
            [
                mk is not None or (ck is not None and model.has_competency(ck))
                or (ck is None and rk in resources)
                for mk, ck, rk in zip(e_cols["model_key"], e_cols["competency"], e_cols["resource"], strict=True)
            ],
            dtype=bool,
        )  # fmt: skip
        table = pa.table({k: pa.array(e_cols[k]) for k in e_names[:12]}).filter(pa.array(keep))
        parts.append(
            EvidenceColumns.from_arrow(table, origin=origin, people=people, assessments=False)
        )
        sections.append(("evidence", table.num_rows))
    if not parts:
        return EvidenceColumns.from_items([], {p: i for i, p in enumerate(people)}, origin)
    out = parts[0] if len(parts) == 1 else concat(parts)
    return replace(out, origin=replace(origin, sections=tuple(sections)))


# -- Parquet in chunks of people -----------------------------------------------------------


def iter_people_levels(
    model: CompetencyModel,
    path: str | os.PathLike[str],
    *,
    policy: ScoringPolicy = DEFAULT_POLICY,
    on: dt.date | None = None,
    chunk_people: int = 10_000,
    batch_rows: int = 65_536,
) -> Iterator[PeopleLevels]:
    """People's levels from a Parquet file grouped by person, a chunk of people at a time.

    The file is an evidence table (with a ``date`` column: resolved by ``policy`` as of
    ``on``, see :func:`~competency_core.scale.resolve.resolve`) or a levels table
    (``person``, ``competency``, ``level``). Its rows are read in batches of
    ``batch_rows``; each chunk holds ``chunk_people`` people (the last fewer), all the rows
    of each, so memory is bounded by the chunk, not the file. A person's rows must be
    together (sorted or grouped by person): a person seen again after their chunk raises
    :class:`~competency_core.scale.columnar.ColumnarError` naming the row. The chunks are
    what :func:`competency_core.scale.streaming.stream_top_matches` takes.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from competency_core.scale.resolve import resolve
    from competency_core.scale.tables import levels_from_table

    day = on or dt.date.today()
    try:
        source = pq.ParquetFile(path)
    except FileNotFoundError:
        raise _cannot(path, "no such file") from None
    except _arrow_errors() as exc:
        raise _cannot(path, f"not a Parquet file: {_one_line(exc)}") from None
    names = {column_name(n) or n for n in source.schema_arrow.names}
    levels_only = "date" not in names
    done: set[str] = set()
    buffer: list[pa.Table] = []
    offset = 0  # rows of the file before the buffer

    def emit(table: pa.Table, first_row: int) -> PeopleLevels:
        if levels_only:
            return levels_from_table(model, table, f"{path} (rows from {first_row + 1})")
        cols = EvidenceColumns.from_arrow(table, origin=Origin(file=str(path)))
        return resolve(model, cols, policy=policy, on=day)

    for batch in source.iter_batches(batch_size=batch_rows):
        buffer.append(pa.Table.from_batches([batch]))
        table = pa.concat_tables(buffer)
        persons = table.column(_person_column(table)).combine_chunks().cast(pa.string())
        keys = np.asarray(persons.to_numpy(zero_copy_only=False), dtype=object)
        run = np.ones(len(keys), dtype=bool)
        run[1:] = keys[1:] != keys[:-1]
        starts = np.flatnonzero(run)
        heads = keys[starts].tolist()
        seen_again = [k for k in heads if k in done]
        if seen_again or len(set(heads)) != len(heads):
            k = seen_again[0] if seen_again else next(h for h in heads if heads.count(h) > 1)
            row = offset + int(starts[[i for i, h in enumerate(heads) if h == k][-1]])
            raise fail(
                [Problem(path="person", file=str(path), message=f"row {row + 1}: {k!r} appears "
                         "again after other people: sort or group the file by person")],
                f"{path}: not grouped by person",
            )  # fmt: skip
        while len(heads) > chunk_people:  # the last person may go on in the next batch
            cut = int(starts[chunk_people])
            yield emit(table.slice(0, cut), offset)
            done.update(heads[:chunk_people])
            table = table.slice(cut)
            offset += cut
            starts = starts[chunk_people:] - cut
            heads = heads[chunk_people:]
        buffer = [table]
    if buffer and buffer[0].num_rows:
        yield emit(buffer[0], offset)


def _person_column(table: pa.Table) -> str:
    for name in table.column_names:
        if column_name(name) == "person":
            return str(name)
    raise fail(
        [Problem(path="", message=f"no person column (found: {', '.join(table.column_names)})")],
        "cannot read the evidence",
    )


__all__ = [
    "concat",
    "iter_people_levels",
    "read_arrow",
    "read_csv",
    "read_evidence",
    "read_parquet",
    "read_store",
    "read_workforce_file",
]
