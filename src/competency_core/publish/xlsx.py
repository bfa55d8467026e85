"""The model as an XLSX workbook (xlsxwriter), for the people who live in Excel.

Sheets, in order: a cover (model, version, status, approvals, changelog, contents), the
competency dictionary (hierarchy, definitions, indicators per level), the scales, the
role x competency matrix of required levels (heat colouring, frozen panes), the assessment
guide and one sheet per role profile. People's gap sheets (see
:mod:`competency_core.publish.xlsx_gaps`) go to a separate workbook marked confidential,
``<stem>-people.xlsx`` beside the model's, unless asked to keep one workbook.

Every word the workbook writes is in the reader's language (:mod:`competency_core.i18n`,
the ``workbook`` catalogue); the model's texts come from the model. A model that is not
published carries a draft mark on every sheet (a banner in the first row and the page
header). How sheets print: :mod:`competency_core.publish.xlsx_print`.

Every text is written with ``write_string`` (see :mod:`competency_core.publish.sheets`): a
cell starting with ``=``, ``+``, ``-`` or ``@`` is never a formula. Large models are
written in xlsxwriter's constant-memory mode, row by row.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import xlsxwriter

from competency_core import wording
from competency_core.competencies import BehaviouralIndicator
from competency_core.errors import CompetencyError
from competency_core.i18n import N_, Translator, translator
from competency_core.io import replaced_atomically
from competency_core.model import CompetencyModel, LifecycleStatus
from competency_core.people import Workforce
from competency_core.publish.guides import ASSESSMENT_STEPS, RATER_GUIDANCE
from competency_core.publish.outline import ModelOutline
from competency_core.publish.sheets import SheetNames, SheetWriter, internal_link
from competency_core.publish.xlsx_print import PageLayout, Paper, PrintSetup, default_paper
from competency_core.roles import Requirement

CONSTANT_MEMORY_CELLS = 5_000_000
"""Above this many matrix cells (competencies x roles) the workbook uses constant memory
(whatever :func:`estimated_workbook_bytes` says; e.g. 10,000 competencies x 500 roles)."""

CONSTANT_MEMORY_BYTES = 256 * 2**20
"""Constant-memory mode is also chosen when the workbook's cells would take more than this
(256 MiB) in memory by :func:`estimated_workbook_bytes`."""

CELL_BYTES = 600
"""What a written cell costs in xlsxwriter's in-memory mode, the sheets' XML included (measured:
about 510 bytes for 2,000 competencies x 500 roles: 85 MB above the loaded model)."""

COVER_SHEET = N_("Cover")
DICTIONARY_SHEET = N_("Competencies")
SCALES_SHEET = N_("Scales")
MATRIX_SHEET = N_("Matrix")
GUIDE_SHEET = N_("Assessment guide")
"""Sheet names in English; the workbook names its sheets in the reader's language."""

MATRIX_HEADER_ROWS = 4
"""Rows above the matrix data: the banner, the title, the legend, the role titles."""

MATRIX_FIRST_ROLE_COLUMN = 2
"""The matrix's first role column (0-based): columns A and B hold the competency and domain."""

PEOPLE_SUFFIX = "-people"
"""The people's workbook is ``<stem>-people.xlsx`` beside the model's unless named."""

STATUS_LABELS: dict[LifecycleStatus, str] = {
    LifecycleStatus.DRAFT: N_("draft"),
    LifecycleStatus.PILOT: N_("pilot"),
    LifecycleStatus.APPROVED: N_("approved, not yet published"),
    LifecycleStatus.PUBLISHED: N_("published"),
    LifecycleStatus.RETIRED: N_("retired"),
}
DOMAIN_LABELS = {
    "technical": N_("Technical"),
    "behavioural": N_("Behavioural"),
    "leadership": N_("Leadership"),
    "functional": N_("Functional"),
}
RATER_LABELS = {
    "self": N_("Self"),
    "manager": N_("Manager"),
    "peer": N_("Peer"),
    "360": N_("360-degree feedback"),
    "test": N_("Test"),
    "certification": N_("Certification"),
    "interview": N_("Interview"),
}

_FORMATS: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "font_size": 16},
    "subtitle": {"bold": True, "font_size": 12},
    "banner": {"font_color": "#555555", "italic": True, "font_size": 9},
    "banner_mark": {
        "bold": True,
        "font_color": "#FFFFFF",
        "bg_color": "#B3261E",
        "font_size": 10,
        "text_wrap": True,
        "valign": "top",
    },
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
    "percent_strong": {"num_format": "0%", "align": "center", "valign": "top", "bold": True},
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
    """What :func:`write_workbook` wrote: the files, their sheets, and how."""

    path: Path
    sheets: list[str] = field(default_factory=list)
    role_sheets: dict[str, str] = field(default_factory=dict)
    person_sheets: dict[str, str] = field(default_factory=dict)
    """Person key -> their gap sheet (in the people's workbook unless kept in one)."""
    constant_memory: bool = False
    notes: list[str] = field(default_factory=list)
    people_path: Path | None = None
    """The separate, confidential workbook of people's gaps (None: none written)."""
    people_sheets: list[str] = field(default_factory=list)
    """The sheets of the people's workbook."""
    language: str = "en"
    paper: Paper = "a4"
    draft: bool = False
    """Whether the model is not published (every sheet carries the draft mark)."""
    layouts: dict[str, PageLayout] = field(default_factory=dict)
    """Sheet -> its print layout (both workbooks; sheet names are unique across them)."""


def _indicator_lines(outline: ModelOutline, indicators: tuple[BehaviouralIndicator, ...]) -> str:
    lines = []
    for ind in indicators:
        line = "• " + outline.text(ind.text)
        if ind.track:
            line += f" [{outline.track_name(ind.track)}]"
        lines.append(line)
    return "\n".join(lines)


def draft_mark(model: CompetencyModel, tr: Translator) -> str:
    """The mark of a model that is not published ('' for a published one)."""
    if model.status is LifecycleStatus.PUBLISHED:
        return ""
    if model.status is LifecycleStatus.RETIRED:
        return tr._("RETIRED – no longer in use")
    return tr._("DRAFT – %(status)s", status=tr._(STATUS_LABELS[model.status]))


class Book:
    """One xlsxwriter workbook being written: formats, sheet names, print setup, banner."""

    def __init__(
        self,
        path: Path,
        *,
        outline: ModelOutline,
        tr: Translator,
        constant_memory: bool,
        paper: Paper,
        names: SheetNames,
        confidential: bool = False,
    ) -> None:
        self.outline = outline
        self.tr = tr
        self.names = names
        self.book = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": constant_memory,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "tmpdir": str(path.parent),
                # without constant memory the sheets' XML is built in memory too, not in
                # one temporary file per sheet (the same content; only the zip entries'
                # dates differ: xlsxwriter dates them 1980-01-01 instead of 1980-01-31)
                "in_memory": not constant_memory,
            },
        )
        self.formats = {k: self.book.add_format(v) for k, v in _FORMATS.items()}
        model = outline.model
        name = outline.text(model.name)
        marks = [tr._("Confidential – personal data")] if confidential else []
        if draft_mark(model, tr):
            marks.append(draft_mark(model, tr))
        self.mark = " · ".join(marks)
        self.title = tr._("%(model)s, version %(version)s", model=name, version=model.version)
        self.banner = " · ".join([*marks, self.title])
        self.printing = PrintSetup(paper, self.title, self.mark, page=tr._("Page"))
        self.sheets: list[str] = []
        self.writers: list[SheetWriter] = []
        properties = {
            "title": name,
            "subject": tr._(
                "Competency model %(key)s %(version)s", key=model.key, version=model.version
            ),
            "author": model.metadata.owner or "",
            "company": model.metadata.organisation or "",
            "keywords": ", ".join(marks),
            "comments": self.banner,
            "category": tr._("Confidential – personal data") if confidential else "",
        }
        self.book.set_properties({k: v for k, v in properties.items() if v})
        self.book.set_custom_property("Model", model.key)
        self.book.set_custom_property("Version", model.version)
        self.book.set_custom_property("Status", model.status.value)
        if confidential:
            self.book.set_custom_property("Classification", tr._("Confidential – personal data"))

    def sheet(self, name: str, widths: Sequence[float]) -> SheetWriter:
        """A new sheet with its column widths and the banner in its first row."""
        s = SheetWriter(self.book.add_worksheet(name), self.formats, self.printing)
        self.sheets.append(name)
        self.writers.append(s)
        s.columns(widths)
        span = max(1, min(len(widths), 8))
        s.text(0, 0, self.banner, "banner_mark" if self.mark else "banner", span=span)
        s.row = 1
        return s

    def layouts(self) -> dict[str, PageLayout]:
        """Each finished sheet's print layout."""
        return {s.ws.name: s.layout for s in self.writers if s.layout is not None}


class _Workbook:
    def __init__(
        self,
        model: CompetencyModel,
        book: Book,
        *,
        changelog: str | None,
    ) -> None:
        self.outline = book.outline
        self.model = model
        self.tr = tr = book.tr
        self.changelog = changelog
        self.out = book
        self.names = book.names
        self.summary = WorkbookSummary(path=Path(book.book.filename))
        # names first, so the cover's contents can link to every sheet
        self.cover = self.names.make(tr._(COVER_SHEET))
        self.dictionary = self.names.make(tr._(DICTIONARY_SHEET))
        self.scales = self.names.make(tr._(SCALES_SHEET))
        self.matrix = self.names.make(tr._(MATRIX_SHEET))
        self.guide = self.names.make(tr._(GUIDE_SHEET))
        for r in model.roles:
            self.summary.role_sheets[r.key] = self.names.make(self.outline.text(r.title) or r.key)

    def sheet(self, name: str, widths: Sequence[float]) -> SheetWriter:
        s = self.out.sheet(name, widths)
        self.summary.sheets.append(name)
        return s

    def yes_no(self, value: bool) -> str:
        return self.tr._("yes") if value else self.tr._("no")

    def domain(self, key: str) -> str:
        """A competency's domain: the standard ones in the reader's language, others as written."""
        return self.tr._(DOMAIN_LABELS[key]) if key in DOMAIN_LABELS else key

    def importance(self, q: Requirement) -> str:
        return (
            self.tr.p_("requirement", "essential")
            if q.essential
            else self.tr.p_("requirement", "desirable")
        )

    # -- cover -------------------------------------------------------------------------------
    def write_cover(self, extra_sheets: list[tuple[str, str]], people_note: str | None) -> None:
        m, t, tr = self.model, self.outline.text, self.tr
        s = self.sheet(self.cover, [24, 60, 30, 30])
        s.page_setup(landscape=False)
        s.line(t(m.name), fmt="title", height=24)
        if m.description is not None:
            s.text(s.row, 0, t(m.description), "wrap", span=4)
            s.row += 1
        mark = draft_mark(m, tr)
        if mark:
            s.text(
                s.row,
                0,
                tr._(
                    "%(mark)s: this version of the model is not published; do not use it "
                    "for decisions about people.",
                    mark=mark,
                ),
                "banner_mark",
                span=4,
            )
            s.row += 1
        s.skip()
        md = m.metadata
        facts: list[tuple[str, str | None]] = [
            (tr._("Version"), m.version),
            (tr._("Status"), tr._(STATUS_LABELS[m.status])),
            (tr._("Owner"), md.owner),
            (tr._("Organisation"), md.organisation),
            (tr._("Languages"), ", ".join(tr.language_name(x) for x in m.all_languages())),
            (tr._("Review date"), tr.date(md.review_date) if md.review_date else None),
            (tr._("Licence"), md.license),
            (tr._("Source"), md.source),
            (
                tr._("Contents"),
                ", ".join(
                    (
                        tr.n_("%(n)s competency", "%(n)s competencies", len(m.competencies)),
                        tr.n_("%(n)s role", "%(n)s roles", len(m.roles)),
                        tr.n_("%(n)s scale", "%(n)s scales", len(m.scales)),
                        tr.n_(
                            "%(n)s career transition",
                            "%(n)s career transitions",
                            len(m.transitions),
                        ),
                    )
                ),
            ),
        ]
        for label, value in facts:
            if value:
                r = s.line(label, fmt="label")
                s.text(r, 1, value, "wrap")
        if people_note:
            s.skip()
            s.text(s.row, 0, people_note, "muted", span=4)
            s.row += 1
        s.skip()
        s.line(tr._("Approvals"), fmt="subtitle")
        s.line(
            tr._("Approving body"), tr._("Approved by"), tr._("When"), tr._("Comment"), fmt="header"
        )
        approved = {a.approver for a in md.approvals}
        for a in md.approvals:
            r = s.line(a.approver, a.by, fmt="wrap")
            s.text(r, 2, tr.date(a.at.date()) + " " + a.at.strftime("%H:%M"), "wrap")
            s.text(r, 3, a.comment, "wrap")
        for need in md.required_approvers:
            if need not in approved:
                r = s.line(need, fmt="wrap")
                s.text(r, 1, tr._("pending"), "muted")
        if not md.approvals and not md.required_approvers:
            s.line(tr._("No approvals recorded."), fmt="muted")
        if md.stakeholders:
            s.skip()
            s.line(tr._("Stakeholders"), fmt="subtitle")
            s.line(tr._("Name"), tr._("Role"), tr._("E-mail"), fmt="header")
            for p in md.stakeholders:
                s.line(p.name, p.role, p.email, fmt="wrap")
        s.skip()
        s.line(tr._("Changelog"), fmt="subtitle")
        if self.changelog:
            for line in self.changelog.strip().splitlines():
                if line.startswith("#"):
                    s.line(line.lstrip("# ").rstrip(), fmt="label")
                elif line.strip():
                    s.text(s.row, 0, line, "wrap", span=4)
                    s.row += 1
        else:
            s.line(tr._("No earlier version was given to compare with."), fmt="muted")
        s.skip()
        s.line(tr._("Sheets"), fmt="subtitle")
        contents = [
            (
                self.dictionary,
                tr._("Competency dictionary: hierarchy, definitions, indicators per level"),
            ),
            (
                self.scales,
                tr._("Proficiency scales with level descriptions and behavioural anchors"),
            ),
            (self.matrix, tr._("Required level of every role on every competency")),
            (self.guide, tr._("How to assess: steps, raters, evidence")),
            *[
                (sheet, tr._("Role profile: %(role)s", role=self.outline.title(key)))
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
        o, tr = self.outline, self.tr
        levels = o.level_values
        fixed = [
            tr._("Competency"),
            tr._("Domain"),
            tr._("Category"),
            tr._("Part of"),
            tr._("Scale"),
            tr._("Assessed"),
            tr._("Definition"),
        ]
        tail = [tr._("Related"), tr._("References"), tr._("Tags"), tr._("Key (for systems)")]
        first_level = len(fixed)
        s = self.sheet(
            self.dictionary,
            [30, 13, 16, 22, 14, 9, 48] + [40] * len(levels) + [24, 24, 16, 20],
        )
        s.line(
            tr._("Competency dictionary: %(model)s", model=o.text(self.model.name)),
            fmt="title",
            height=24,
        )
        if len(self.model.scales) > 1:
            s.line(
                tr._(
                    "Each competency's levels are on its own scale (column Scale; see the "
                    "Scales sheet)."
                ),
                fmt="note",
            )
        header = fixed + [self._level_header(v) for v in levels] + tail
        hr = s.line(*header, fmt="header", height=32)
        s.page_setup(repeat_rows=(hr, hr), repeat_columns=(0, 0))
        s.ws.freeze_panes(hr + 1, 1)
        s.ws.autofilter(hr, 0, hr + max(1, len(o.entries)), len(header) - 1)
        for e in o.entries:
            c = e.competency
            r = s.row
            s.text(r, 0, o.text(c.name), f"indent{min(e.depth, 7)}" if e.depth else "label")
            s.text(r, 1, self.domain(c.domain), "wrap")
            s.text(r, 2, c.category, "wrap")
            s.text(r, 3, o.name(c.parent) if c.parent else None, "wrap")
            s.text(r, 4, o.text(o.scale(c.key).name), "wrap")
            s.text(r, 5, self.yes_no(c.assessable), "wrap")
            s.text(r, 6, o.text(c.definition), "wrap")
            for i, v in enumerate(levels):
                described = o.text(c.level_descriptions.get(v))
                bullets = _indicator_lines(o, c.indicators.get(v, ()))
                cell = "\n".join(x for x in (described, bullets) if x)
                s.text(r, first_level + i, cell, "wrap")
            col = first_level + len(levels)
            s.text(r, col, ", ".join(o.name(k) for k in c.related), "wrap")
            s.text(
                r,
                col + 1,
                "\n".join(f"{x.scheme}: {x.label or x.uri}" for x in c.references),
                "wrap",
            )
            s.text(r, col + 2, ", ".join(c.tags), "wrap")
            s.text(r, col + 3, c.key, "muted")
            s.row += 1
        s.finish()

    def _level_header(self, value: int) -> str:
        labels = {
            self.outline.text(sc.level(value).label)
            for sc in self.model.scales
            if sc.has_level(value)
        }
        if len(labels) == 1:
            return self.tr._("Level %(n)s: %(label)s", n=value, label=labels.pop())
        return self.tr._("Level %(n)s", n=value)

    # -- scales ---------------------------------------------------------------------------------
    def write_scales(self) -> None:
        o, tr = self.outline, self.tr
        s = self.sheet(self.scales, [10, 24, 60, 60, 12])
        s.line(tr._("Proficiency scales"), fmt="title", height=24)
        s.page_setup(repeat_rows=(1, 1))
        for sc in self.model.scales:
            s.skip()
            s.line(tr._("Scale: %(scale)s", scale=o.text(sc.name)), fmt="subtitle")
            if sc.description is not None:
                s.text(s.row, 0, o.text(sc.description), "wrap", span=5)
                s.row += 1
            s.text(
                s.row,
                0,
                tr._(
                    "Proficient from level %(n)s: %(label)s",
                    n=sc.proficient,
                    label=o.text(sc.level(sc.proficient).label),
                ),
                "muted",
                span=5,
            )
            s.row += 1
            s.line(
                tr._("Level"),
                tr._("Label"),
                tr._("Description"),
                tr._("Behavioural anchors"),
                tr._("Proficient"),
                fmt="header",
            )
            for lv in sc.levels:
                r = s.line(float(lv.value), fmt="number")
                s.text(r, 1, o.text(lv.label), "label")
                s.text(r, 2, o.text(lv.description), "wrap")
                s.text(r, 3, "\n".join("• " + o.text(a) for a in lv.anchors), "wrap")
                s.text(r, 4, self.yes_no(lv.value >= sc.proficient), "wrap")
        s.finish()

    # -- matrix ---------------------------------------------------------------------------------
    def write_matrix(self) -> None:
        o, roles, tr = self.outline, self.model.roles, self.tr
        first_role = MATRIX_FIRST_ROLE_COLUMN
        s = self.sheet(self.matrix, [36, 12] + [6] * max(1, len(roles)))
        s.line(tr._("Required level by role and competency"), fmt="title", height=24)
        legend = tr._(
            "Cells give the required level; bold = essential, italic = desirable; "
            "colour from low (light) to high (dark) levels."
        )
        if len(self.model.scales) > 1:
            legend += " " + tr._("Levels are on each competency's own scale (see Scales).")
        s.line(legend, fmt="note")
        # rotated headers: the row is as tall as the longest title (about 7.2 pt a character)
        longest = max((len(o.text(role.title)) for role in roles), default=10)
        r = s.line(
            tr._("Competency"),
            tr._("Domain"),
            fmt="header",
            height=min(409.0, max(60.0, 7.2 * longest + 14)),
        )
        for j, role in enumerate(roles):
            s.text(r, first_role + j, o.text(role.title) or role.key, "header_rot")
        s.page_setup(repeat_rows=(r, r), repeat_columns=(0, 0))
        s.ws.freeze_panes(MATRIX_HEADER_ROWS, first_role)
        by_comp = o.requirements_by_competency
        # each competency's required levels by column (a row visits its requirements only,
        # not every role: 30 of 500 at the benchmark's size)
        column = {role.key: first_role + j for j, role in enumerate(roles)}
        first = s.row
        for e in o.entries:
            c = e.competency
            r = s.row
            s.text(r, 0, o.text(c.name), f"indent{min(e.depth, 7)}" if e.depth else "wrap")
            s.text(r, 1, self.domain(c.domain), "wrap")
            reqs = by_comp.get(c.key, {})
            for col, q in sorted(
                ((column[k], q) for k, q in reqs.items() if k in column), key=lambda p: p[0]
            ):
                s.number(r, col, q.level, "essential" if q.essential else "desirable")
            s.row += 1
        if roles and o.entries:
            s.ws.conditional_format(
                first,
                first_role,
                s.row - 1,
                first_role - 1 + len(roles),
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
        o, tr = self.outline, self.tr
        s = self.sheet(self.guide, [26, 24, 66])
        s.page_setup(landscape=False, repeat_rows=(1, 1))
        s.line(tr._("How to assess"), fmt="title", height=24)
        s.text(
            s.row,
            0,
            tr._(
                "Assessments rate a person on a competency of %(model)s using the "
                "competency's scale and its behavioural indicators.",
                model=o.text(self.model.name),
            ),
            "wrap",
            span=3,
        )
        s.row += 1
        s.skip()
        s.line(tr._("Steps"), fmt="subtitle")
        for i, (step, detail) in enumerate(ASSESSMENT_STEPS, 1):
            r = s.line(f"{tr.number(i)}. {tr._(step)}", fmt="strong")
            s.text(r, 1, tr._(detail), "wrap", span=2)
        s.skip()
        s.line(tr._("Who rates"), fmt="subtitle")
        r = s.line(tr._("Rater"), fmt="header")
        s.text(r, 1, tr._("What to know"), "header", span=2)
        for rater, text in RATER_GUIDANCE:
            label = tr._(RATER_LABELS[rater]) if rater in RATER_LABELS else rater
            r = s.line(label, fmt="wrap")
            s.text(r, 1, tr._(text), "wrap", span=2)
        for sc in self.model.scales:
            s.skip()
            s.line(tr._("Levels of the scale %(scale)s", scale=o.text(sc.name)), fmt="subtitle")
            s.line(
                tr._(
                    "Proficient from level %(n)s: %(label)s",
                    n=sc.proficient,
                    label=o.text(sc.level(sc.proficient).label),
                ),
                fmt="muted",
            )
            s.line(tr._("Level"), tr._("Label"), tr._("Description"), fmt="header")
            for lv in sc.levels:
                r = s.line(float(lv.value), fmt="number")
                s.text(r, 1, o.text(lv.label), "label")
                s.text(r, 2, o.text(lv.description), "wrap")
        s.finish()

    # -- role profiles ------------------------------------------------------------------------------
    def write_roles(self) -> None:
        o, tr = self.outline, self.tr
        # a competency's indicators at a level (for a track) are the same on every role's sheet
        indicators: dict[tuple[str, int, str | None], str] = {}
        for role in self.model.roles:
            s = self.sheet(self.summary.role_sheets[role.key], [32, 9, 18, 13, 10, 60, 30])
            s.line(o.text(role.title), fmt="title", height=24)
            s.link(s.row, 0, internal_link(self.cover), tr._("Back to the cover"))
            s.row += 1
            s.skip()
            for label, value in (
                (tr._("Family"), role.family),
                (tr._("Grade"), role.grade),
                (tr._("Level"), None if role.level is None else tr.number(role.level)),
                (tr._("Track"), o.track_name(role.track) or None),
                (tr._("Summary"), o.text(role.summary)),
            ):
                if value:
                    r = s.line(label, fmt="label")
                    s.text(r, 1, value, "wrap", span=6 if label == tr._("Summary") else 1)
            s.skip()
            s.line(tr._("Requirements"), fmt="subtitle")
            total = sum(q.weight for q in role.requirements) or 1.0
            groups = list(_by_scale(o, o.sorted_requirements(role)))
            repeat: tuple[int, int] | None = None
            for scale_name, reqs in groups:
                if len(groups) > 1:
                    s.line(tr._("On the scale %(scale)s", scale=scale_name), fmt="label")
                hr = s.line(
                    tr._("Competency"),
                    tr._("Level"),
                    tr._("Level label"),
                    tr._("Importance"),
                    tr._("Share of weight"),
                    tr._("What good looks like at this level"),
                    tr._("Note"),
                    fmt="header",
                )
                repeat = repeat or (hr, hr)
                for q in reqs:
                    comp = self.model.competency(q.competency)
                    r = s.line(o.name(q.competency), fmt="wrap")
                    s.number(r, 1, q.level, "number")
                    s.text(r, 2, o.level_label(q.competency, q.level), "wrap")
                    s.text(r, 3, self.importance(q), "wrap")
                    s.number(r, 4, q.weight / total, "percent")
                    key = (q.competency, q.level, role.track)
                    lines = indicators.get(key)
                    if lines is None:
                        lines = indicators[key] = _indicator_lines(
                            o, comp.indicators_at(q.level, role.track)
                        )
                    s.text(r, 5, lines, "wrap")
                    s.text(r, 6, o.text(q.note), "wrap")
            s.page_setup(repeat_rows=repeat)
            moves = [(t, t.target, tr._("to")) for t in o.transitions_from(role.key)] + [
                (t, t.source, tr._("from")) for t in o.transitions_to(role.key)
            ]
            if moves:
                s.skip()
                s.line(tr._("Career moves"), fmt="subtitle")
                s.line(
                    tr._("Direction"),
                    tr._("Role"),
                    "",
                    tr._("Kind"),
                    tr._("Typical months"),
                    fmt="header",
                )
                for t, other, direction in moves:
                    r = s.line(direction, fmt="wrap")
                    s.link(r, 1, internal_link(self.summary.role_sheets[other]), o.title(other))
                    kind = t.kind.value
                    s.text(r, 3, wording.move_kind(tr, kind), "wrap")
                    s.number(r, 4, t.typical_months, "number")
            s.finish()


def _by_scale(
    outline: ModelOutline, requirements: list[Requirement]
) -> Iterator[tuple[str, list[Requirement]]]:
    """Requirements grouped by their competency's scale (in first-seen order)."""
    groups: dict[str, tuple[str, list[Requirement]]] = {}
    for q in requirements:
        scale = outline.scale(q.competency)
        groups.setdefault(scale.key, (outline.text(scale.name), []))[1].append(q)
    yield from groups.values()


def _changelog(model: CompetencyModel, previous: CompetencyModel | None) -> str | None:
    if previous is None:
        return None
    try:
        from competency_core.versioning import diff_models, render_changelog
    except ImportError:  # pragma: no cover - versioning ships with the library
        return None
    return render_changelog(diff_models(previous, model))


def estimated_workbook_bytes(
    model: CompetencyModel, workforce: Workforce | None = None, max_person_sheets: int = 200
) -> int:
    """About how much memory the workbook's cells take in xlsxwriter's in-memory mode.

    The cells written: the dictionary's row of each competency, the matrix's names and
    required levels, each role's sheet (a row of seven cells per requirement), and for a
    workforce its summary rows and person sheets; :data:`CELL_BYTES` each. For 2,000
    competencies x 500 roles of 30 requirements: about 166,000 cells, 100 MB (measured in
    use: 85 MB).
    """
    requirements = sum(len(r.requirements) for r in model.roles)
    levels = len({v for s in model.scales for v in s.values})
    cells = len(model.competencies) * (13 + levels) + requirements * 8 + len(model.roles) * 20
    if workforce is not None:
        people = len(workforce.people)
        cells += people * 20 + min(people, max_person_sheets) * 400
    return cells * CELL_BYTES


def _constant_memory(
    model: CompetencyModel, workforce: Workforce | None, max_person_sheets: int
) -> bool:
    """Whether the workbook is written in constant-memory mode (when not asked; module docs)."""
    if len(model.competencies) * max(1, len(model.roles)) > CONSTANT_MEMORY_CELLS:
        return True
    return estimated_workbook_bytes(model, workforce, max_person_sheets) > CONSTANT_MEMORY_BYTES


def people_workbook_path(path: str | os.PathLike[str]) -> Path:
    """Where the people's workbook goes by default: ``<stem>-people.xlsx`` beside ``path``.

    >>> people_workbook_path("out/model.xlsx").as_posix()
    'out/model-people.xlsx'
    """
    p = Path(path)
    return p.with_name(p.stem + PEOPLE_SUFFIX + (p.suffix or ".xlsx"))


def write_workbook(
    model: CompetencyModel,
    path: str | os.PathLike[str],
    *,
    workforce: Workforce | None = None,
    people_path: str | os.PathLike[str] | None = None,
    people_in_model_workbook: bool = False,
    language: str | None = None,
    paper: Paper | None = None,
    previous: CompetencyModel | None = None,
    changelog: str | None = None,
    constant_memory: bool | None = None,
    on: dt.date | None = None,
    max_person_sheets: int = 200,
) -> WorkbookSummary:
    """Write the model as an XLSX workbook (and people's gaps as another) and say what was written.

    ``workforce`` adds gap sheets (scored with :func:`competency_core.scoring.score_person`
    on the date ``on``, default today; unassessed requirements are not counted). They go to
    a separate workbook marked *Confidential – personal data*: ``people_path``, by default
    ``<stem>-people.xlsx`` beside ``path``; ``people_in_model_workbook=True`` keeps them
    in the model's workbook instead. ``language`` is the reader's language (default: the
    model's); ``paper`` is ``"a4"`` or ``"letter"`` (default from the language:
    :func:`~competency_core.publish.xlsx_print.default_paper`). ``previous`` (an earlier
    version) or ``changelog`` (Markdown) fills the cover's changelog; ``constant_memory``
    defaults to on above :data:`CONSTANT_MEMORY_CELLS` matrix cells or when the cells
    would take more than :data:`CONSTANT_MEMORY_BYTES` in memory
    (:func:`estimated_workbook_bytes`). Every file is written next to its place and moved
    there only when all of them are complete.
    """
    if paper is not None and paper not in ("a4", "letter"):
        raise CompetencyError(f"unknown paper {paper!r}: use 'a4' or 'letter'")
    if people_path is not None and people_in_model_workbook:
        raise CompetencyError("people_path and people_in_model_workbook exclude each other")
    target = Path(path)
    separate = workforce is not None and not people_in_model_workbook
    people_target = (
        (Path(people_path) if people_path is not None else people_workbook_path(target))
        if separate
        else None
    )
    if people_target is not None and people_target.resolve() == target.resolve():
        raise CompetencyError(f"the people's workbook cannot be the model's workbook {target}")
    if constant_memory is None:
        constant_memory = _constant_memory(model, workforce, max_person_sheets)
    outline = ModelOutline(model, language)
    tr = translator(language or model.default_language)
    chosen: Paper = paper or default_paper(language or model.default_language)
    names = SheetNames()
    try:
        with contextlib.ExitStack() as stack:
            tmp = stack.enter_context(replaced_atomically(target))
            people_tmp = (
                stack.enter_context(replaced_atomically(people_target))
                if people_target is not None
                else None
            )
            main = Book(
                tmp,
                outline=outline,
                tr=tr,
                constant_memory=constant_memory,
                paper=chosen,
                names=names,
                confidential=workforce is not None and not separate,
            )
            wb = _Workbook(model, main, changelog=changelog or _changelog(model, previous))
            people_book = (
                Book(
                    people_tmp,
                    outline=outline,
                    tr=tr,
                    constant_memory=constant_memory,
                    paper=chosen,
                    names=names,
                    confidential=True,
                )
                if people_tmp is not None
                else None
            )
            gaps = None
            if workforce is not None:
                from competency_core.publish.xlsx_gaps import GapSheets

                gaps = GapSheets(
                    people_book or main,
                    workforce,
                    on,
                    max_person_sheets,
                    own_cover=people_book is not None,
                    model_file=target.name,
                )
            people_note = None
            if people_target is not None:
                people_note = tr._(
                    "People's readiness and gaps are in a separate workbook, marked "
                    "confidential: %(file)s",
                    file=people_target.name,
                )
            wb.write_cover(gaps.contents() if gaps and people_book is None else [], people_note)
            wb.write_dictionary()
            wb.write_scales()
            wb.write_matrix()
            wb.write_guide()
            wb.write_roles()
            summary = wb.summary
            if gaps is not None:
                gaps.write(summary, cover=None if people_book else wb.cover)
            main.book.close()
            summary.layouts.update(main.layouts())
            if people_book is not None:
                people_book.book.close()
                summary.people_sheets = list(people_book.sheets)
                summary.layouts.update(people_book.layouts())
            summary.notes += main.printing.notes
    except xlsxwriter.exceptions.XlsxWriterException as exc:
        raise CompetencyError(f"cannot write the workbook {target}: {exc}") from exc
    summary.path = target
    summary.people_path = people_target
    summary.constant_memory = constant_memory
    summary.language = tr.language
    summary.paper = chosen
    summary.draft = model.status is not LifecycleStatus.PUBLISHED
    return summary


__all__ = [
    "CELL_BYTES",
    "CONSTANT_MEMORY_BYTES",
    "CONSTANT_MEMORY_CELLS",
    "MATRIX_FIRST_ROLE_COLUMN",
    "MATRIX_HEADER_ROWS",
    "Book",
    "WorkbookSummary",
    "draft_mark",
    "estimated_workbook_bytes",
    "people_workbook_path",
    "write_workbook",
]
