"""The model as an XLSX workbook (xlsxwriter), for the people who live in Excel.

Sheets, in order: a cover (model, version, status, approvals, changelog, contents), the
competency dictionary (hierarchy, definitions, indicators per level), the scales, the
role x competency matrix of required levels (heat colouring, frozen panes), the assessment
guide, one sheet per role profile and, when a workforce is given, gap sheets (see
:mod:`competency_core.publish.xlsx_gaps`).

Every text is written with ``write_string`` (see :mod:`competency_core.publish.sheets`): a
cell starting with ``=``, ``+``, ``-`` or ``@`` is never a formula. Large models are
written in xlsxwriter's constant-memory mode, row by row.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter

from competency_core.competencies import BehaviouralIndicator
from competency_core.errors import CompetencyError
from competency_core.io import replaced_atomically
from competency_core.model import CompetencyModel
from competency_core.people import Workforce
from competency_core.publish.guides import ASSESSMENT_STEPS, RATER_GUIDANCE
from competency_core.publish.outline import ModelOutline
from competency_core.publish.sheets import SheetNames, SheetWriter, internal_link

CONSTANT_MEMORY_CELLS = 100_000
"""Above this many matrix cells (competencies x roles) the workbook uses constant memory."""

MATRIX_SHEET = "Matrix"
DICTIONARY_SHEET = "Competencies"
SCALES_SHEET = "Scales"
COVER_SHEET = "Cover"
GUIDE_SHEET = "Assessment guide"
MATRIX_HEADER_ROWS = 4
"""Rows above the matrix data: title, legend, role titles, role keys (keys on row 4)."""

_FORMATS: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "font_size": 16},
    "subtitle": {"bold": True, "font_size": 12},
    "header": {
        "bold": True,
        "bg_color": "#DDE4EE",
        "border": 1,
        "text_wrap": True,
        "valign": "top",
    },
    "header_rot": {
        "bold": True,
        "bg_color": "#DDE4EE",
        "border": 1,
        "rotation": 90,
        "valign": "bottom",
        "align": "center",
    },
    "key_small": {"font_color": "#666666", "font_size": 8, "rotation": 90, "align": "center"},
    "label": {"bold": True, "valign": "top"},
    "strong": {"bold": True, "text_wrap": True, "valign": "top"},
    "wrap": {"text_wrap": True, "valign": "top"},
    "muted": {"font_color": "#666666", "italic": True, "text_wrap": True, "valign": "top"},
    "note": {"font_color": "#666666", "italic": True},
    "link": {"font_color": "#1F4E9A", "underline": 1, "valign": "top"},
    "essential": {"bold": True, "align": "center", "border": 1, "border_color": "#BBBBBB"},
    "desirable": {
        "italic": True,
        "font_color": "#555555",
        "align": "center",
        "border": 1,
        "border_color": "#BBBBBB",
    },
    "number": {"align": "center", "valign": "top"},
    "percent": {"num_format": "0%", "align": "center", "valign": "top"},
    "date": {"num_format": "yyyy-mm-dd", "align": "left", "valign": "top"},
}
for _depth in range(1, 8):
    _FORMATS[f"indent{_depth}"] = {
        "indent": _depth,
        "align": "left",
        "text_wrap": True,
        "valign": "top",
    }


@dataclass
class WorkbookSummary:
    """What :func:`write_workbook` wrote: the file, its sheets, and how."""

    path: Path
    sheets: list[str] = field(default_factory=list)
    role_sheets: dict[str, str] = field(default_factory=dict)
    person_sheets: dict[str, str] = field(default_factory=dict)
    constant_memory: bool = False
    notes: list[str] = field(default_factory=list)


def _indicator_lines(outline: ModelOutline, indicators: tuple[BehaviouralIndicator, ...]) -> str:
    lines = []
    for ind in indicators:
        line = "• " + outline.text(ind.text)
        if ind.track:
            line += f" [{ind.track}]"
        lines.append(line)
    return "\n".join(lines)


class _Workbook:
    def __init__(
        self,
        model: CompetencyModel,
        path: Path,
        *,
        language: str | None,
        constant_memory: bool,
        changelog: str | None,
    ) -> None:
        self.outline = ModelOutline(model, language)
        self.model = model
        self.changelog = changelog
        self.book = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": constant_memory,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "tmpdir": str(path.parent),
            },
        )
        self.formats = {k: self.book.add_format(v) for k, v in _FORMATS.items()}
        self.names = SheetNames()
        self.summary = WorkbookSummary(path=path, constant_memory=constant_memory)
        # names first, so the cover's contents can link to every sheet
        self.cover = self.names.make(COVER_SHEET)
        self.dictionary = self.names.make(DICTIONARY_SHEET)
        self.scales = self.names.make(SCALES_SHEET)
        self.matrix = self.names.make(MATRIX_SHEET)
        self.guide = self.names.make(GUIDE_SHEET)
        for r in model.roles:
            self.summary.role_sheets[r.key] = self.names.make(self.outline.text(r.title) or r.key)

    def sheet(self, name: str) -> SheetWriter:
        ws = self.book.add_worksheet(name)
        self.summary.sheets.append(name)
        return SheetWriter(ws, self.formats)

    # -- cover -------------------------------------------------------------------------------
    def write_cover(self, extra_sheets: list[tuple[str, str]]) -> None:
        m, t = self.model, self.outline.text
        s = self.sheet(self.cover)
        s.page_setup(landscape=False)
        s.columns([24, 60, 30, 30])
        s.line(t(m.name), fmt="title", height=24)
        if m.description is not None:
            s.text(s.row, 0, t(m.description), "wrap", span=4)
            s.row += 1
        s.skip()
        md = m.metadata
        facts: list[tuple[str, str | None]] = [
            ("Model key", m.key),
            ("Version", m.version),
            ("Status", m.status.value),
            ("Owner", md.owner),
            ("Organisation", md.organisation),
            ("Languages", ", ".join(m.all_languages())),
            ("Review date", md.review_date.isoformat() if md.review_date else None),
            ("Licence", md.license),
            ("Source", md.source),
            (
                "Contents",
                f"{len(m.competencies)} competencies, {len(m.roles)} roles, "
                f"{len(m.scales)} scale(s), {len(m.transitions)} career transitions",
            ),
        ]
        for label, value in facts:
            if value:
                r = s.line(label, fmt="label")
                s.text(r, 1, value, "wrap")
        s.skip()
        s.line("Approvals", fmt="subtitle")
        s.line("Approving body", "Approved by", "When", "Comment", fmt="header")
        approved = {a.approver for a in md.approvals}
        for a in md.approvals:
            r = s.line(a.approver, a.by, fmt="wrap")
            s.text(r, 2, a.at.isoformat(timespec="minutes"), "wrap")
            s.text(r, 3, a.comment, "wrap")
        for need in md.required_approvers:
            if need not in approved:
                r = s.line(need, fmt="wrap")
                s.text(r, 1, "pending", "muted")
        if not md.approvals and not md.required_approvers:
            s.line("No approvals recorded.", fmt="muted")
        if md.stakeholders:
            s.skip()
            s.line("Stakeholders", fmt="subtitle")
            s.line("Name", "Role", "E-mail", fmt="header")
            for p in md.stakeholders:
                s.line(p.name, p.role, p.email, fmt="wrap")
        s.skip()
        s.line("Changelog", fmt="subtitle")
        if self.changelog:
            for line in self.changelog.strip().splitlines():
                if line.startswith("#"):
                    s.line(line.lstrip("# ").rstrip(), fmt="label")
                elif line.strip():
                    s.text(s.row, 0, line, "wrap", span=4)
                    s.row += 1
        else:
            s.line("No earlier version was given to compare with.", fmt="muted")
        s.skip()
        s.line("Sheets", fmt="subtitle")
        contents = [
            (
                self.dictionary,
                "Competency dictionary: hierarchy, definitions, indicators per level",
            ),
            (self.scales, "Proficiency scales with level descriptions and behavioural anchors"),
            (self.matrix, "Required level of every role on every competency"),
            (self.guide, "How to assess: steps, raters, evidence"),
            *[
                (sheet, f"Role profile: {self.outline.title(key)}")
                for key, sheet in self.summary.role_sheets.items()
            ],
            *extra_sheets,
        ]
        for sheet, what in contents:
            s.link(s.row, 0, internal_link(sheet), sheet)
            s.text(s.row, 1, what, "wrap")
            s.row += 1
        s.finish()

    # -- dictionary ----------------------------------------------------------------------------
    def write_dictionary(self) -> None:
        o = self.outline
        levels = o.level_values
        s = self.sheet(self.dictionary)
        s.page_setup(repeat_rows=(1, 1))
        fixed = [
            "Key",
            "Competency",
            "Domain",
            "Category",
            "Parent",
            "Scale",
            "Assessed",
            "Definition",
        ]
        tail = ["Related", "References", "Tags"]
        first_level = len(fixed)
        s.columns([22, 30, 13, 16, 20, 12, 9, 48] + [40] * len(levels) + [24] * len(tail))
        s.line(f"Competency dictionary: {o.text(self.model.name)}", fmt="title", height=24)
        header = fixed + [self._level_header(v) for v in levels] + tail
        hr = s.line(*header, fmt="header", height=32)
        s.ws.freeze_panes(hr + 1, 2)
        s.ws.autofilter(hr, 0, hr + max(1, len(o.entries)), len(header) - 1)
        for e in o.entries:
            c = e.competency
            r = s.line(c.key, fmt="wrap")
            s.text(r, 1, o.text(c.name), f"indent{min(e.depth, 7)}" if e.depth else "label")
            s.text(r, 2, c.domain, "wrap")
            s.text(r, 3, c.category, "wrap")
            s.text(r, 4, c.parent, "wrap")
            s.text(r, 5, c.scale, "wrap")
            s.text(r, 6, "yes" if c.assessable else "no", "wrap")
            s.text(r, 7, o.text(c.definition), "wrap")
            for i, v in enumerate(levels):
                described = o.text(c.level_descriptions.get(v))
                bullets = _indicator_lines(o, c.indicators.get(v, ()))
                cell = "\n".join(x for x in (described, bullets) if x)
                s.text(r, first_level + i, cell, "wrap")
            col = first_level + len(levels)
            s.text(r, col, ", ".join(c.related), "wrap")
            s.text(
                r,
                col + 1,
                "\n".join(f"{x.scheme}: {x.label or x.uri}" for x in c.references),
                "wrap",
            )
            s.text(r, col + 2, ", ".join(c.tags), "wrap")
        s.finish()

    def _level_header(self, value: int) -> str:
        labels = {
            self.outline.text(sc.level(value).label)
            for sc in self.model.scales
            if sc.has_level(value)
        }
        return f"Level {value}" + (f": {labels.pop()}" if len(labels) == 1 else "")

    # -- scales ---------------------------------------------------------------------------------
    def write_scales(self) -> None:
        o = self.outline
        s = self.sheet(self.scales)
        s.page_setup()
        s.columns([10, 24, 60, 60, 12])
        s.line("Proficiency scales", fmt="title", height=24)
        for sc in self.model.scales:
            s.skip()
            s.line(f"{o.text(sc.name)} ({sc.key})", fmt="subtitle")
            if sc.description is not None:
                s.text(s.row, 0, o.text(sc.description), "wrap", span=5)
                s.row += 1
            s.text(
                s.row,
                0,
                f"Proficient from level {sc.proficient}: {o.text(sc.level(sc.proficient).label)}",
                "muted",
                span=5,
            )
            s.row += 1
            s.line(
                "Level", "Label", "Description", "Behavioural anchors", "Proficient", fmt="header"
            )
            for lv in sc.levels:
                r = s.line(float(lv.value), fmt="number")
                s.text(r, 1, o.text(lv.label), "label")
                s.text(r, 2, o.text(lv.description), "wrap")
                s.text(r, 3, "\n".join("• " + o.text(a) for a in lv.anchors), "wrap")
                s.text(r, 4, "yes" if lv.value >= sc.proficient else "no", "wrap")
        s.finish()

    # -- matrix ---------------------------------------------------------------------------------
    def write_matrix(self) -> None:
        o, roles = self.outline, self.model.roles
        s = self.sheet(self.matrix)
        s.page_setup(pages_wide=max(1, -(-len(roles) // 40)), repeat_rows=(2, 3))
        s.ws.repeat_columns(0, 1)
        s.ws.set_column(3, 2 + max(1, len(roles)), 6)
        s.columns([22, 36, 12])
        s.line("Required level by role and competency", fmt="title", height=24)
        s.line(
            "Cells give the required level; bold = essential, italic = desirable; "
            "colour from low (light) to high (dark) levels.",
            fmt="note",
        )
        # rotated headers: the row is as tall as the longest title (about 6.5 pt a character)
        longest = max((len(o.text(role.title)) for role in roles), default=10)
        r = s.line(
            "Competency key",
            "Competency",
            "Domain",
            fmt="header",
            height=min(409.0, max(60.0, 6.5 * longest + 14)),
        )
        for j, role in enumerate(roles):
            s.text(r, 3 + j, o.text(role.title), "header_rot")
        longest_key = max((len(role.key) for role in roles), default=10)
        r = s.line(
            "", "role keys", "", fmt="header", height=min(409.0, max(40.0, 4.4 * longest_key + 12))
        )
        for j, role in enumerate(roles):
            s.text(r, 3 + j, role.key, "key_small")
        s.ws.freeze_panes(MATRIX_HEADER_ROWS, 3)
        by_comp = o.requirements_by_competency
        first = s.row
        for e in o.entries:
            c = e.competency
            r = s.line(c.key, fmt="wrap")
            s.text(r, 1, o.text(c.name), f"indent{min(e.depth, 7)}" if e.depth else "wrap")
            s.text(r, 2, c.domain, "wrap")
            reqs = by_comp.get(c.key, {})
            for j, role in enumerate(roles):
                q = reqs.get(role.key)
                if q is not None:
                    s.number(r, 3 + j, q.level, "essential" if q.essential else "desirable")
        if roles and o.entries:
            s.ws.conditional_format(
                first,
                3,
                s.row - 1,
                2 + len(roles),
                {
                    "type": "3_color_scale",
                    "min_color": "#EAF2FB",
                    "mid_color": "#A9C6EA",
                    "max_color": "#4F81C7",
                },
            )
        s.finish()

    # -- assessment guide -------------------------------------------------------------------------
    def write_guide(self) -> None:
        o = self.outline
        s = self.sheet(self.guide)
        s.page_setup(landscape=False)
        s.columns([26, 90])
        s.line("How to assess", fmt="title", height=24)
        s.text(
            s.row,
            0,
            f"Assessments rate a person on a competency of {o.text(self.model.name)} using "
            "the competency's scale and its behavioural indicators.",
            "wrap",
            span=2,
        )
        s.row += 1
        s.skip()
        s.line("Steps", fmt="subtitle")
        for i, (step, detail) in enumerate(ASSESSMENT_STEPS, 1):
            r = s.line(f"{i}. {step}", fmt="strong")
            s.text(r, 1, detail, "wrap")
        s.skip()
        s.line("Who rates", fmt="subtitle")
        s.line("Rater type", "What to know", fmt="header")
        for rater, text in RATER_GUIDANCE:
            s.line(rater, text, fmt="wrap")
        s.skip()
        s.line("Levels", fmt="subtitle")
        for sc in self.model.scales:
            s.line(
                f"{o.text(sc.name)}: proficient from {o.text(sc.level(sc.proficient).label)}",
                fmt="label",
            )
            for lv in sc.levels:
                r = s.line(f"{lv.value} {o.text(lv.label)}", fmt="wrap")
                s.text(r, 1, o.text(lv.description), "wrap")
        s.finish()

    # -- role profiles ------------------------------------------------------------------------------
    def write_roles(self) -> None:
        o = self.outline
        for role in self.model.roles:
            s = self.sheet(self.summary.role_sheets[role.key])
            s.page_setup()
            s.columns([22, 32, 9, 16, 11, 8, 60, 30])
            s.line(o.text(role.title), fmt="title", height=24)
            s.link(s.row, 0, internal_link(self.cover), "Back to the cover")
            s.row += 1
            s.skip()
            for label, value in (
                ("Role key", role.key),
                ("Family", role.family),
                ("Grade", role.grade),
                ("Level", None if role.level is None else str(role.level)),
                ("Track", o.track_name(role.track) or None),
                ("Summary", o.text(role.summary)),
            ):
                if value:
                    r = s.line(label, fmt="label")
                    s.text(r, 1, value, "wrap", span=6 if label == "Summary" else 1)
            s.skip()
            s.line("Requirements", fmt="subtitle")
            s.line(
                "Key",
                "Competency",
                "Level",
                "Level label",
                "Essential",
                "Weight",
                "What good looks like at this level",
                "Note",
                fmt="header",
            )
            for q in o.sorted_requirements(role):
                comp = self.model.competency(q.competency)
                r = s.line(q.competency, o.name(q.competency), fmt="wrap")
                s.number(r, 2, q.level, "number")
                s.text(r, 3, o.level_label(q.competency, q.level), "wrap")
                s.text(r, 4, "essential" if q.essential else "desirable", "wrap")
                s.number(r, 5, q.weight, "number")
                s.text(r, 6, _indicator_lines(o, comp.indicators_at(q.level, role.track)), "wrap")
                s.text(r, 7, o.text(q.note), "wrap")
            moves = [(t, t.target, "to") for t in o.transitions_from(role.key)] + [
                (t, t.source, "from") for t in o.transitions_to(role.key)
            ]
            if moves:
                s.skip()
                s.line("Career moves", fmt="subtitle")
                s.line("Direction", "Role", "Kind", "Typical months", fmt="header")
                for t, other, direction in moves:
                    r = s.line(direction, fmt="wrap")
                    s.link(r, 1, internal_link(self.summary.role_sheets[other]), o.title(other))
                    s.text(r, 2, t.kind.value, "wrap")
                    s.number(r, 3, t.typical_months, "number")
            s.finish()


def _changelog(model: CompetencyModel, previous: CompetencyModel | None) -> str | None:
    if previous is None:
        return None
    try:
        from competency_core.versioning import diff_models, render_changelog
    except ImportError:  # pragma: no cover - versioning ships with the library
        return None
    return render_changelog(diff_models(previous, model))


def write_workbook(
    model: CompetencyModel,
    path: str | os.PathLike[str],
    *,
    workforce: Workforce | None = None,
    language: str | None = None,
    previous: CompetencyModel | None = None,
    changelog: str | None = None,
    constant_memory: bool | None = None,
    on: dt.date | None = None,
    max_person_sheets: int = 200,
) -> WorkbookSummary:
    """Write the model as an XLSX workbook and say what was written.

    ``workforce`` adds gap sheets (scored with :func:`competency_core.scoring.score_person`
    on the date ``on``, default today); ``previous`` (an earlier version) or ``changelog``
    (Markdown) fills the cover's changelog; ``constant_memory`` defaults to on above
    :data:`CONSTANT_MEMORY_CELLS` matrix cells. The file is written next to ``path`` and
    moved into place only when complete.
    """
    target = Path(path)
    if constant_memory is None:
        constant_memory = len(model.competencies) * max(1, len(model.roles)) > CONSTANT_MEMORY_CELLS
    try:
        with replaced_atomically(target) as tmp:
            wb = _Workbook(
                model,
                tmp,
                language=language,
                constant_memory=constant_memory,
                changelog=changelog or _changelog(model, previous),
            )
            gaps = None
            if workforce is not None:
                from competency_core.publish.xlsx_gaps import GapSheets

                gaps = GapSheets(
                    wb.book, wb.formats, wb.names, wb.outline, workforce, on, max_person_sheets
                )
            wb.write_cover(gaps.contents() if gaps else [])
            wb.write_dictionary()
            wb.write_scales()
            wb.write_matrix()
            wb.write_guide()
            wb.write_roles()
            if gaps is not None:
                gaps.write(wb.summary, wb.cover)
            wb.book.close()
    except xlsxwriter.exceptions.XlsxWriterException as exc:
        raise CompetencyError(f"cannot write the workbook {target}: {exc}") from exc
    wb.summary.path = target
    return wb.summary


__all__ = ["CONSTANT_MEMORY_CELLS", "MATRIX_HEADER_ROWS", "WorkbookSummary", "write_workbook"]
