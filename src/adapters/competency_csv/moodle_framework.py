"""Moodle's competency framework CSV (the format of the tool_lpimportcsv import/export tool).

One file holds one framework: a framework row (``Is framework`` = 1, with the scale and its
configuration) and one row per competency, the hierarchy given by ``Parent ID number``.
Columns are read by position (Moodle translates the header), as Moodle does. The format is
described in ``../shared/moodle/lpimportcsv_format.md``.

What a competency-core model becomes:

* the model's key, name and description make the framework (idnumber, short name,
  description); its most used scale is the framework's scale, written as Moodle's scale
  items (the level labels, comma-separated) and configuration (the proficient level is the
  default, it and every level above are proficient);
* each competency becomes a row (idnumber = key, short name = name, description =
  definition), parents before children; a competency on another scale carries its own;
  related competencies are the cross-referenced idnumbers;
* texts are written in one language (``language``, default the model's), or with
  ``multilang`` as Moodle multi-language spans (``<span lang="sv" class="multilang">``),
  which the multi-language filter shows in the reader's language (a description with
  spans is written as HTML, since Moodle shows plain text escaped, tags and all). Short
  names are cut to Moodle's 100 characters (with a warning). Roles, indicators and level
  values are not part of the format.

Importing reverses this: scales get levels 1..n (Moodle's item numbers), and the first
proficient item is the proficient level. Rows Moodle would drop silently (an unknown
parent, an empty idnumber or short name) are reported with their line instead.
"""

from __future__ import annotations

import html
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator

from competency_core.errors import Problem
from competency_core.model import CompetencyModel
from competency_core.parsing import LoadLimits, parse_json
from competency_core.scales import ProficiencyScale
from competency_core.sync.objects import LocalObject, ObjectRef, RemoteObject
from competency_core.text import LocalizedText
from competency_csv.csvio import CsvDialect, escape_formula, read_records, write_records

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
SHORTNAME_MAX = 100
DESCRIPTION_FORMATS = {0: "moodle", 1: "html", 2: "plain", 4: "markdown"}
HTML_FORMAT, PLAIN_FORMAT = 1, 2
(PARENT, IDNUMBER, SHORTNAME, DESCRIPTION, DESCFORMAT, SCALEVALUES, SCALECONFIG) = range(7)
RULETYPE, RULEOUTCOME, RULECONFIG, RELATED, EXPORTID, ISFRAMEWORK, TAXONOMY = range(7, 14)

FRAMEWORK = "framework"
COMPETENCY = "competency"


class FrameworkOptions(BaseModel):
    """How texts are written to a framework file."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    language: str | None = Field(
        default=None, description="The language to write texts in (default: the model's)."
    )
    multilang: bool = Field(
        default=False, description="Write translated texts as Moodle multi-language spans."
    )
    description_format: int = Field(
        default=2, description="Moodle's description format: 0 moodle, 1 HTML, 2 plain, 4 Markdown."
    )

    @field_validator("description_format")
    @classmethod
    def _known_format(cls, value: int) -> int:
        if value not in DESCRIPTION_FORMATS:
            raise ValueError(f"use one of {sorted(DESCRIPTION_FORMATS)} (1 HTML, 2 plain, ...)")
        return value


# -- texts -----------------------------------------------------------------------------

_SPAN = re.compile(
    r'<span\s+(?:lang="(?P<l1>[A-Za-z0-9_-]+)"\s+class="multilang"|'
    r'class="multilang"\s+lang="(?P<l2>[A-Za-z0-9_-]+)")\s*>(?P<text>.*?)</span>',
    re.S,
)


def render_text(
    model: CompetencyModel, value: LocalizedText | None, options: FrameworkOptions
) -> str:
    """A text as one string: one language, or multi-language spans when asked and translated."""
    if value is None:
        return ""
    root = value.root
    if options.multilang and isinstance(root, dict) and len(root) > 1:
        order = [lang for lang in model.all_languages() if lang in root]
        order += [lang for lang in root if lang not in order]
        return "".join(
            f'<span lang="{lang.replace("-", "_").lower()}" class="multilang">'
            f"{html.escape(root[lang], quote=False)}</span>"
            for lang in order
        )
    return model.text(value, options.language)


def parse_text(value: str) -> str | dict[str, str]:
    """A cell's text: a ``{language: text}`` mapping when it is all multi-language spans."""
    spans = list(_SPAN.finditer(value))
    if spans and "".join(m.group(0) for m in spans) == value.strip():
        out: dict[str, str] = {}
        for m in spans:
            lang = (m.group("l1") or m.group("l2")).replace("_", "-")
            out.setdefault(lang, html.unescape(m.group("text")))
        return out
    return value


# -- model -> objects ------------------------------------------------------------------


def _scale_cells(
    scale: ProficiencyScale,
    model: CompetencyModel,
    options: FrameworkOptions,
    warn: Callable[[str], None],
) -> tuple[str, list[JsonValue]]:
    labels = []
    for level in scale.levels:
        label = render_text(model, level.label, options).strip()
        if "," in label:
            warn(
                f"scale {scale.key!r}: the label {label!r} has a comma, which Moodle reads as "
                "a separator between scale items; written with '‚' (U+201A) instead"
            )
            label = label.replace(",", "\u201a")
        labels.append(label)
    config: list[JsonValue] = [
        {
            "id": i,
            "scaledefault": int(level.value == scale.proficient),
            "proficient": int(level.value >= scale.proficient),
        }
        for i, level in enumerate(scale.levels, 1)
    ]
    return ",".join(labels), config


def _shortname(
    model: CompetencyModel,
    value: LocalizedText,
    options: FrameworkOptions,
    what: str,
    warn: Callable[[str], None],
) -> str:
    text = render_text(model, value, options).strip()
    single = model.text(value, options.language).strip()
    if len(text) > SHORTNAME_MAX and text != single:
        text = single
        warn(
            f"{what}: the translated name is longer than Moodle's {SHORTNAME_MAX} characters; "
            "written in one language"
        )
    if len(text) > SHORTNAME_MAX:
        warn(f"{what}: the name is longer than Moodle's {SHORTNAME_MAX} characters; shortened")
        text = text[: SHORTNAME_MAX - 1].rstrip() + "…"
    return text


def framework_scale(model: CompetencyModel) -> ProficiencyScale:
    """The scale a framework is given: the one most competencies use (else the first)."""
    used = Counter(c.scale for c in model.competencies)
    if not used:
        return model.scales[0]
    order = {s.key: i for i, s in enumerate(model.scales)}
    best = min(used, key=lambda k: (-used[k], order.get(k, 0)))
    return model.scale(best)


def depth_first(model: CompetencyModel) -> list[str]:
    """Competency keys with every parent before its children, siblings in model order."""
    out: list[str] = []

    def walk(parent: str | None) -> None:
        for c in model.children(parent):
            out.append(c.key)
            walk(c.key)

    walk(None)
    return out


def _taxonomies(model: CompetencyModel, warn: Callable[[str], None]) -> str:
    given = model.metadata.extra.get("moodle_taxonomies")
    if isinstance(given, str) and given:
        terms = [t.strip() for t in given.split(",")]
        if all(t in TAXONOMY_TERMS for t in terms):
            return ",".join(terms)
        warn(
            f"metadata.extra.moodle_taxonomies {given!r} has terms Moodle does not know; "
            "written as 'competency' for every level"
        )
    depth = 1
    parents = {c.key: c.parent for c in model.competencies}
    for key in parents:
        d, p = 1, parents[key]
        while p is not None and d <= len(parents):
            d, p = d + 1, parents.get(p)
        depth = max(depth, d)
    return ",".join(["competency"] * depth)


def _description(
    model: CompetencyModel, value: LocalizedText | None, options: FrameworkOptions
) -> tuple[str, int]:
    """A description and its Moodle format: spans need HTML (Moodle escapes plain text)."""
    text = render_text(model, value, options)
    fmt = options.description_format
    if fmt == PLAIN_FORMAT and _SPAN.search(text) and text != model.text(value, options.language):
        fmt = HTML_FORMAT
    return text, fmt


def formula_warnings(objects: Iterable[LocalObject]) -> list[str]:
    """Warnings for texts that a spreadsheet-safe file writes with a leading apostrophe.

    Moodle's importer keeps the apostrophe, so such a text would show it in Moodle.
    """
    out = []
    for o in objects:
        for name, value in o.data.items():
            if isinstance(value, str) and escape_formula(value) != value:
                out.append(
                    f"{o.kind} {o.key!r}: the {name} starts with {value[:1]!r}, written with a "
                    "leading apostrophe so that spreadsheets do not run it as a formula; "
                    "Moodle keeps the apostrophe (set escape_formulas=false for a file "
                    "only Moodle reads)"
                )
    return out


def framework_objects(
    model: CompetencyModel, options: FrameworkOptions, warn: Callable[[str], None]
) -> list[LocalObject]:
    """The framework and its competencies as sync objects, parents first."""
    fw_scale = framework_scale(model)
    values, config = _scale_cells(fw_scale, model, options, warn)
    description, fmt = _description(model, model.description, options)
    objects = [
        LocalObject(
            kind=FRAMEWORK,
            key=model.key,
            data={
                "shortname": _shortname(model, model.name, options, "the model", warn),
                "description": description,
                "descriptionformat": fmt,
                "scalevalues": values,
                "scaleconfiguration": config,
                "taxonomies": _taxonomies(model, warn),
            },
        )
    ]
    fw_ref = ObjectRef(kind=FRAMEWORK, key=model.key)
    own_scales: dict[str, tuple[str, list[JsonValue]]] = {}
    for key in depth_first(model):
        c = model.competency(key)
        if c.scale == fw_scale.key:
            scale_values, scale_config = "", None
        else:
            if c.scale not in own_scales:
                own_scales[c.scale] = _scale_cells(model.scale(c.scale), model, options, warn)
            scale_values, scale_config = own_scales[c.scale]
        deps = [fw_ref] + ([ObjectRef(kind=COMPETENCY, key=c.parent)] if c.parent else [])
        description, fmt = _description(model, c.definition, options)
        objects.append(
            LocalObject(
                kind=COMPETENCY,
                key=c.key,
                data={
                    "parent": c.parent,
                    "shortname": _shortname(model, c.name, options, f"competency {c.key!r}", warn),
                    "description": description,
                    "descriptionformat": fmt,
                    "scalevalues": scale_values,
                    "scaleconfiguration": scale_config,
                    "related": list(c.related),
                },
                depends_on=tuple(deps),
            )
        )
    return objects


# -- rows <-> data -----------------------------------------------------------------------


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
    """The data of a row, in the shape :func:`framework_objects` gives (ValueError if bad)."""
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


def export_framework(
    model: CompetencyModel,
    path: str | os.PathLike[str],
    dialect: CsvDialect | None = None,
    options: FrameworkOptions | None = None,
) -> list[str]:
    """Write a model as a framework file that Moodle imports; returns the warnings."""
    warnings: list[str] = []
    dialect = dialect or CsvDialect()
    objects = framework_objects(model, options or FrameworkOptions(), warnings.append)
    if dialect.escape_formulas:
        warnings += formula_warnings(objects)
    rows = [(o.kind, o.key, row_cells(o.kind, o.key, o.data, None)) for o in objects]
    write_framework_file(path, ordered_rows(rows), dialect)
    return warnings


__all__ = [
    "COMPETENCY",
    "DESCRIPTION_FORMATS",
    "FRAMEWORK",
    "MOODLE_HEADER",
    "TAXONOMY_TERMS",
    "FrameworkFile",
    "FrameworkOptions",
    "FrameworkRow",
    "depth_first",
    "export_framework",
    "formula_warnings",
    "framework_objects",
    "framework_scale",
    "ordered_rows",
    "parse_text",
    "read_framework_file",
    "remote_objects",
    "render_text",
    "row_cells",
    "row_data",
    "write_framework_file",
]
