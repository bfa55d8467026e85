"""The CSV adapter's client: reading and writing CSV files (encodings, quoting, formulas).

The files are the remote system the ``csv`` adapter talks to; every read and write of a
file goes through here, in the :class:`~competency_csv.settings.CsvDialect` given.

* Reading decodes line by line (UTF-8 with or without a byte-order mark, or any declared
  encoding), so a decoding error names its line, and every record carries the line it
  starts on (records may span lines inside quotes). Quoting mistakes are reported, not
  guessed around.
* Writing is atomic (a temporary file renamed into place) and, unless told otherwise,
  safe to open in a spreadsheet: a cell that would start a formula (``=``, ``+``, ``-``,
  ``@``, tab, carriage return) is written with a leading apostrophe, which reading removes
  again. Plain numbers such as ``-3`` are left alone.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from competency_core.errors import ModelValidationError, Problem, SyncError
from competency_core.io import replaced_atomically
from competency_csv.settings import CsvDialect

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_AUTO_CANDIDATES = (",", ";", "\t", "|")


def escape_formula(value: str) -> str:
    """``value`` made safe to open in a spreadsheet (a leading apostrophe when needed).

    >>> escape_formula("=SUM(A1:A9)"), escape_formula("-3"), escape_formula("Ann")
    ("'=SUM(A1:A9)", '-3', 'Ann')
    """
    if not value:
        return value
    first = value[0]
    if first in FORMULA_TRIGGERS and not _NUMBER.match(value):
        return "'" + value
    if first == "'" and len(value) > 1 and (value[1] in FORMULA_TRIGGERS or value[1] == "'"):
        return "'" + value
    return value


def unescape_formula(value: str) -> str:
    """The value :func:`escape_formula` was given (exactly, for anything it wrote).

    >>> unescape_formula("'=SUM(A1:A9)"), unescape_formula("'quoted")
    ('=SUM(A1:A9)', "'quoted")
    """
    if len(value) > 1 and value[0] == "'" and (value[1] in FORMULA_TRIGGERS or value[1] == "'"):
        return value[1:]
    return value


@dataclass(frozen=True)
class Record:
    """One CSV record: the line it starts on and its cells (formula escapes removed)."""

    line: int
    cells: tuple[str, ...]


class CsvReadError(ModelValidationError, SyncError):
    """A CSV file could not be read (encoding, quoting) or has bad rows; see ``problems``."""


def _decoded_lines(path: Path, encoding: str) -> Iterator[str]:
    """The file's text, line by line with line endings kept; decoding errors name the line."""
    name = codecs.lookup(encoding).name
    decoder = codecs.getincrementaldecoder("utf-8-sig" if name == "utf-8" else encoding)()
    line = 1
    pending = ""
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise CsvReadError(
            [Problem(path="", message=f"cannot read: {exc.strerror}", file=str(path))],
            f"cannot read {path}",
        ) from None
    with fh:
        for chunk in fh:
            try:
                text = pending + decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise CsvReadError(
                    [
                        Problem(
                            path="",
                            message=f"not {encoding} text ({exc.reason}); "
                            "set the file's encoding (e.g. encoding=cp1252)",
                            file=str(path),
                            line=line + pending.count("\n"),
                        )
                    ],
                    f"cannot read {path}",
                ) from None
            parts = text.split("\n")
            pending = parts.pop()
            for part in parts:
                line += 1
                yield part + "\n"
        try:
            pending += decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise CsvReadError(
                [Problem(path="", message=f"truncated {encoding} text", file=str(path), line=line)],
                f"cannot read {path}",
            ) from None
        if pending:
            yield pending


def _guess_delimiter(header: str) -> str:
    counts = {d: header.count(d) for d in _AUTO_CANDIDATES}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_records(
    path: str | os.PathLike[str], dialect: CsvDialect, problems: list[Problem]
) -> Iterator[Record]:
    """Stream a file's records (the header included) with their starting line numbers.

    A quoting mistake adds a problem to ``problems`` and the reading goes on with the next
    record; encoding errors raise :class:`CsvReadError`. Blank lines are skipped.
    """
    p = Path(path)
    lines = _decoded_lines(p, dialect.encoding)
    delimiter = dialect.delimiter
    if delimiter == "auto":
        first = next(lines, None)
        if first is None:
            return
        delimiter = _guess_delimiter(first)
        lines = _chain(first, lines)
    reader = csv.reader(lines, delimiter=delimiter, quotechar='"', strict=True)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(
                Problem(
                    path="",
                    message=f"bad CSV quoting: {exc}",
                    file=str(p),
                    line=start,
                )
            )
            start = reader.line_num + 1
            continue
        line, start = start, reader.line_num + 1
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        if dialect.escape_formulas and any(c[:1] == "'" for c in cells):
            cells = [unescape_formula(c) for c in cells]
        yield Record(line=line, cells=tuple(cells))


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


def write_records(
    path: str | os.PathLike[str],
    rows: Iterable[Sequence[str]],
    dialect: CsvDialect,
) -> None:
    """Write rows (the header first) atomically; cells escaped against formulas if asked.

    A character the encoding cannot hold raises :class:`SyncError` naming the row.
    """
    target = Path(path)
    name = codecs.lookup(dialect.encoding).name
    encoding = "utf-8-sig" if name == "utf-8" and dialect.bom else dialect.encoding
    delimiter = "," if dialect.delimiter == "auto" else dialect.delimiter
    with (
        replaced_atomically(target) as tmp,
        tmp.open("wb") as raw,
        io.TextIOWrapper(raw, encoding=encoding, newline="") as fh,
    ):
        options = {
            "delimiter": delimiter,
            "quotechar": '"',
            "lineterminator": "\r\n" if dialect.newline == "crlf" else "\n",
        }
        quoting = csv.QUOTE_ALL if dialect.quoting == "all" else csv.QUOTE_MINIMAL
        writer = csv.writer(fh, quoting=quoting, **options)  # type: ignore[arg-type]
        # Python's csv quotes a cell with the line terminator's characters only: with "\n"
        # line ends, a cell holding a carriage return ("\r..." from a pasted text) would be
        # written bare, and read back as the end of the record. Such rows are quoted whole.
        quoted = csv.writer(fh, quoting=csv.QUOTE_ALL, **options)  # type: ignore[arg-type]
        for n, row in enumerate(rows, 1):
            cells = [escape_formula(c) for c in row] if dialect.escape_formulas else row
            bare_cr = dialect.newline == "lf" and any("\r" in c for c in cells)
            try:
                (quoted if bare_cr else writer).writerow(cells)
            except UnicodeEncodeError as exc:
                bad = exc.object[exc.start : exc.end]
                raise SyncError(
                    f"cannot write {target}: row {n} has {bad!r}, which {dialect.encoding} "
                    "cannot encode; use encoding=utf-8"
                ) from None
        fh.flush()
        os.fsync(raw.fileno())


def normalise_header(name: str) -> str:
    """A column name compared loosely: lower case, spaces and dashes as underscores.

    >>> normalise_header(" Job-Level ")
    'job_level'
    """
    return re.sub(r"[\s\-]+", "_", name.strip().lower())


__all__ = [
    "FORMULA_TRIGGERS",
    "CsvReadError",
    "Record",
    "escape_formula",
    "normalise_header",
    "read_records",
    "unescape_formula",
    "write_records",
]
