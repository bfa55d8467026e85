"""Moodle's competency framework file (the format of the tool_lpimportcsv import/export tool).

One file holds one framework: a framework row (``Is framework`` = 1, with the scale and its
configuration) and one row per competency, the hierarchy given by ``Parent ID number``.
Columns are read by position (Moodle translates the header), as Moodle does. The format is
described in ``../shared/moodle/lpimportcsv_format.md``.

This module is the file itself, for both directions: the columns and their cells
(:func:`row_cells`, :func:`row_data`), reading a file into rows with the problems found
(:func:`read_framework_file`) and its rows as sync objects (:func:`remote_objects`),
writing rows parents first (:func:`ordered_rows`, :func:`write_framework_file`), and
:class:`FrameworkTable`, a file being changed by a sync's apply. What a model becomes is
:mod:`competency_csv.model.push`; a file back into a model, :mod:`competency_csv.model.pull`.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import JsonValue

from competency_core.errors import Problem
from competency_core.parsing import LoadLimits, parse_json
from competency_core.sync.objects import ObjectRef, RemoteObject
from competency_csv.client import read_records, write_records
from competency_csv.settings import CsvDialect

MOODLE_HEADER: tuple[str, ...] = (
    "Parent ID number",
    "ID number",
    "Short name",
    "Description",
    "Description format",
    "Scale values",
    "Scale configuration",
    "Rule type (optional)",
    "Rule outcome (optional)",
    "Rule config (optional)",
    "Cross-referenced competency ID numbers",
    "Exported ID (optional)",
    "Is framework",
    "Taxonomy",
)
"""The header row of the English language pack, in Moodle's column order."""

TAXONOMY_TERMS = frozenset(
    [
        "behaviour",
        "competency",
        "concept",
        "domain",
        "indicator",
        "level",
        "outcome",
        "practice",
        "proficiency",
        "skill",
        "value",
    ]
)
"""The taxonomy terms Moodle knows (one per level of a framework's hierarchy)."""
SHORTNAME_MAX = 100
"""The longest short name Moodle keeps."""
HTML_FORMAT, PLAIN_FORMAT = 1, 2
"""Two of Moodle's description formats (all: :data:`.settings.DESCRIPTION_FORMATS`)."""
(PARENT, IDNUMBER, SHORTNAME, DESCRIPTION, DESCFORMAT, SCALEVALUES, SCALECONFIG) = range(7)
RULETYPE, RULEOUTCOME, RULECONFIG, RELATED, EXPORTID, ISFRAMEWORK, TAXONOMY = range(7, 14)

FRAMEWORK = "framework"
COMPETENCY = "competency"


MULTILANG_SPAN = re.compile(
    r'<span\s+(?:lang="(?P<l1>[A-Za-z0-9_-]+)"\s+class="multilang"|'
    r'class="multilang"\s+lang="(?P<l2>[A-Za-z0-9_-]+)")\s*>(?P<text>.*?)</span>',
    re.S,
)
"""A Moodle multi-language span: ``<span lang="sv" class="multilang">text</span>``."""


def parse_text(value: str) -> str | dict[str, str]:
    """A cell's text: a ``{language: text}`` mapping when it is all multi-language spans."""
    spans = list(MULTILANG_SPAN.finditer(value))
    if spans and "".join(m.group(0) for m in spans) == value.strip():
        out: dict[str, str] = {}
        for m in spans:
            lang = (m.group("l1") or m.group("l2")).replace("_", "-")
            out.setdefault(lang, html.unescape(m.group("text")))
        return out
    return value


@dataclass
class FrameworkRow:
    """One row of a framework file: its line, its 14 cells, and its kind and key."""

    line: int
    cells: list[str]

    @property
    def idnumber(self) -> str:
        """The row's ID number."""
        return self.cells[IDNUMBER].strip()

    @property
    def is_framework(self) -> bool:
        """PHP truthiness, as the importer tests it."""
        return self.cells[ISFRAMEWORK].strip() not in ("", "0")

    @property
    def kind(self) -> str:
        """``framework`` or ``competency``."""
        return FRAMEWORK if self.is_framework else COMPETENCY


def _config_cell(config: JsonValue) -> str:
    if config is None:
        return ""
    return (
        json.dumps([{"scaleid": "0"}, *config], separators=(",", ":"))
        if isinstance(config, list)
        else ""
    )


def row_cells(
    kind: str, key: str, data: dict[str, JsonValue], old: Sequence[str] | None
) -> list[str]:
    """The 14 cells of a row holding ``data`` (cells the data does not cover kept from ``old``)."""
    cells = (
        list(old)
        if old is not None
        else ["", "", "", "", "", "", "", "", "0", "null", "", "", "", ""]
    )
    if old is None and kind == FRAMEWORK:
        cells[RULEOUTCOME] = cells[RULECONFIG] = ""
    cells[IDNUMBER] = key
    cells[SHORTNAME] = str(data.get("shortname") or "")
    cells[DESCRIPTION] = str(data.get("description") or "")
    cells[DESCFORMAT] = str(data.get("descriptionformat", 2))
    cells[SCALEVALUES] = str(data.get("scalevalues") or "")
    cells[SCALECONFIG] = _config_cell(data.get("scaleconfiguration"))
    if kind == FRAMEWORK:
        cells[PARENT] = ""
        cells[ISFRAMEWORK] = "1"
        cells[TAXONOMY] = str(data.get("taxonomies") or "")
        cells[RELATED] = ""
    else:
        cells[PARENT] = str(data.get("parent") or "")
        cells[ISFRAMEWORK] = ""
        cells[TAXONOMY] = ""
        related = data.get("related") or []
        cells[RELATED] = (
            ",".join(str(r).replace(",", "%2C") for r in related)
            if isinstance(related, list)
            else ""
        )
    return cells


_CELL_LIMITS = LoadLimits(max_depth=8)
"""A scale configuration is an array of flat objects: anything deeper is refused unread."""


def _parse_config(cell: str) -> list[JsonValue] | None:
    if not cell.strip():
        return None
    raw, problems = parse_json(cell, limits=_CELL_LIMITS)
    if problems:
        reason = problems[0].message.removeprefix("invalid JSON: ")
        raise ValueError(f"the scale configuration is not JSON ({reason})")
    if not isinstance(raw, list) or not all(isinstance(i, dict) for i in raw):
        raise ValueError("the scale configuration must be a JSON array of objects")
    items = [i for i in raw if "scaleid" not in i]
    parsed: list[tuple[int, int, int]] = []
    for item in items:
        try:
            parsed.append(
                (
                    int(item["id"]),
                    int(bool(int(item.get("scaledefault") or 0))),
                    int(bool(int(item.get("proficient") or 0))),
                )
            )
        except (KeyError, TypeError, ValueError, OverflowError):
            shown = json.dumps(item)[:80]
            raise ValueError(f"the scale configuration item {shown} needs a numeric id") from None
    return [{"id": i, "scaledefault": d, "proficient": p} for i, d, p in sorted(parsed)]


def row_data(row: FrameworkRow) -> dict[str, JsonValue]:
    """The data of a row, as :func:`.push.framework_objects` gives it (ValueError if bad)."""
    c = row.cells
    try:
        fmt = int(c[DESCFORMAT].strip() or "0")
    except ValueError:
        raise ValueError(f"the description format {c[DESCFORMAT]!r} is not a number") from None
    data: dict[str, JsonValue] = {
        "shortname": c[SHORTNAME].strip(),
        "description": c[DESCRIPTION],
        "descriptionformat": fmt,
        "scalevalues": c[SCALEVALUES].strip(),
        "scaleconfiguration": _parse_config(c[SCALECONFIG]),
    }
    if row.is_framework:
        data["taxonomies"] = c[TAXONOMY].strip()
    else:
        data = {"parent": c[PARENT].strip() or None, **data}
        data["related"] = [
            r.strip().replace("%2C", ",") for r in c[RELATED].split(",") if r.strip()
        ]
    return data


@dataclass
class FrameworkFile:
    """A framework file read into rows, with the problems found (reading does not stop)."""

    path: Path
    rows: list[FrameworkRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, line: int, message: str, column: str = "") -> None:
        """Add a problem at ``line``."""
        self.problems.append(Problem(path=column, message=message, file=str(self.path), line=line))


def read_framework_file(path: str | os.PathLike[str], dialect: CsvDialect) -> FrameworkFile:
    """Read a framework file's rows (the first line is the header, as in Moodle)."""
    out = FrameworkFile(Path(path))
    records = read_records(path, dialect, out.problems)
    header = next(records, None)
    if header is None:
        return out
    if len(header.cells) < len(MOODLE_HEADER) - 1:
        out.problem(
            header.line,
            f"{len(header.cells)} columns; a Moodle competency framework "
            f"file has {len(MOODLE_HEADER)} (check the delimiter)",
        )
        return out
    for rec in records:
        cells = list(rec.cells)
        if len(cells) < len(MOODLE_HEADER) - 1:
            out.problem(rec.line, f"{len(cells)} cells, expected {len(MOODLE_HEADER)}")
            continue
        cells += [""] * (len(MOODLE_HEADER) - len(cells))
        out.rows.append(FrameworkRow(line=rec.line, cells=cells[: len(MOODLE_HEADER)]))
    return out


def remote_objects(file: FrameworkFile) -> Iterator[RemoteObject]:
    """The framework and competencies of a file as sync objects (bad rows add problems)."""
    fw_key = next((r.idnumber for r in file.rows if r.is_framework), None)
    for row in file.rows:
        if not row.idnumber:
            file.problem(row.line, "the ID number is empty (Moodle skips the row)", "ID number")
            continue
        try:
            data = row_data(row)
        except ValueError as exc:
            file.problem(row.line, str(exc))
            continue
        deps: list[ObjectRef] = []
        if not row.is_framework:
            if fw_key:
                deps.append(ObjectRef(kind=FRAMEWORK, key=fw_key))
            if data.get("parent"):
                deps.append(ObjectRef(kind=COMPETENCY, key=str(data["parent"])))
        yield RemoteObject(
            kind=row.kind,
            key=row.idnumber,
            remote_id=row.idnumber,
            data=data,
            depends_on=tuple(deps),
        )


def ordered_rows(rows: Iterable[tuple[str, str, list[str]]]) -> list[list[str]]:
    """Rows to write: the framework first, then competencies depth-first (keeping sibling order)."""
    items = list(rows)
    frameworks = [cells for kind, _, cells in items if kind == FRAMEWORK]
    comps = [(key, cells) for kind, key, cells in items if kind == COMPETENCY]
    keys = {k for k, _ in comps}
    children: dict[str, list[tuple[str, list[str]]]] = {}
    for key, cells in comps:
        parent = cells[PARENT].strip()
        children.setdefault(parent if parent in keys else "", []).append((key, cells))
    out: list[list[str]] = list(frameworks)
    done: set[str] = set()

    def walk(parent: str) -> None:
        for key, cells in children.get(parent, []):
            if key in done:
                continue
            done.add(key)
            out.append(cells)
            walk(key)

    walk("")
    out += [cells for key, cells in comps if key not in done]  # cycles: kept, in file order
    return out


def write_framework_file(
    path: str | os.PathLike[str], rows: Iterable[list[str]], dialect: CsvDialect
) -> None:
    """Write a framework file: the English header, then ``rows``."""
    write_records(path, [list(MOODLE_HEADER), *rows], dialect)


class FrameworkTable:
    """A framework file being changed: rows by (kind, key), bad rows kept as they are."""

    def __init__(self, path: Path, dialect: CsvDialect) -> None:
        self.path = path
        self.dialect = dialect
        self.rows: dict[tuple[str, str], list[str]] = {}
        self.kept: list[list[str]] = []
        if path.exists():
            file = read_framework_file(path, dialect)
            good = {(o.kind, o.key) for o in remote_objects(file)}
            for row in file.rows:
                ident = (row.kind, row.idnumber)
                if ident in good and ident not in self.rows:
                    self.rows[ident] = row.cells
                else:
                    self.kept.append(row.cells)

    def put(self, kind: str, key: str, data: dict[str, JsonValue]) -> None:
        """Set the row of ``kind`` ``key`` to ``data`` (its other cells kept)."""
        self.rows[(kind, key)] = row_cells(kind, key, data, self.rows.get((kind, key)))

    def rename(self, kind: str, old: str, new: str) -> None:
        """Give the row of ``old`` the key ``new`` (its other cells kept)."""
        if (kind, old) in self.rows and (kind, new) not in self.rows:
            self.rows[(kind, new)] = self.rows.pop((kind, old))

    def remove(self, kind: str, key: str) -> None:
        """Remove the row of ``kind`` ``key``."""
        self.rows.pop((kind, key), None)

    def write(self) -> None:
        """Write the file (parents first, then the rows kept as they were), atomically."""
        rows = ordered_rows((kind, key, cells) for (kind, key), cells in self.rows.items())
        write_framework_file(self.path, rows + self.kept, self.dialect)


__all__ = [
    "COMPETENCY",
    "FRAMEWORK",
    "HTML_FORMAT",
    "MOODLE_HEADER",
    "MULTILANG_SPAN",
    "PLAIN_FORMAT",
    "SHORTNAME_MAX",
    "TAXONOMY_TERMS",
    "FrameworkFile",
    "FrameworkRow",
    "FrameworkTable",
    "ordered_rows",
    "parse_text",
    "read_framework_file",
    "remote_objects",
    "row_cells",
    "row_data",
    "write_framework_file",
]
