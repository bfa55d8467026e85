"""Gap sheets of the workbook: people against their roles, scored by ``competency_core.scoring``.

A summary sheet lists every person with their role, readiness, gap and unmet essential
requirements, grouped by team with team averages; then one sheet per person (up to a
limit) with the requirement-by-requirement table and a radar chart (a bar chart under
three requirements) of required against actual levels.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import Any

from competency_core.errors import CompetencyError
from competency_core.people import Person, Workforce
from competency_core.publish.outline import ModelOutline
from competency_core.publish.sheets import SheetNames, SheetWriter, cell_text, internal_link
from competency_core.scoring import RoleScore, score_person

GAPS_SHEET = "Gaps"
CHART_COLUMN = 9  # column J: a person's chart and its title, right of the table


class GapSheets:
    """Scores a workforce and writes the gap sheets into a workbook being built."""

    def __init__(
        self,
        book: Any,
        formats: dict[str, Any],
        names: SheetNames,
        outline: ModelOutline,
        workforce: Workforce,
        on: dt.date | None,
        max_person_sheets: int,
    ) -> None:
        self.book = book
        self.formats = formats
        self.outline = outline
        self.workforce = workforce
        self.on = on or dt.date.today()
        self.scores: dict[str, RoleScore] = {}
        self.problems: dict[str, str] = {}
        for p in workforce.people:
            if p.role is None:
                self.problems[p.key] = "no current role"
                continue
            try:
                self.scores[p.key] = score_person(outline.model, workforce, p.key, on=self.on)
            except CompetencyError as exc:
                self.problems[p.key] = str(exc)
        self.summary_sheet = names.make(GAPS_SHEET)
        self.person_sheets: dict[str, str] = {}
        for p in workforce.people:
            if p.key in self.scores and len(self.person_sheets) < max_person_sheets:
                self.person_sheets[p.key] = names.make(f"Gap {p.name}")
        self.left_out = len(self.scores) - len(self.person_sheets)

    def contents(self) -> list[tuple[str, str]]:
        """(sheet, description) pairs for the cover's contents."""
        out = [
            (
                self.summary_sheet,
                f"Readiness and gaps of {len(self.workforce.people)} people, by team",
            )
        ]
        out += [
            (sheet, f"Gap profile: {self.workforce.person(key).name}")
            for key, sheet in self.person_sheets.items()
        ]
        return out

    def write(self, summary: Any, cover: str) -> None:
        """Write the summary sheet and the person sheets; record them in ``summary``."""
        self._write_summary(summary, cover)
        for key, sheet in self.person_sheets.items():
            self._write_person(summary, self.workforce.person(key), sheet)
        summary.person_sheets.update(self.person_sheets)
        if self.left_out:
            summary.notes.append(
                f"{self.left_out} people have no sheet of their own (limit "
                f"{len(self.person_sheets)}); they are in the {self.summary_sheet} sheet"
            )

    def _sheet(self, summary: Any, name: str) -> SheetWriter:
        summary.sheets.append(name)
        return SheetWriter(self.book.add_worksheet(name), self.formats)

    def _write_summary(self, summary: Any, cover: str) -> None:
        o = self.outline
        s = self._sheet(summary, self.summary_sheet)
        s.page_setup()
        s.columns([18, 26, 28, 11, 9, 8, 10, 50])
        s.line("Readiness and gaps", fmt="title", height=24)
        s.text(
            s.row,
            0,
            f"Scored on {self.on.isoformat()} against each person's current role. Readiness is "
            "1 - weighted gap / weighted requirement; a person is ready when no essential "
            "requirement is unmet and readiness reaches the threshold.",
            "muted",
            span=8,
        )
        s.row += 1
        s.link(s.row, 0, internal_link(cover), "Back to the cover")
        s.row += 1
        teams: dict[str, list[Person]] = defaultdict(list)
        for p in self.workforce.people:
            teams[p.team or p.department or "(no team)"].append(p)
        for team, people in teams.items():
            s.skip()
            s.line(team, fmt="subtitle")
            s.line(
                "Person",
                "Name",
                "Role",
                "Readiness",
                "Gap",
                "Ready",
                "Coverage",
                "Unmet essential requirements",
                fmt="header",
            )
            scored = [self.scores[p.key] for p in people if p.key in self.scores]
            for p in people:
                r = s.line(p.key, fmt="wrap")
                if p.key in self.person_sheets:
                    s.link(r, 1, internal_link(self.person_sheets[p.key]), p.name)
                else:
                    s.text(r, 1, p.name, "wrap")
                s.text(
                    r, 2, o.title(p.role) if p.role and o.model.has_role(p.role) else p.role, "wrap"
                )
                score = self.scores.get(p.key)
                if score is None:
                    s.text(r, 7, self.problems.get(p.key, ""), "muted")
                    continue
                s.number(r, 3, score.readiness, "percent")
                s.number(r, 4, score.gap, "percent")
                s.text(r, 5, "yes" if score.ready else "no", "wrap")
                s.number(r, 6, score.coverage, "percent")
                s.text(r, 7, ", ".join(o.name(k) for k in score.unmet_essentials), "wrap")
            if scored:
                r = s.line("Team", f"{len(scored)} scored", fmt="label")
                s.number(r, 3, sum(x.readiness for x in scored) / len(scored), "percent")
                s.number(r, 4, sum(x.gap for x in scored) / len(scored), "percent")
                s.text(r, 5, f"{sum(x.ready for x in scored)} ready", "label")
                common = Counter(k for x in scored for k in x.unmet_essentials).most_common(3)
                s.text(r, 7, ", ".join(f"{o.name(k)} ({n})" for k, n in common), "wrap")
        self._team_chart(s, teams)
        s.finish()

    def _team_chart(self, s: SheetWriter, teams: dict[str, list[Person]]) -> None:
        """A table of the teams' averages below the teams, and a bar chart of it below that."""
        rows = []
        for team, people in teams.items():
            scored = [self.scores[p.key] for p in people if p.key in self.scores]
            if scored:
                rows.append((team, scored))
        if not rows:
            return
        s.skip()
        s.line("Teams at a glance", fmt="subtitle")
        s.line("Team", "Scored", "", "Readiness", "Gap", "Ready", fmt="header")
        first = s.row
        for team, scored in rows:
            r = s.line(team, float(len(scored)), fmt="wrap")
            s.number(r, 3, sum(x.readiness for x in scored) / len(scored), "percent")
            s.number(r, 4, sum(x.gap for x in scored) / len(scored), "percent")
            s.number(r, 5, sum(x.ready for x in scored) / len(scored), "percent")
        last = s.row - 1
        name = self.summary_sheet
        chart = self.book.add_chart({"type": "bar"})
        for col, label, colour in (
            (3, "Average readiness", "#4F81C7"),
            (5, "Share ready", "#9BBB59"),
        ):
            chart.add_series(
                {
                    "name": label,
                    "categories": [name, first, 0, last, 0],
                    "values": [name, first, col, last, col],
                    "fill": {"color": colour},
                }
            )
        chart.set_title({"name": "Readiness by team"})
        chart.set_x_axis({"min": 0, "max": 1, "num_format": "0%"})
        chart.set_y_axis({"reverse": True})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 640, "height": max(260, 80 + 40 * len(rows))})
        s.ws.insert_chart(s.row + 1, 0, chart)

    def _write_person(self, summary: Any, person: Person, sheet: str) -> None:
        o = self.outline
        score = self.scores[person.key]
        s = self._sheet(summary, sheet)
        s.page_setup()
        s.columns([20, 34, 10, 10, 9, 11, 8, 10])
        s.line(f"Gap profile: {person.name}", fmt="title", height=24)
        s.link(s.row, 0, internal_link(self.summary_sheet), "Back to all gaps")
        s.row += 1
        facts = (
            ("Role", o.title(score.role)),
            ("Team", person.team or person.department or ""),
            ("Scored on", self.on.isoformat()),
            ("Ready", "yes" if score.ready else "no"),
        )
        for label, value in facts:
            r = s.line(label, fmt="label")
            s.text(r, 1, value, "wrap")
        for label, number in (
            ("Readiness", score.readiness),
            ("Gap", score.gap),
            ("Coverage", score.coverage),
        ):
            r = s.line(label, fmt="label")
            s.number(r, 1, number, "percent")
        # The chart's title is a cell holding the text: xlsxwriter reads a literal title
        # such as "Ann!A0: ..." as a formula (a reference to a cell of a sheet "Ann"), and
        # has no way to mark a text as literal. Written here, before the rows below it
        # (constant-memory mode writes rows in order).
        caption = (s.row, CHART_COLUMN)
        title = f"{person.name}: required and actual levels"
        if score.requirements:
            s.text(*caption, title, "subtitle")
        s.skip()
        hr = s.line(
            "Key",
            "Competency",
            "Required",
            "Actual",
            "Gap",
            "Essential",
            "Met",
            "Assessed",
            fmt="header",
        )
        first = s.row
        for q in score.requirements:
            r = s.line(q.competency, o.name(q.competency), fmt="wrap")
            s.number(r, 2, q.required, "number")
            s.number(r, 3, q.actual, "number")
            s.number(r, 4, q.gap, "percent")
            s.text(r, 5, "essential" if q.essential else "desirable", "wrap")
            s.text(r, 6, "yes" if q.met else "no", "wrap")
            s.text(r, 7, "yes" if q.assessed else "no", "wrap")
        last = s.row - 1
        if score.requirements:
            kind = "radar" if len(score.requirements) >= 3 else "bar"
            chart = self.book.add_chart({"type": kind})
            for col, label, colour in ((2, "Required", "#1F4E9A"), (3, "Actual", "#E07B39")):
                chart.add_series(
                    {
                        "name": label,
                        "categories": [sheet, first, 1, last, 1],
                        "values": [sheet, first, col, last, col],
                        "line": {"color": colour, "width": 2.0},
                        "fill": {"color": colour} if kind == "bar" else {"none": True},
                    }
                )
            # "data": the title's cached text, which constant-memory mode cannot read back
            chart.set_title({"name": [sheet, *caption], "data": [cell_text(title)]})
            chart.set_legend({"position": "bottom"})
            chart.set_size({"width": 620, "height": 420})
            s.ws.insert_chart(hr, CHART_COLUMN, chart)
        s.finish()


__all__ = ["GAPS_SHEET", "GapSheets"]
