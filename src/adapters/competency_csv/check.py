"""Checking CSV files before an import: every bad row, with its file, line, column and a fix.

:func:`check_file` reads a people, assessments or learning-assignments file, or a Moodle
competency framework file, as the ``csv`` adapter's pull (and Moodle's importer) would,
imports nothing, and lists every problem, not only the first, each with what to do about
it. Without a kind, the kind is told from the header (a framework file has Moodle's 14
columns, or a name ending in ``.moodle.csv``; a table, the required columns of one kind).
``competency csv check`` (:mod:`competency_csv.cli`) prints the result.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from competency_core.errors import Problem
from competency_core.people import AssignmentStatus, RaterType
from competency_csv.client import CsvReadError, read_records
from competency_csv.learning import ASSIGNMENTS
from competency_csv.model.framework_file import MOODLE_HEADER
from competency_csv.model.pull import check_framework
from competency_csv.people import PEOPLE
from competency_csv.ratings import ASSESSMENTS
from competency_csv.settings import CsvDialect
from competency_csv.tables import TableSpec, check_rows, resolve_header

Kind = Literal["people", "assessments", "assignments", "framework"]
KINDS: tuple[Kind, ...] = ("people", "assessments", "assignments", "framework")
"""What a file may hold."""

TABLES: dict[Kind, TableSpec[Any]] = {
    "assessments": ASSESSMENTS,
    "assignments": ASSIGNMENTS,
    "people": PEOPLE,
}
"""The table of each kind but ``framework``, in the order the header is tried against."""

_DATE_COLUMNS = frozenset({"date", "expires", "assigned", "due", "completed"})
_KEY = "a key: letters, digits and . _ - : / (starting with a letter or digit), e.g. 'ann-lee'"
_ENUMS: dict[str, tuple[str, str]] = {
    "rater_type": (", ".join(t.value for t in RaterType), RaterType.MANAGER.value),
    "status": (", ".join(s.value for s in AssignmentStatus), AssignmentStatus.ASSIGNED.value),
}
_FRAMEWORK_COLUMNS = {
    "ID number": "give the row its own ID number, " + _KEY,
    "Parent ID number": "write the ID number of a competency row of the file, or leave the "
    "cell empty for a competency at the top",
    "Short name": "give the row a short name (at most 100 characters)",
    "Scale values": "give at least two scale items, comma-separated, and a scale configuration",
    "Scale configuration": 'write it as Moodle exports it, e.g. [{"scaleid":"0"},'
    '{"id":1,"scaledefault":0,"proficient":0},{"id":2,"scaledefault":1,"proficient":1}]',
    "Is framework": "write 1 on the framework row and leave the cell empty on competency rows",
}


@dataclass(frozen=True)
class Finding:
    """A problem of a file, with what to do about it (``hint``, None when the message says)."""

    problem: Problem
    hint: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The finding as JSON: file, line, column, severity, message, hint."""
        p = self.problem
        return {
            "file": p.file,
            "line": p.line,
            "column": p.path or None,
            "severity": p.severity,
            "message": p.message,
            "hint": self.hint,
        }


@dataclass
class FileCheck:
    """What checking one file found.

    ``readable`` is False when the file could not be checked at all: it cannot be opened
    or decoded, or its kind could not be told from its header.
    """

    file: str
    kind: Kind | None
    rows: int = 0
    findings: list[Finding] = field(default_factory=list)
    readable: bool = True

    @property
    def errors(self) -> int:
        """The number of errors (warnings are not counted)."""
        return sum(1 for f in self.findings if f.problem.severity == "error")

    @property
    def bad_lines(self) -> int:
        """The number of lines with at least one error."""
        return len({f.problem.line for f in self.findings if f.problem.severity == "error"})

    @property
    def ok(self) -> bool:
        """Whether the file was read and has no error."""
        return self.readable and not self.errors

    def to_dict(self) -> dict[str, Any]:
        """The check as JSON."""
        return {
            "file": self.file,
            "kind": self.kind,
            "rows": self.rows,
            "readable": self.readable,
            "ok": self.ok,
            "errors": self.errors,
            "findings": [f.to_dict() for f in self.findings],
        }


def hint(problem: Problem, kind: Kind | None) -> str | None:
    """What to do about ``problem`` of a ``kind`` file (None when its message says it)."""
    msg, column = problem.message, problem.path
    if msg.startswith("cannot read"):
        return "check the path and that the file may be read"
    if msg.startswith(("not ", "truncated ")) and " text" in msg:
        return "give the file's encoding, e.g. --encoding cp1252 (Excel on Windows) or latin-1"
    if msg.startswith("bad CSV quoting"):
        return 'close the quoted cell with a ", and write a quote inside a quoted cell as ""'
    if "but the header has" in msg:
        return 'put the cell holding the delimiter in quotes ("a, b"), or check --delimiter'
    if msg.startswith("missing column"):
        return "rename the file's columns, or map them: --map 'Employee ID=id'"
    if "repeats column" in msg:
        return "remove or rename one of the two columns"
    if msg.startswith("another row has the same"):
        return "remove the repeated row, or correct the one that is wrong"
    if "(check the delimiter)" in msg or msg.startswith("cannot tell"):
        return "give the delimiter (--delimiter ';', or auto) or the kind (--kind)"
    if kind == "framework":
        return _FRAMEWORK_COLUMNS.get(column)
    own, name = column, column
    if column.endswith(")") and " (" in column:  # the file's own name (ours)
        own, _, name = column[:-1].rpartition(" (")
    if msg == "required, but empty":
        return f"fill in the {own} cell, or remove the row"
    if name in _DATE_COLUMNS:
        return "write the date as YYYY-MM-DD, e.g. 2026-03-01"
    if name == "level":
        return "write the level as a whole number on the competency's scale, e.g. 3"
    if name in _ENUMS:
        values, default = _ENUMS[name]
        return f"use one of {values}, or leave the cell empty ({default})"
    if "not a valid key" in msg:
        return "write " + _KEY
    return None


def sniff_kind(
    path: str | os.PathLike[str], dialect: CsvDialect, header_map: Mapping[str, str]
) -> Kind | None:
    """The kind of a file, told from its name and header (None when it cannot be told)."""
    if str(path).endswith(".moodle.csv"):
        return "framework"
    header = next(read_records(path, dialect, []), None)
    if header is None:
        return None
    if len(header.cells) >= len(MOODLE_HEADER) - 1:
        return "framework"
    for kind, spec in TABLES.items():
        problems: list[Problem] = []
        resolved = resolve_header(spec, header, header_map, str(path), problems)
        if all(c in resolved.canonical for c in spec.required):
            return kind
    return None


def check_file(
    path: str | os.PathLike[str],
    kind: Kind | None = None,
    dialect: CsvDialect | None = None,
    header_map: Mapping[str, str] | None = None,
) -> FileCheck:
    """Check one file (of ``kind``, else the kind its header shows); nothing is imported."""
    dialect = dialect or CsvDialect()
    header_map = header_map or {}
    file = str(path)
    result = FileCheck(file=file, kind=kind)
    try:
        if result.kind is None:
            result.kind = sniff_kind(path, dialect, header_map)
        if result.kind is None:
            result.readable = False
            problem = Problem(
                path="",
                message="cannot tell whether the file holds people, assessments, assignments "
                "or a Moodle competency framework from its header",
                file=file,
                line=1 if Path(path).stat().st_size else None,
            )
            result.findings = [Finding(problem, hint(problem, None))]
            return result
        if result.kind == "framework":
            result.rows, problems = check_framework(path, dialect)
        else:
            spec = TABLES[result.kind]
            result.rows, problems = check_rows(path, spec, dialect, header_map=header_map)
    except CsvReadError as exc:
        result.readable = False
        problems = list(exc.problems)
    except OSError as exc:
        result.readable = False
        problems = [Problem(path="", message=f"cannot read: {exc.strerror}", file=file)]
    result.findings = [Finding(p, hint(p, result.kind)) for p in problems]
    return result


__all__ = ["KINDS", "TABLES", "FileCheck", "Finding", "Kind", "check_file", "hint", "sniff_kind"]
