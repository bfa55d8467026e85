"""Gap sheets: people against their roles, scored by ``competency_core.scoring``.

They hold personal data, so by default they are a workbook of their own, marked
*Confidential – personal data* (page header, banner, cover note, document properties),
with a cover of its own. A summary sheet lists every person with their role, readiness,
gap and unmet essential requirements, by team with team averages; then one sheet per
person (up to a limit) with the requirement-by-requirement table (one per scale) and a
radar chart (a bar chart under three requirements) of required against actual levels.

Unassessed requirements are shown as *not assessed*: never counted as the scale's minimum
(the scoring leaves them out, :attr:`~competency_core.scoring.UnassessedPolicy.EXCLUDE`),
never plotted (the chart leaves a gap), listed under the chart; team averages leave out
people with nothing assessed and say how many requirements were not assessed.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, Any

from competency_core.errors import CompetencyError
from competency_core.i18n import N_
from competency_core.people import Person, Workforce
from competency_core.publish.sheets import SheetWriter, cell_text, internal_link
from competency_core.scoring import RoleScore, score_person
from competency_core.scoring.policy import DEFAULT_POLICY, UnassessedPolicy

if TYPE_CHECKING:
    from competency_core.publish.xlsx import Book

GAPS_SHEET = N_("Gaps")
PEOPLE_COVER_SHEET = N_("About")
CHART_DATA_COLUMN = 8
"""Column I: the (hidden) values a person's chart plots, beside the chart's rows."""
CHART_WIDTH, CHART_HEIGHT = 620, 400

POLICY = DEFAULT_POLICY.model_copy(update={"unassessed": UnassessedPolicy.EXCLUDE})
"""The scoring policy of the gap sheets: unassessed requirements are not counted."""


def assessed(score: RoleScore) -> bool:
    """Whether anything of the score was assessed (else it has no readiness to show)."""
    return any(q.counted for q in score.requirements)


class GapSheets:
    """Scores a workforce and writes the gap sheets into a workbook being built."""

    def __init__(
        self,
        book: Book,
        workforce: Workforce,
        on: dt.date | None,
        max_person_sheets: int,
        *,
        own_cover: bool,
        model_file: str | None = None,
    ) -> None:
        self.out = book
        self.tr = tr = book.tr
        self.outline = book.outline
        self.workforce = workforce
        self.on = on or dt.date.today()
        self.model_file = model_file
        self.scores: dict[str, RoleScore] = {}
        self.problems: dict[str, str] = {}
        for p in workforce.people:
            if p.role is None:
                self.problems[p.key] = tr._("no current role")
                continue
            try:
                self.scores[p.key] = score_person(
                    self.outline.model, workforce, p.key, on=self.on, policy=POLICY
                )
            except CompetencyError as exc:
                self.problems[p.key] = str(exc)
        self.cover = book.names.make(tr._(PEOPLE_COVER_SHEET)) if own_cover else None
        self.summary_sheet = book.names.make(tr._(GAPS_SHEET))
        self.person_sheets: dict[str, str] = {}
        for p in workforce.people:
            if p.key in self.scores and len(self.person_sheets) < max_person_sheets:
                self.person_sheets[p.key] = book.names.make(tr._("Gap %(name)s", name=p.name))
        self.left_out = len(self.scores) - len(self.person_sheets)

    def contents(self) -> list[tuple[str, str]]:
        """(sheet, description) pairs for a cover's contents."""
        tr = self.tr
        n = len(self.workforce.people)
        out = [
            (
                self.summary_sheet,
                tr.n_(
                    "Readiness and gaps of %(n)s person, by team",
                    "Readiness and gaps of %(n)s people, by team",
                    n,
                ),
            )
        ]
        out += [
            (sheet, tr._("Gap profile: %(name)s", name=self.workforce.person(key).name))
            for key, sheet in self.person_sheets.items()
        ]
        return out

    def write(self, summary: Any, cover: str | None) -> None:
        """Write the sheets (the own cover first); record them in ``summary``.

        ``cover`` is the model workbook's cover when the sheets are in that workbook.
        """
        back = cover
        if self.cover is not None:
            self._write_cover(summary)
            back = self.cover
        self._write_summary(summary, back or self.summary_sheet)
        for key, sheet in self.person_sheets.items():
            self._write_person(summary, self.workforce.person(key), sheet)
        summary.person_sheets.update(self.person_sheets)
        if self.left_out:
            summary.notes.append(
                f"{self.left_out} people have no sheet of their own (limit "
                f"{len(self.person_sheets)}); they are in the {self.summary_sheet} sheet"
            )

    def _sheet(self, summary: Any, name: str, widths: list[float]) -> SheetWriter:
        s = self.out.sheet(name, widths)
        if self.cover is None:
            summary.sheets.append(name)
        return s

    def _yes_no(self, value: bool) -> str:
        return self.tr._("yes") if value else self.tr._("no")

    # -- the people's workbook's cover ---------------------------------------------------------
    def _write_cover(self, summary: Any) -> None:
        assert self.cover is not None
        tr, o = self.tr, self.outline
        s = self._sheet(summary, self.cover, [24, 70])
        s.page_setup(landscape=False)
        s.line(
            tr._("Readiness and gaps: %(model)s", model=o.text(o.model.name)),
            fmt="title",
            height=24,
        )
        s.text(
            s.row,
            0,
            tr._(
                "Confidential – personal data. This workbook holds people's assessments and "
                "gaps: share it only with those who need it, and keep and delete it as your "
                "organisation's rules for personal data require."
            ),
            "banner_mark",
            span=2,
        )
        s.height(s.row, 48)
        s.row += 1
        s.skip()
        facts = [
            (tr._("Model"), o.text(o.model.name)),
            (tr._("Version"), o.model.version),
            (tr._("Scored on"), tr.date(self.on)),
            (tr._("People"), tr.number(len(self.workforce.people))),
            (tr._("Model workbook"), self.model_file),
        ]
        for label, value in facts:
            if value:
                r = s.line(label, fmt="label")
                s.text(r, 1, value, "wrap")
        s.skip()
        s.line(tr._("Sheets"), fmt="subtitle")
        for sheet, what in self.contents():
            s.link(s.row, 0, internal_link(sheet), sheet)
            s.text(s.row, 1, what, "wrap")
            s.row += 1
        s.finish()

    # -- everyone -------------------------------------------------------------------------------
    def _write_summary(self, summary: Any, back: str) -> None:
        o, tr = self.outline, self.tr
        s = self._sheet(summary, self.summary_sheet, [18, 24, 26, 11, 9, 11, 10, 10, 44])
        s.line(tr._("Readiness and gaps"), fmt="title", height=24)
        s.text(
            s.row,
            0,
            tr._(
                "Scored on %(date)s against each person's current role. Readiness is 1 - "
                "weighted gap / weighted requirement, over the assessed requirements only; a "
                "person is ready when no essential requirement is unmet and readiness reaches "
                "the threshold. Requirements not assessed are not counted as any level: the "
                "column Not assessed counts them, and team averages leave out people with "
                "nothing assessed.",
                date=tr.date(self.on),
            ),
            "muted",
            span=9,
        )
        s.row += 1
        if back != self.summary_sheet:
            s.link(s.row, 0, internal_link(back), tr._("Back to the cover"))
            s.row += 1
        s.skip()
        hr = s.line(
            tr._("Team"),
            tr._("Name"),
            tr._("Role"),
            tr._("Readiness"),
            tr._("Gap"),
            tr._("Ready"),
            tr._("Coverage"),
            tr._("Not assessed"),
            tr._("Unmet essential requirements"),
            fmt="header",
        )
        s.page_setup(repeat_rows=(hr, hr), repeat_columns=(0, 1))
        s.ws.freeze_panes(hr + 1, 2)
        teams = self._teams()
        for team, people in teams.items():
            scored = [self.scores[p.key] for p in people if p.key in self.scores]
            for p in people:
                r = s.line(team, fmt="wrap")
                if p.key in self.person_sheets:
                    s.link(r, 1, internal_link(self.person_sheets[p.key]), p.name)
                else:
                    s.text(r, 1, p.name, "wrap")
                role = o.title(p.role) if p.role and o.model.has_role(p.role) else p.role
                s.text(r, 2, role, "wrap")
                score = self.scores.get(p.key)
                if score is None:
                    s.text(r, 8, self.problems.get(p.key, ""), "muted")
                    continue
                missing = sum(not q.counted for q in score.requirements)
                if assessed(score):
                    s.number(r, 3, score.readiness, "percent")
                    s.number(r, 4, score.gap, "percent")
                    s.text(r, 5, self._yes_no(score.ready), "wrap")
                else:
                    s.text(r, 5, tr._("not assessed"), "muted")
                s.number(r, 6, score.coverage, "percent")
                s.number(r, 7, missing, "number")
                s.text(r, 8, ", ".join(o.name(k) for k in score.unmet_essentials), "wrap")
            if scored:
                counted = [x for x in scored if assessed(x)]
                label = tr._(
                    "Average (%(n)s of %(total)s assessed)", n=len(counted), total=len(scored)
                )
                r = s.line(team, label, fmt="strong")
                if counted:
                    s.number(
                        r, 3, sum(x.readiness for x in counted) / len(counted), "percent_strong"
                    )
                    s.number(r, 4, sum(x.gap for x in counted) / len(counted), "percent_strong")
                    s.text(
                        r,
                        5,
                        tr.n_("%(n)s ready", "%(n)s ready", sum(x.ready for x in counted)),
                        "label",
                    )
                s.number(r, 7, sum(not q.counted for x in scored for q in x.requirements), "number")
                common = Counter(k for x in scored for k in x.unmet_essentials).most_common(3)
                s.text(r, 8, ", ".join(f"{o.name(k)} ({tr.number(n)})" for k, n in common), "wrap")
        self._team_chart(s, teams)
        s.finish()

    def _teams(self) -> dict[str, list[Person]]:
        teams: dict[str, list[Person]] = {}
        for p in self.workforce.people:
            teams.setdefault(p.team or p.department or self.tr._("(no team)"), []).append(p)
        return teams

    def _team_chart(self, s: SheetWriter, teams: dict[str, list[Person]]) -> None:
        """A table of the teams' averages below the teams, and a bar chart of it below that."""
        tr = self.tr
        rows = []
        for team, people in teams.items():
            counted = [
                self.scores[p.key]
                for p in people
                if p.key in self.scores and assessed(self.scores[p.key])
            ]
            if counted:
                rows.append((team, counted))
        if not rows:
            return
        s.skip()
        s.line(tr._("Teams at a glance"), fmt="subtitle")
        s.line(
            tr._("Team"),
            tr._("Assessed people"),
            "",
            tr._("Readiness"),
            tr._("Gap"),
            tr._("Share ready"),
            fmt="header",
        )
        first = s.row
        for team, scored in rows:
            r = s.line(team, float(len(scored)), fmt="wrap")
            s.number(r, 3, sum(x.readiness for x in scored) / len(scored), "percent")
            s.number(r, 4, sum(x.gap for x in scored) / len(scored), "percent")
            s.number(r, 5, sum(x.ready for x in scored) / len(scored), "percent")
        last = s.row - 1
        name = self.summary_sheet
        chart = self.out.book.add_chart({"type": "bar"})
        for col, label, colour in (
            (3, tr._("Average readiness"), "#4F81C7"),
            (5, tr._("Share ready"), "#9BBB59"),
        ):
            chart.add_series(
                {
                    "name": cell_text(label),
                    "categories": [name, first, 0, last, 0],
                    "values": [name, first, col, last, col],
                    "fill": {"color": colour},
                }
            )
        chart.set_title({"name": cell_text(tr._("Readiness by team"))})
        chart.set_x_axis({"min": 0, "max": 1, "num_format": "0%"})
        chart.set_y_axis({"reverse": True})
        chart.set_legend({"position": "bottom"})
        s.chart(s.row + 1, 0, chart, 640, min(560, max(260, 80 + 40 * len(rows))))

    # -- one person --------------------------------------------------------------------------------
    def _write_person(self, summary: Any, person: Person, sheet: str) -> None:
        o, tr = self.outline, self.tr
        score = self.scores[person.key]
        s = self._sheet(summary, sheet, [34, 10, 12, 9, 12, 12, 4, 4, 0, 0, 0])
        for col in range(CHART_DATA_COLUMN, CHART_DATA_COLUMN + 3):
            s.ws.set_column(col, col, 0, None, {"hidden": True})
        s.line(tr._("Gap profile: %(name)s", name=person.name), fmt="title", height=24)
        s.link(s.row, 0, internal_link(self.summary_sheet), tr._("Back to all gaps"))
        s.row += 1
        unassessed = [q for q in score.requirements if not q.counted]
        facts = (
            (tr._("Role"), o.title(score.role)),
            (tr._("Team"), person.team or person.department or ""),
            (tr._("Scored on"), tr.date(self.on)),
            (
                tr._("Ready"),
                self._yes_no(score.ready) if assessed(score) else tr._("not assessed"),
            ),
        )
        for label, value in facts:
            r = s.line(label, fmt="label")
            s.text(r, 1, value, "wrap", span=3)
        numbers = [(tr._("Coverage"), score.coverage)]
        if assessed(score):
            numbers = [(tr._("Readiness"), score.readiness), (tr._("Gap"), score.gap), *numbers]
        for label, number in numbers:
            r = s.line(label, fmt="label")
            s.number(r, 1, number, "percent")
        r = s.line(tr._("Not assessed"), fmt="label")
        s.number(r, 1, len(unassessed), "number")
        s.skip()
        groups: dict[str, list[Any]] = {}
        for q in score.requirements:
            groups.setdefault(o.scale(q.competency).key, []).append(q)
        repeat: tuple[int, int] | None = None
        for key, reqs in groups.items():
            if len(groups) > 1:
                scale = o.model.scale(key)
                s.line(tr._("On the scale %(scale)s", scale=o.text(scale.name)), fmt="label")
            hr = s.line(
                tr._("Competency"),
                tr._("Required"),
                tr._("Actual"),
                tr._("Gap"),
                tr._("Importance"),
                tr._("Met"),
                fmt="header",
            )
            repeat = repeat or (hr, hr)
            for q in reqs:
                r = s.line(o.name(q.competency), fmt="wrap")
                s.number(r, 1, q.required, "number")
                if q.counted:
                    s.number(r, 2, q.actual, "number")
                    s.number(r, 3, q.gap, "percent")
                    s.text(r, 5, self._yes_no(q.met), "wrap")
                else:
                    s.text(r, 2, tr._("not assessed"), "muted")
                    s.text(r, 5, tr._("not assessed"), "muted")
                s.text(
                    r,
                    4,
                    tr.p_("requirement", "essential")
                    if q.essential
                    else tr.p_("requirement", "desirable"),
                    "wrap",
                )
        s.page_setup(landscape=False, repeat_rows=repeat)
        if score.requirements:
            self._person_chart(s, sheet, person, score, several_scales=len(groups) > 1)
        s.finish()

    def _person_chart(
        self, s: SheetWriter, sheet: str, person: Person, score: RoleScore, *, several_scales: bool
    ) -> None:
        """The chart of required against actual levels below the table; unassessed: a gap.

        The chart's title is a cell holding the text: xlsxwriter reads a literal title such
        as "Ann!A0: ..." as a formula (a reference to a cell of a sheet "Ann"), and has no
        way to mark a text as literal. The plotted values sit in hidden columns beside the
        chart's rows (blank where not assessed), written in row order for constant memory.
        """
        o, tr = self.outline, self.tr
        s.skip()
        caption = (s.row, 0)
        title = tr._("%(name)s: required and actual levels", name=person.name)
        s.text(*caption, title, "subtitle", span=6)
        s.row += 1
        if several_scales:
            s.text(
                s.row,
                0,
                tr._("Levels as a share of each competency's scale (the scales differ)."),
                "muted",
                span=6,
            )
            s.row += 1
        missing = [o.name(q.competency) for q in score.requirements if not q.counted]
        if missing:
            s.text(
                s.row,
                0,
                tr._("Not assessed (no point on the chart): %(names)s", names=", ".join(missing)),
                "muted",
                span=6,
            )
            s.row += 1
        anchor = s.row
        c0 = CHART_DATA_COLUMN
        for i, q in enumerate(score.requirements):
            r = anchor + i
            s.text(r, c0, o.name(q.competency))
            required = q.required_normalised if several_scales else q.required
            actual = q.actual_normalised if several_scales else q.actual
            s.number(r, c0 + 1, required)
            s.number(r, c0 + 2, actual if q.counted else None)
        last = anchor + len(score.requirements) - 1
        kind = "radar" if len(score.requirements) >= 3 else "bar"
        chart = self.out.book.add_chart({"type": kind})
        for col, label, colour in (
            (c0 + 1, tr._("Required"), "#1F4E9A"),
            (c0 + 2, tr._("Actual"), "#E07B39"),
        ):
            series: dict[str, Any] = {
                "name": cell_text(label),
                "categories": [sheet, anchor, c0, last, c0],
                "values": [sheet, anchor, col, last, col],
                "line": {"color": colour, "width": 2.0},
                "fill": {"color": colour} if kind == "bar" else {"none": True},
            }
            if kind == "radar":
                series["marker"] = {"type": "circle", "size": 5, "fill": {"color": colour}}
            chart.add_series(series)
        # "data": the title's cached text, which constant-memory mode cannot read back
        chart.set_title({"name": [sheet, *caption], "data": [cell_text(title)]})
        chart.set_legend({"position": "bottom"})
        chart.show_blanks_as("gap")
        chart.show_hidden_data()
        axis: dict[str, Any] = {"min": 0}
        if several_scales:
            axis.update({"max": 1, "num_format": "0%"})
        if kind == "radar":
            chart.set_y_axis(axis)
        else:
            chart.set_x_axis(axis)
        s.chart(anchor, 0, chart, CHART_WIDTH, CHART_HEIGHT, keep_from=caption[0])
        s.row = max(s.row, last + 1)


__all__ = ["GAPS_SHEET", "PEOPLE_COVER_SHEET", "POLICY", "GapSheets", "assessed"]
