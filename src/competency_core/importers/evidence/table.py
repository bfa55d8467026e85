"""Certifications and course completions from a CSV file (a spreadsheet export).

One row per piece of evidence, with a header naming the columns (in any order, matched
loosely: ``Valid until`` is ``valid_until``):

======================  ======================================================================
column                  what it holds
======================  ======================================================================
``kind``                ``certification``, ``course``, ``badge``, ``xapi`` or ``rating``
``person``              the person's key or email
``competency``          the competency's key (or a reference URI or code); not for a course
``resource``            the learning resource's key (or its url or an external id); a course
``level``               the level attested (on ``scale``, else the competency's scale)
``scale``               the scale of ``level``, when not the competency's own
``date``                when it was earned (``YYYY-MM-DD``)
``valid_until``         the last day it is valid (``YYYY-MM-DD``)
``asserted_by``         the issuer, rater or system that asserted it
``name``                the certification or course name, as issued
``identifier``          a stable id (a certificate number); derived from the row when empty
``source``              where it came from; default: the file and line
``rater_type``          for a rating: self, manager, peer, 360, test, interview, ...
======================  ======================================================================

``kind``, ``person`` and ``date`` are required, and ``competency`` or ``resource``. Every
row is checked on its own: a bad row is skipped with its line, the column at fault and
what to do; the good rows are imported.

The file is UTF-8 (a byte-order mark is fine) or the ``encoding`` given; the delimiter is
guessed from the header (comma, semicolon, tab or pipe) unless given. Quoting follows
RFC 4180; a quoting mistake skips the record it is in.

This reader lives in the core rather than in the ``csv`` adapter: the core's commands
(``competency evidence import csv``) may not import an adapter, and the adapter's table
machinery (header maps, sync edits) is for the files it syncs, not for a one-way import.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from competency_core.importers.evidence.matching import (
    EvidenceImport,
    EvidenceSourceError,
    ModelTargets,
    PeopleIndex,
    Skipped,
    source_files,
)
from competency_core.people import Evidence, EvidenceKind, RaterType

if TYPE_CHECKING:
    from competency_core.model import CompetencyModel
    from competency_core.people import Person

COLUMNS = (
    "kind",
    "person",
    "competency",
    "resource",
    "level",
    "scale",
    "date",
    "valid_until",
    "asserted_by",
    "name",
    "identifier",
    "source",
    "rater_type",
)
"""The columns a file may have (others are ignored)."""
REQUIRED = ("kind", "person", "date")
ALIASES = {
    "email": "person",
    "person_key": "person",
    "competency_key": "competency",
    "course": "resource",
    "resource_key": "resource",
    "valid_from": "date",
    "earned": "date",
    "expires": "valid_until",
    "expiry": "valid_until",
    "valid_to": "valid_until",
    "issuer": "asserted_by",
    "id": "identifier",
    "certificate_id": "identifier",
}
"""Other names a column is known by."""
_DELIMITERS = (",", ";", "\t", "|")


def column_name(header: str) -> str | None:
    """The column a header cell names (matched loosely), or None.

    >>> column_name(" Valid until "), column_name("Issuer"), column_name("Notes")
    ('valid_until', 'asserted_by', None)
    """
    norm = re.sub(r"[\s\-]+", "_", header.strip().lower()).strip("_")
    norm = ALIASES.get(norm, norm)
    return norm if norm in COLUMNS else None


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text[:10] if len(text) > 10 and text[10] in "T " else text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date: write it as YYYY-MM-DD") from None


def read_evidence_csv(
    sources: Iterable[str | os.PathLike[str]],
    model: CompetencyModel,
    people: Iterable[Person],
    *,
    encoding: str = "utf-8",
    delimiter: str | None = None,
) -> EvidenceImport:
    """The evidence in CSV files (or directories of ``*.csv`` files), row by row."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise EvidenceSourceError(
            f"unknown encoding {encoding!r} (e.g. utf-8, cp1252, latin-1)"
        ) from None
    if delimiter is not None and (len(delimiter) != 1 or delimiter in '"\r\n'):
        raise EvidenceSourceError("the delimiter is one character (e.g. ',' ';' or a tab)")
    targets = ModelTargets(model)
    index = PeopleIndex(people)
    parts = [
        _read_file(path, targets, index, encoding, delimiter)
        for source in sources
        for path in source_files(source, (".csv", ".tsv", ".txt"))
    ]
    return EvidenceImport.combined(parts)


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str] | str]]:
    """(line, cells) per record, or (line, problem) for a quoting mistake."""
    lines = io.StringIO(text, newline="")
    reader = csv.reader(lines, delimiter=delimiter, quotechar='"', strict=True)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield start, f'bad CSV quoting: {exc}; quote cells holding the delimiter with "'
            start = reader.line_num + 1
            continue
        line, start = start, reader.line_num + 1
        if cells and any(c.strip() for c in cells):
            yield line, cells


def _read_file(
    path: Path,
    targets: ModelTargets,
    people: PeopleIndex,
    encoding: str,
    delimiter: str | None,
) -> EvidenceImport:
    file = str(path)
    codec = "utf-8-sig" if codecs.lookup(encoding).name == "utf-8" else encoding
    try:
        text = path.read_bytes().decode(codec)
    except OSError as exc:
        return EvidenceImport(
            skipped=(Skipped(source=file, reason=f"cannot read the file: {exc.strerror}"),)
        )
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        return EvidenceImport(
            skipped=(
                Skipped(
                    source=file,
                    line=line,
                    reason=f"not {encoding} text ({exc.reason}): give the file's encoding "
                    "(e.g. --encoding cp1252)",
                ),
            )
        )
    first = text.split("\n", 1)[0]
    if delimiter is None:
        counts = {d: first.count(d) for d in _DELIMITERS}
        delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    records = _records(text, delimiter)
    header = next(records, None)
    if header is None:
        return EvidenceImport(skipped=(Skipped(source=file, reason="the file is empty"),))
    header_line, header_cells = header
    if isinstance(header_cells, str):
        return EvidenceImport(
            skipped=(Skipped(source=file, line=header_line, reason=header_cells),)
        )
    columns = [column_name(c) for c in header_cells]
    missing = [c for c in REQUIRED if c not in columns]
    if "competency" not in columns and "resource" not in columns:
        missing.append("competency or resource")
    repeated = sorted({c for c in columns if c is not None and columns.count(c) > 1})
    if missing or repeated:
        what = (
            f"missing column(s): {', '.join(missing)}"
            if missing
            else f"column(s) given twice: {', '.join(repeated)}"
        )
        return EvidenceImport(
            skipped=(
                Skipped(
                    source=file,
                    line=header_line,
                    reason=f"{what} (found: {', '.join(header_cells)}); name the columns "
                    f"{', '.join(COLUMNS)}",
                ),
            )
        )
    evidence: list[Evidence] = []
    skipped: list[Skipped] = []
    for line, cells in records:
        if isinstance(cells, str):
            skipped.append(Skipped(source=file, line=line, reason=cells))
            continue
        if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
            skipped.append(
                Skipped(
                    source=file,
                    line=line,
                    reason=f"{len(cells)} cells but the header has {len(columns)} columns: "
                    "quote cells that hold the delimiter",
                )
            )
            continue
        row = {
            col: cell.strip()
            for col, cell in zip(columns, cells, strict=False)
            if col is not None and cell.strip()
        }
        result = _row_evidence(row, file, line, targets, people)
        (evidence if isinstance(result, Evidence) else skipped).append(result)  # type: ignore[arg-type]
    return EvidenceImport(evidence=tuple(evidence), skipped=tuple(skipped))


class _RowError(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


def _row_evidence(
    row: dict[str, str], file: str, line: int, targets: ModelTargets, people: PeopleIndex
) -> Evidence | Skipped:
    try:
        return _evidence(row, file, line, targets, people)
    except _RowError as err:
        return Skipped(source=file, line=line, column=err.column, reason=err.reason)


def _evidence(
    row: dict[str, str], file: str, line: int, targets: ModelTargets, people: PeopleIndex
) -> Evidence:
    model = targets.model
    for col in REQUIRED:
        if col not in row:
            raise _RowError(col, f"{col} is required, but empty")
    try:
        kind = EvidenceKind(row["kind"].lower())
    except ValueError:
        raise _RowError(
            "kind",
            f"kind {row['kind']!r} is not one of {', '.join(k.value for k in EvidenceKind)}",
        ) from None
    person = people.find(row["person"])
    if person is None:
        raise _RowError(
            "person",
            f"no person of the workforce has the key or email {row['person']!r}: add the "
            "person, or correct the cell",
        )
    if kind is EvidenceKind.COURSE and "resource" not in row:
        raise _RowError(
            "resource", "a completed course names its learning resource: fill the resource column"
        )
    if kind is EvidenceKind.RATING and "rater_type" not in row:
        raise _RowError("rater_type", "a rating says who rated: fill the rater_type column")
    competency = resource = None
    if "competency" in row:
        competency = targets.competency_by_code(row["competency"]) or targets.competency_by_uri(
            row["competency"]
        )
        if competency is None:
            from competency_core.keys import did_you_mean

            raise _RowError(
                "competency",
                f"model {model.key!r} has no competency {row['competency']!r}"
                + did_you_mean(row["competency"], sorted(targets.competency_keys))
                + ": give a competency's key (or one of its reference URIs or codes)",
            )
    if "resource" in row:
        resource = (
            row["resource"]
            if row["resource"] in targets.resource_keys
            else targets.resource_by_uri(row["resource"])
        )
        if resource is None:
            from competency_core.keys import did_you_mean

            raise _RowError(
                "resource",
                f"model {model.key!r} has no learning resource {row['resource']!r}"
                + did_you_mean(row["resource"], sorted(targets.resource_keys))
                + ": give a resource's key (or its url or an external id)",
            )
    if competency is None and resource is None:
        raise _RowError(
            "competency", "give the competency (or, for a course, the learning resource)"
        )
    level = None
    scale_key = row.get("scale")
    if scale_key is not None and scale_key not in {s.key for s in model.scales}:
        raise _RowError("scale", f"model {model.key!r} has no scale {scale_key!r}")
    if "level" in row:
        try:
            level = int(row["level"])
        except ValueError:
            raise _RowError("level", f"level {row['level']!r} is not a whole number") from None
        if competency is None and scale_key is None:
            raise _RowError("level", "a level needs a competency (or a scale) to be read on")
        scale = model.scale(scale_key) if scale_key else targets.scale_of(str(competency))
        if not scale.has_level(level):
            raise _RowError(
                "level",
                f"{level} is not a level of scale {scale.key!r}: give one of {list(scale.values)}",
            )
        if competency is not None and scale.key != model.competency(competency).scale:
            own = model.competency(competency).scale
            if model.scale_mapping(scale.key, own) is None:
                raise _RowError(
                    "scale",
                    f"{competency!r} is measured on {own!r} and the model maps no levels "
                    f"from {scale.key!r}: add a scale mapping, or give the level on {own!r}",
                )
    dates = {}
    for col in ("date", "valid_until"):
        if col in row:
            try:
                dates[col] = _parse_date(row[col])
            except ValueError as exc:
                raise _RowError(col, str(exc)) from None
    if "valid_until" in dates and dates["valid_until"] < dates["date"]:
        raise _RowError(
            "valid_until", f"valid_until {dates['valid_until']} is before the date {dates['date']}"
        )
    rater = None
    if "rater_type" in row:
        try:
            rater = RaterType(row["rater_type"].lower())
        except ValueError:
            raise _RowError(
                "rater_type",
                f"rater_type {row['rater_type']!r} is not one of "
                f"{', '.join(r.value for r in RaterType)}",
            ) from None
    try:
        return Evidence(
            kind=kind,
            person=person,
            competency=competency,
            resource=resource,
            level=level,
            scale=scale_key
            if scale_key and competency and scale_key != model.competency(competency).scale
            else None,
            date=dates["date"],
            valid_until=dates.get("valid_until"),
            rater_type=rater,
            asserted_by=row.get("asserted_by"),
            source=row.get("source") or f"{file}:{line}",
            name=row.get("name"),
            model_version=model.version,
            identifier=row.get("identifier"),
        )
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        column = str(err["loc"][0]) if err["loc"] else "kind"
        message = str(err["msg"]).removeprefix("Value error, ")
        raise _RowError(column if column in COLUMNS else "kind", message) from None


__all__ = ["ALIASES", "COLUMNS", "REQUIRED", "column_name", "read_evidence_csv"]
