"""Charts for the pilot and monitoring reports, drawn with matplotlib.

Figures are made with matplotlib's object API (``Figure``, never ``pyplot``), so no
display and no global backend are involved: PNGs are rendered by Agg. Each function takes plain report data, writes one PNG and returns its path. Labels are
competency names; competencies with flags are drawn in a warning colour so the eye finds
them first.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from competency_core import wording
from competency_core.i18n import N_, Translator, translator
from competency_core.io import write_atomic

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from competency_core.analytics.feedback import FeedbackSummary
    from competency_core.analytics.items import ItemAnalysis
    from competency_core.analytics.monitoring import MonitoringReport
    from competency_core.analytics.pilot import PilotSelection
    from competency_core.analytics.raters import CompetencyAgreement, RatingGapReport

WARN = "#c0392b"
OK = "#2e86c1"
MUTED = "#95a5a6"
GOOD = "#27ae60"
OVER = "#e67e22"
DPI = 110


def _figure(width: float, height: float) -> tuple[Figure, Axes]:
    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    return fig, fig.add_subplot()


def _save(fig: Figure, path: str | os.PathLike[str]) -> Path:
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    write_atomic(path, buf.getvalue())
    return Path(path)


def _height(rows: int) -> float:
    return max(2.4, 0.8 + 0.32 * rows)


def _words(tr: Translator | None) -> Translator:
    """The chart's wording: ``tr``, or English."""
    return tr if tr is not None else translator()


def _percent_axis(axis: Any, tr: Translator) -> None:
    """Tick labels as shares in ``tr``'s language (``25%``, ``25 %``)."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _pos: tr.percent(v)))


def _number_axis(axis: Any, tr: Translator, digits: int = 1) -> None:
    """Tick labels as numbers in ``tr``'s language (``0.5``, ``0,5``)."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(FuncFormatter(lambda v, _pos: tr.number(v, digits)))


def _mark_flagged(ax: Axes, flagged: set[int]) -> None:
    for i, label in enumerate(ax.get_yticklabels()):
        if i in flagged:
            label.set_color(WARN)
            label.set_fontweight("bold")


def rating_distribution_chart(
    items: ItemAnalysis,
    names: dict[str, str],
    path: str | os.PathLike[str],
    *,
    level_labels: dict[int, str] | None = None,
    tr: Translator | None = None,
) -> Path:
    """Stacked bars per competency: rated answers per level, then "cannot rate" and blank."""
    t = _words(tr)
    rows = [i for i in items.items if i.answers]
    fig, ax = _figure(9, _height(len(rows)) + 0.4)
    if not rows:
        ax.text(0.5, 0.5, t._("no ratings"), ha="center", va="center")
        ax.set_axis_off()
        return _save(fig, path)
    levels = sorted({lv for i in rows for lv in i.distribution})
    cmap = mpl.colormaps["YlGnBu"]
    labels = level_labels or {}
    y = list(range(len(rows)))
    left = [0.0] * len(rows)
    for k, lv in enumerate(levels):
        widths = [i.distribution.get(lv, 0) / i.answers for i in rows]
        ax.barh(
            y,
            widths,
            left=left,
            color=cmap(0.2 + 0.75 * k / max(1, len(levels) - 1)),
            label=f"{lv} {labels[lv]}" if lv in labels else t._("level %(level)s", level=lv),
            edgecolor="white",
            linewidth=0.5,
        )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    for share, colour, label in (
        ([i.cannot_rate / i.answers for i in rows], "#e67e22", t._("cannot rate")),
        ([i.missing / i.answers for i in rows], MUTED, t._("blank")),
    ):
        ax.barh(y, share, left=left, color=colour, label=label, edgecolor="white", linewidth=0.5)
        left = [a + b for a, b in zip(left, share, strict=True)]
    ax.set_yticks(y, [names.get(i.competency, i.competency) for i in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    _percent_axis(ax.xaxis, t)
    ax.set_xlabel(t._("share of answers"))
    ax.set_title(t._("How raters answered, per competency (flagged ones in red)"))
    fig.legend(
        loc="outside lower center", ncol=min(7, len(levels) + 2), frameon=False, fontsize="small"
    )
    _mark_flagged(ax, {n for n, i in enumerate(rows) if i.flags})
    return _save(fig, path)


def agreement_chart(
    agreement: Sequence[CompetencyAgreement],
    names: dict[str, str],
    path: str | os.PathLike[str],
    *,
    threshold: float = 0.667,
    min_people: int = 2,
    tr: Translator | None = None,
) -> Path:
    """Krippendorff's alpha per competency, with the 0.667 and 0.8 guide lines."""
    t = _words(tr)
    rows = list(agreement)
    fig, ax = _figure(9, _height(len(rows)))
    y = list(range(len(rows)))
    values = [a.alpha if a.alpha is not None else 0.0 for a in rows]
    colours = [
        MUTED
        if a.alpha is None or a.pairable_people < min_people
        else (WARN if a.alpha < threshold else OK)
        for a in rows
    ]
    ax.barh(y, values, color=colours)
    for n, a in enumerate(rows):
        text = (
            t._("n/a")
            if a.alpha is None
            else t.n_(
                "%(alpha)s (%(n)s person)",
                "%(alpha)s (%(n)s people)",
                a.pairable_people,
                alpha=t.number(a.alpha, 2),
            )
        )
        x = max(0.0, values[n]) + 0.02
        ax.text(x, n, text, va="center", fontsize="small")
    ax.axvline(
        threshold,
        color=WARN,
        linestyle="--",
        linewidth=1,
        label=t._("%(value)s: lowest usable", value=t.number(threshold)),
    )
    ax.axvline(
        0.8,
        color=GOOD,
        linestyle=":",
        linewidth=1.2,
        label=t._("%(value)s: reliable", value=t.number(0.8)),
    )
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_yticks(y, [names.get(a.competency, a.competency) for a in rows])
    ax.invert_yaxis()
    lo = min(-0.2, *(v - 0.1 for v in values))
    ax.set_xlim(lo, 1.4)
    ax.set_xticks([k / 10 for k in range(math.ceil(lo * 5) * 2, 11, 2)])
    _number_axis(ax.xaxis, t)
    ax.set_xlabel(
        t._("Krippendorff's alpha (grey: fewer than %(n)s people rated twice)", n=min_people)
    )
    ax.set_title(t._("Do raters of the same person agree?"))
    fig.legend(loc="outside lower center", ncol=2, frameon=False, fontsize="small")
    _mark_flagged(ax, {n for n, c in enumerate(colours) if c == WARN})
    return _save(fig, path)


def rating_gap_chart(
    gaps: RatingGapReport,
    names: dict[str, str],
    path: str | os.PathLike[str],
    *,
    tr: Translator | None = None,
) -> Path:
    """Mean self-minus-manager difference per competency (right: people rate themselves higher)."""
    t = _words(tr)
    first, second = _rater(t, gaps.first.value), _rater(t, gaps.second.value)
    rows = list(gaps.by_competency)
    fig, ax = _figure(9, _height(len(rows)))
    if not rows:
        ax.text(
            0.5,
            0.5,
            t._(
                "no %(first)s and %(second)s ratings of the same person",
                first=first,
                second=second,
            ),
            ha="center",
            va="center",
        )
        ax.set_axis_off()
        return _save(fig, path)
    y = list(range(len(rows)))
    values = [s.mean_difference for s in rows]
    ax.barh(y, values, color=[OVER if v > 0 else OK for v in values])
    ax.axvline(0, color="black", linewidth=0.8)
    for n, s in enumerate(rows):
        ax.text(
            values[n] + (0.03 if values[n] >= 0 else -0.03),
            n,
            t.n_("%(n)s pair", "%(n)s pairs", s.pairs),
            va="center",
            ha="left" if values[n] >= 0 else "right",
            fontsize="small",
        )
    ax.set_yticks(y, [names.get(s.key, s.key) for s in rows])
    ax.invert_yaxis()
    span = max([0.5, *(abs(v) for v in values)]) * 1.5
    ax.set_xlim(-span, span)
    _number_axis(ax.xaxis, t)
    ax.set_xlabel(
        t._(
            "mean %(first)s - %(second)s (levels); right of 0: over-rating, left: under-rating",
            first=first,
            second=second,
        )
    )
    ax.set_title(t._("%(first)s vs %(second)s ratings", first=first, second=second).capitalize())
    return _save(fig, path)


def _rater(tr: Translator, value: str) -> str:
    return wording.rater_type(tr, value)


def feedback_chart(
    summary: FeedbackSummary,
    names: dict[str, str],
    path: str | os.PathLike[str],
    *,
    tr: Translator | None = None,
) -> Path:
    """Mean clarity and relevance (1-5) per competency, with the NPS in the title."""
    t = _words(tr)
    rows = [c for c in summary.competencies if c.clarity is not None or c.relevance is not None]
    fig, ax = _figure(9, _height(len(rows)))
    y = list(range(len(rows)))
    h = 0.4
    clarity = [c.clarity or 0.0 for c in rows]
    relevance = [c.relevance or 0.0 for c in rows]
    ax.barh(
        [v - h / 2 for v in y],
        clarity,
        height=h,
        label=t._("clarity"),
        color=[WARN if v < 3 else OK for v in clarity],
    )
    ax.barh([v + h / 2 for v in y], relevance, height=h, label=t._("relevance"), color=MUTED)
    ax.axvline(3, color="black", linewidth=0.6, linestyle=":")
    ax.set_yticks(y, [names.get(c.competency, c.competency) for c in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, 5.2)
    _number_axis(ax.xaxis, t)
    ax.set_xlabel(t._("mean rating, 1 (low) to 5 (high)"))
    if summary.nps:
        score = ("+" if summary.nps.score >= 0 else "") + t.number(summary.nps.score, 0)
        ax.set_title(
            t.n_(
                "Participants' feedback (NPS %(score)s, %(n)s answer)",
                "Participants' feedback (NPS %(score)s, %(n)s answers)",
                summary.nps.responses,
                score=score,
            )
        )
    else:
        ax.set_title(t._("Participants' feedback"))
    ax.legend(loc="lower right", fontsize="small")
    _mark_flagged(ax, {n for n, v in enumerate(clarity) if 0 < v < 3})
    return _save(fig, path)


def selection_chart(
    selection: PilotSelection, path: str | os.PathLike[str], *, tr: Translator | None = None
) -> Path:
    """People per stratum: the population and those selected for the pilot."""
    t = _words(tr)
    rows = list(selection.strata)
    fig, ax = _figure(9, _height(len(rows)))
    y = list(range(len(rows)))
    ax.barh(y, [s.population for s in rows], color="#d6eaf8", label=t._("people in the stratum"))
    ax.barh(
        y,
        [s.selected for s in rows],
        color=OK,
        height=0.5,
        label=t._("selected for the pilot"),
    )
    ax.set_yticks(y, [", ".join(s.values.values()) for s in rows])
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(t._("people"))
    ax.set_title(
        t._(
            "Pilot group: %(size)s of %(population)s people, %(represented)s of %(strata)s "
            "strata represented",
            size=selection.size,
            population=selection.population,
            represented=selection.represented,
            strata=len(rows),
        )
    )
    ax.legend(loc="lower right", fontsize="small")
    _mark_flagged(ax, {n for n, s in enumerate(rows) if not s.represented})
    return _save(fig, path)


def usage_chart(
    report: MonitoringReport, path: str | os.PathLike[str], *, tr: Translator | None = None
) -> Path:
    """Use of the model per period: assessments (top), plans and learning (bottom)."""
    t = _words(tr)
    fig = Figure(figsize=(9, 5.5), dpi=DPI, layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True)
    labels = [u.label for u in report.usage]
    period = report.period.value
    per = t._(PER_PERIOD[period]) if period in PER_PERIOD else period
    panels: list[tuple[Axes, list[tuple[str, list[int], dict[str, Any]]]]] = [
        (
            top,
            [
                (t._("assessments"), [u.assessments for u in report.usage], {"color": OK}),
                (
                    t._("people assessed"),
                    [u.people_assessed for u in report.usage],
                    {"color": OK, "linestyle": "--"},
                ),
            ],
        ),
        (
            bottom,
            [
                (
                    t._("development plans"),
                    [u.development_plans for u in report.usage],
                    {"color": GOOD},
                ),
                (
                    t._("learning assigned"),
                    [u.learning_assignments for u in report.usage],
                    {"color": "#8e44ad"},
                ),
                (
                    t._("learning completed"),
                    [u.learning_completed for u in report.usage],
                    {"color": "#8e44ad", "linestyle": "--"},
                ),
            ],
        ),
    ]
    for ax, series in panels:
        for label, values, style in series:
            ax.plot(labels, values, marker="o", label=label, **style)
        ax.set_ylim(bottom=0)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(per)
        ax.legend(loc="upper left", fontsize="small")
        ax.grid(axis="y", alpha=0.3)
    top.set_title(
        t._(
            "Use of %(model)s %(version)s %(per_period)s",
            model=report.model,
            version=report.version,
            per_period=per,
        )
    )
    return _save(fig, path)


PER_PERIOD = {"month": N_("per month"), "quarter": N_("per quarter"), "year": N_("per year")}
"""A period's length as a chart's axis names it."""


def readiness_chart(
    report: MonitoringReport, path: str | os.PathLike[str], *, tr: Translator | None = None
) -> Path:
    """Share of requirements met per domain, period by period."""
    t = _words(tr)
    fig, ax = _figure(9, 4)
    for d in report.domains:
        points = report.readiness_of(d)
        ax.plot([p.label for p in points], [p.share_met for p in points], marker="o", label=d)
    ax.set_ylim(0, 1.05)
    _percent_axis(ax.yaxis, t)
    ax.set_ylabel(t._("requirements met"))
    ax.set_title(t._("Organisation readiness per domain (people against their own roles)"))
    ax.legend(loc="lower right", fontsize="small")
    ax.grid(axis="y", alpha=0.3)
    return _save(fig, path)


__all__ = [
    "agreement_chart",
    "feedback_chart",
    "rating_distribution_chart",
    "rating_gap_chart",
    "readiness_chart",
    "selection_chart",
    "usage_chart",
]
