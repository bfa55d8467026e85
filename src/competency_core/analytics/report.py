"""The pilot report and the monitoring report: Markdown, HTML with PNG charts, and JSON.

:func:`build_pilot_report` gathers everything a pilot says about a model into one frozen
:class:`PilotReport` (the pilot group's coverage, how raters answered, their agreement,
self vs manager gaps, the item-analysis flags and the participants' feedback);
:func:`write_pilot_report` writes it as ``pilot-report.md``, ``pilot-report.html`` and
``pilot-report.json`` with the charts in ``charts/``. :func:`write_monitoring_report`
does the same for a :class:`~competency_core.analytics.monitoring.MonitoringReport`.

Templates are Jinja2 (``analytics/templates``). HTML is autoescaped; Markdown escapes
every value through the environment's ``finalize`` hook, so free text (comments) cannot
inject markup into either.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from pydantic import BaseModel, ConfigDict, Field

from competency_core.analytics.feedback import (
    FeedbackSubmission,
    FeedbackSummary,
    summarise_feedback,
)
from competency_core.analytics.items import (
    Concern,
    FlagKind,
    ItemAnalysis,
    ItemThresholds,
    analyse_items,
)
from competency_core.analytics.monitoring import MonitoringReport
from competency_core.analytics.pilot import PilotSelection
from competency_core.analytics.raters import (
    CompetencyAgreement,
    RatingGapReport,
    competency_agreement,
    rating_gaps,
)
from competency_core.analytics.ratings import Answer, PilotData, check_ratings
from competency_core.io import write_atomic
from competency_core.model import CompetencyModel
from competency_core.records import Feedback

CONCERN_TEXT: dict[Concern, str] = {
    Concern.TOO_BROAD: "too broad",
    Concern.TOO_NARROW: "too narrow",
    Concern.HARD_TO_MEASURE: "hard to measure",
    Concern.IRRELEVANT: "irrelevant",
    Concern.NOT_DIFFERENTIATING: "does not tell people apart",
}
"""How each concern reads in a report."""


class PilotSummary(BaseModel):
    """The size of a pilot: who took part and what they answered."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    participants: int
    people_rated: int
    answers: int
    rated: int
    cannot_rate: int
    missing: int
    raters: int = Field(description="Distinct named raters.")
    rater_types: dict[str, int] = Field(description="Answers per rater type.")


class Finding(BaseModel):
    """A flagged competency, in one line: what may be wrong with it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    competency: str
    name: str
    concerns: tuple[Concern, ...]
    flags: tuple[FlagKind, ...]


class PilotReport(BaseModel):
    """Everything a pilot says about a model, ready to render."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str
    model_name: str
    version: str
    generated_on: dt.date
    summary: PilotSummary
    findings: tuple[Finding, ...] = Field(description="Flagged competencies, worst first.")
    selection: PilotSelection | None
    items: ItemAnalysis
    agreement: tuple[CompetencyAgreement, ...]
    gaps: RatingGapReport
    feedback: FeedbackSummary | None
    names: dict[str, str] = Field(description="Competency key -> name.")
    level_labels: dict[int, str] = Field(
        description="Level value -> label, when every rated competency shares one scale."
    )

    def finding(self, competency: str) -> Finding | None:
        """The finding about one competency, if it was flagged."""
        for f in self.findings:
            if f.competency == competency:
                return f
        return None


def build_pilot_report(
    model: CompetencyModel,
    data: PilotData,
    *,
    selection: PilotSelection | None = None,
    feedback: Iterable[Feedback | FeedbackSubmission] = (),
    thresholds: ItemThresholds | None = None,
    on: dt.date | None = None,
) -> PilotReport:
    """Analyse a pilot's ratings (and feedback) into a :class:`PilotReport`."""
    check_ratings(model, data.ratings)
    t = thresholds or ItemThresholds()
    ratings = data.ratings
    agreement = competency_agreement(model, ratings, level=t.level_of_measurement)
    items = analyse_items(model, ratings, thresholds=t, agreement=agreement)
    fb = list(feedback)
    summary = summarise_feedback(fb, model=model, version=None) if fb else None
    kinds = Counter(r.answer for r in ratings)
    rated_scales = {model.competency(r.competency).scale for r in ratings}
    labels: dict[int, str] = {}
    if len(rated_scales) == 1:
        scale = model.scale(rated_scales.pop())
        labels = {lv.value: model.text(lv.label) for lv in scale.levels}
    return PilotReport(
        model=model.key,
        model_name=model.text(model.name),
        version=data.model_version or model.version,
        generated_on=on or dt.date.today(),
        summary=PilotSummary(
            participants=len(data.people),
            people_rated=len({r.person for r in ratings}),
            answers=len(ratings),
            rated=kinds[Answer.RATED],
            cannot_rate=kinds[Answer.CANNOT_RATE],
            missing=kinds[Answer.MISSING],
            raters=len({r.rater for r in ratings if r.rater}),
            rater_types=dict(Counter(r.rater_type.value for r in ratings)),
        ),
        findings=tuple(
            Finding(
                competency=i.competency,
                name=i.name,
                concerns=i.concerns,
                flags=tuple(f.kind for f in i.flags),
            )
            for i in items.flagged
        ),
        selection=selection,
        items=items,
        agreement=agreement,
        gaps=rating_gaps(model, ratings),
        feedback=summary,
        names={c.key: model.text(c.name) for c in model.competencies},
        level_labels=labels,
    )


# -- rendering ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportFiles:
    """Where a report was written."""

    folder: Path
    markdown: Path
    html: Path
    json: Path
    charts: tuple[Path, ...]


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def _md_escape(value: Any) -> Any:
    if isinstance(value, str):
        return _MD_SPECIAL.sub(r"\\\1", value).replace("\n", " ")
    return value


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _signed(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:+.{digits}f}"


_FILTERS: dict[str, Callable[..., Any]] = {
    "pct": _pct,
    "num": _num,
    "signed": _signed,
    "concern": lambda c: CONCERN_TEXT.get(Concern(c), str(c)),
}


def _environment(kind: str) -> Environment:
    env = Environment(
        loader=PackageLoader("competency_core.analytics", "templates"),
        autoescape=kind == "html",
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_md_escape if kind == "markdown" else None,
    )
    env.filters.update(_FILTERS)
    return env


def _render(template: str, kind: str, **context: Any) -> str:
    return _environment(kind).get_template(template).render(**context)


def _json(report: BaseModel) -> str:
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def write_pilot_report(report: PilotReport, out: str | os.PathLike[str]) -> ReportFiles:
    """Write a pilot report into the folder ``out`` (created if needed)."""
    from competency_core.analytics import charts

    folder = Path(out)
    pics = folder / "charts"
    made: dict[str, Path] = {}
    made["answers"] = charts.rating_distribution_chart(
        report.items, report.names, pics / "answers.png", level_labels=report.level_labels
    )
    made["agreement"] = charts.agreement_chart(
        report.agreement,
        report.names,
        pics / "agreement.png",
        threshold=report.items.thresholds.low_alpha,
        min_people=report.items.thresholds.min_pairable_people,
    )
    made["gaps"] = charts.rating_gap_chart(report.gaps, report.names, pics / "self-vs-manager.png")
    if report.selection is not None:
        made["selection"] = charts.selection_chart(report.selection, pics / "pilot-group.png")
    if report.feedback is not None and report.feedback.competencies:
        made["feedback"] = charts.feedback_chart(
            report.feedback, report.names, pics / "feedback.png"
        )
    rel = {k: p.relative_to(folder).as_posix() for k, p in made.items()}
    context = {"r": report, "charts": rel}
    files = ReportFiles(
        folder=folder,
        markdown=folder / "pilot-report.md",
        html=folder / "pilot-report.html",
        json=folder / "pilot-report.json",
        charts=tuple(made.values()),
    )
    write_atomic(files.markdown, _render("pilot.md.j2", "markdown", **context))
    write_atomic(files.html, _render("pilot.html.j2", "html", **context))
    write_atomic(files.json, _json(report))
    return files


def write_monitoring_report(
    report: MonitoringReport, out: str | os.PathLike[str], *, model_name: str | None = None
) -> ReportFiles:
    """Write a monitoring report into the folder ``out`` (created if needed)."""
    from competency_core.analytics import charts

    folder = Path(out)
    pics = folder / "charts"
    made = {
        "usage": charts.usage_chart(report, pics / "usage.png"),
        "readiness": charts.readiness_chart(report, pics / "readiness.png"),
    }
    rel = {k: p.relative_to(folder).as_posix() for k, p in made.items()}
    context = {"r": report, "charts": rel, "model_name": model_name or report.model}
    files = ReportFiles(
        folder=folder,
        markdown=folder / "monitoring-report.md",
        html=folder / "monitoring-report.html",
        json=folder / "monitoring-report.json",
        charts=tuple(made.values()),
    )
    write_atomic(files.markdown, _render("monitoring.md.j2", "markdown", **context))
    write_atomic(files.html, _render("monitoring.html.j2", "html", **context))
    write_atomic(files.json, _json(report))
    return files


__all__ = [
    "CONCERN_TEXT",
    "Finding",
    "PilotReport",
    "PilotSummary",
    "ReportFiles",
    "build_pilot_report",
    "write_monitoring_report",
    "write_pilot_report",
]
