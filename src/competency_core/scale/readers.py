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
import io
import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from competency_core.problems import Problem
from competency_core.scale.columnar import ColumnarError, EvidenceColumns, Origin, fail

if TYPE_CHECKING:
    from competency_core.model import CompetencyModel

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
    first = next((line for line in text.splitlines() if line.strip()), "")
    if not first:
        raise _cannot(path, "the file is empty (a header line names the columns)")
    if delimiter is None:
        counts = {d: first.count(d) for d in _DELIMITERS}
        delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    header = next(csv.reader([first], delimiter=delimiter))
    lines = _Lines(lambda: text, delimiter)
    try:
        table = pcsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            parse_options=pcsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(
                column_types={name: pa.string() for name in header},
                strings_can_be_null=True,
            ),
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
    return EvidenceColumns(**{**columns.__dict__, "origin": Origin(file=str(path))})


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
        return EvidenceColumns.from_arrow(empty, origin=Origin(file=file), people=people)
    out = parts[0] if len(parts) == 1 else concat(parts)
    if len(out.people) > len(people):  # evidence of someone not among the people
        raise fail([Problem(path="person", message="unknown person", file=file)], file)
    return EvidenceColumns(**{**out.__dict__, "origin": replace(out.origin, sections=tuple(named))})


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
