"""The pilot report and the monitoring report: Markdown, HTML with PNG charts, and JSON.

:func:`build_pilot_report` gathers everything a pilot says about a model into one frozen
:class:`PilotReport` (the pilot group's coverage, how raters answered, their agreement,
self vs manager gaps, the item-analysis flags and the participants' feedback);
:func:`write_pilot_report` writes it as ``pilot-report.md``, ``pilot-report.html`` and
``pilot-report.json`` with the charts in ``charts/``. :func:`write_monitoring_report`
does the same for a :class:`~competency_core.analytics.monitoring.MonitoringReport`.

Both are written in one language (``language=``; default English): the wording from the
``reports`` catalogue, numbers and dates through the locale, the model's texts in that
language (see docs/analytics.md, Language).

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
from competency_core.i18n import N_, Translator, normalise_language, translator
from competency_core.io import write_atomic
from competency_core.model import CompetencyModel
from competency_core.records import Feedback

CONCERN_TEXT: dict[Concern, str] = {
    Concern.TOO_BROAD: N_("too broad"),
    Concern.TOO_NARROW: N_("too narrow"),
    Concern.HARD_TO_MEASURE: N_("hard to measure"),
    Concern.IRRELEVANT: N_("irrelevant"),
    Concern.NOT_DIFFERENTIATING: N_("does not tell people apart"),
}
"""How each concern reads in a report (English; translate with ``tr._(CONCERN_TEXT[c])``)."""

FLAG_TEXT: dict[str, str] = {
    "ceiling": N_("ceiling"),
    "floor": N_("floor"),
    "low-variance": N_("low variance"),
    "hard-to-rate": N_("hard to rate"),
    "low-agreement": N_("low agreement"),
    "no-role": N_("no role"),
    "every-role": N_("every role"),
}
"""How each item-analysis flag is named in a report."""

WORDS: dict[str, str] = {
    # usage series (monitoring trends)
    "assessment": N_("assessments"),
    "development-plan": N_("development plans"),
    "learning-assignment": N_("learning assigned"),
    "learning-completed": N_("learning completed"),
    "people-assessed": N_("people assessed"),
    # trend directions
    "up": N_("up"),
    "down": N_("down"),
    "flat": N_("flat"),
    # levels of measurement
    "ordinal": N_("ordinal"),
    "interval": N_("interval"),
    "nominal": N_("nominal"),
    "ratio": N_("ratio"),
}
"""Words from the analysis (series, directions, levels of measurement) as a report shows them."""

FIELDS: dict[str, str] = {
    "role": N_("role"),
    "department": N_("department"),
    "team": N_("team"),
    "job_level": N_("job level"),
    "manager": N_("manager"),
}
"""The people's fields a pilot group is stratified by, as a report names them."""

PER_PERIOD: dict[str, str] = {
    "month": N_("per month"),
    "quarter": N_("per quarter"),
    "year": N_("per year"),
}
"""``per month`` and the like, for a period's length."""


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
    language: str = Field(
        default="en", description="The language of the model's texts here and of the wording."
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
    language: str | None = None,
) -> PilotReport:
    """Analyse a pilot's ratings (and feedback) into a :class:`PilotReport`.

    ``language`` (default: English) is the language of the report: the model's names and
    labels are taken in it (falling back as the model does) and :func:`write_pilot_report`
    words the report in it.
    """
    lang = normalise_language(language)
    check_ratings(model, data.ratings)
    t = thresholds or ItemThresholds()
    ratings = data.ratings
    agreement = competency_agreement(model, ratings, level=t.level_of_measurement)
    items = analyse_items(model, ratings, thresholds=t, agreement=agreement, language=lang)
    fb = list(feedback)
    summary = summarise_feedback(fb, model=model, version=None) if fb else None
    kinds = Counter(r.answer for r in ratings)
    rated_scales = {model.competency(r.competency).scale for r in ratings}
    labels: dict[int, str] = {}
    if len(rated_scales) == 1:
        scale = model.scale(rated_scales.pop())
        labels = {lv.value: model.text(lv.label, lang) for lv in scale.levels}
    return PilotReport(
        model=model.key,
        model_name=model.text(model.name, lang),
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
                name=model.text(model.competency(i.competency).name, lang),
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
        names={c.key: model.text(c.name, lang) for c in model.competencies},
        level_labels=labels,
        language=lang,
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


def _filters(tr: Translator) -> dict[str, Callable[..., Any]]:
    """The templates' filters: numbers, shares and dates in ``tr``'s language, named things."""

    def pct(value: float | None) -> str:
        return "–" if value is None else tr.percent(value)

    def num(value: float | None, digits: int = 2) -> str:
        return "–" if value is None else tr.number(value, digits)

    def signed(value: float | None, digits: int = 2) -> str:
        if value is None:
            return "–"
        return ("+" if value >= 0 else "") + tr.number(value, digits)

    def date(value: dt.date | None) -> str:
        return "–" if value is None else tr.date(value)

    def word(value: Any, table: dict[str, str] = WORDS) -> str:
        key = str(getattr(value, "value", value))
        return tr._(table[key]) if key in table else key

    return {
        "pct": pct,
        "num": num,
        "signed": signed,
        "date": date,
        "concern": lambda c: tr._(CONCERN_TEXT[Concern(c)]),
        "flag": lambda k: word(k, FLAG_TEXT),
        "word": word,
        "per_period": lambda p: word(p, PER_PERIOD),
        "field": lambda f: word(f, FIELDS),
    }


def _environment(kind: str, tr: Translator) -> Environment:
    env = Environment(
        loader=PackageLoader("competency_core.analytics", "templates"),
        autoescape=kind == "html",
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_md_escape if kind == "markdown" else None,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True  # as the catalogues extract them
    tr.install(env)
    env.filters.update(_filters(tr))
    env.globals["lang"] = tr.language.replace("_", "-")
    return env


def _render(template: str, kind: str, tr: Translator, **context: Any) -> str:
    return _environment(kind, tr).get_template(template).render(**context)


def _json(report: BaseModel) -> str:
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def write_pilot_report(
    report: PilotReport, out: str | os.PathLike[str], *, language: str | None = None
) -> ReportFiles:
    """Write a pilot report into the folder ``out`` (created if needed).

    The wording, numbers and dates are in ``language`` (default: the report's own, see
    :func:`build_pilot_report`); the model's texts are those the report was built with.
    """
    from competency_core.analytics import charts

    tr = translator(language or report.language)
    folder = Path(out)
    pics = folder / "charts"
    made: dict[str, Path] = {}
    made["answers"] = charts.rating_distribution_chart(
        report.items,
        report.names,
        pics / "answers.png",
        level_labels=report.level_labels,
        tr=tr,
    )
    made["agreement"] = charts.agreement_chart(
        report.agreement,
        report.names,
        pics / "agreement.png",
        threshold=report.items.thresholds.low_alpha,
        min_people=report.items.thresholds.min_pairable_people,
        tr=tr,
    )
    made["gaps"] = charts.rating_gap_chart(
        report.gaps, report.names, pics / "self-vs-manager.png", tr=tr
    )
    if report.selection is not None:
        made["selection"] = charts.selection_chart(
            report.selection, pics / "pilot-group.png", tr=tr
        )
    if report.feedback is not None and report.feedback.competencies:
        made["feedback"] = charts.feedback_chart(
            report.feedback, report.names, pics / "feedback.png", tr=tr
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
    write_atomic(files.markdown, _render("pilot.md.j2", "markdown", tr, **context))
    write_atomic(files.html, _render("pilot.html.j2", "html", tr, **context))
    write_atomic(files.json, _json(report))
    return files


def write_monitoring_report(
    report: MonitoringReport,
    out: str | os.PathLike[str],
    *,
    model_name: str | None = None,
    language: str | None = None,
) -> ReportFiles:
    """Write a monitoring report into the folder ``out`` (created if needed).

    The wording, numbers and dates are in ``language`` (default: English); pass the
    model's name in that language as ``model_name`` (``model.text(model.name, language)``).
    """
    from competency_core.analytics import charts

    tr = translator(language)
    folder = Path(out)
    pics = folder / "charts"
    made = {
        "usage": charts.usage_chart(report, pics / "usage.png", tr=tr),
        "readiness": charts.readiness_chart(report, pics / "readiness.png", tr=tr),
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
    write_atomic(files.markdown, _render("monitoring.md.j2", "markdown", tr, **context))
    write_atomic(files.html, _render("monitoring.html.j2", "html", tr, **context))
    write_atomic(files.json, _json(report))
    return files


__all__ = [
    "CONCERN_TEXT",
    "FIELDS",
    "FLAG_TEXT",
    "PER_PERIOD",
    "WORDS",
    "Finding",
    "PilotReport",
    "PilotSummary",
    "ReportFiles",
    "build_pilot_report",
    "write_monitoring_report",
    "write_pilot_report",
]
