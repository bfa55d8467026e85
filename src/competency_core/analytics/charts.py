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
from matplotlib.ticker import MaxNLocator, PercentFormatter

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
) -> Path:
    """Stacked bars per competency: rated answers per level, then "cannot rate" and blank."""
    rows = [i for i in items.items if i.answers]
    fig, ax = _figure(9, _height(len(rows)) + 0.4)
    if not rows:
        ax.text(0.5, 0.5, "no ratings", ha="center", va="center")
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
            label=f"{lv} {labels[lv]}" if lv in labels else f"level {lv}",
            edgecolor="white",
            linewidth=0.5,
        )
        left = [a + b for a, b in zip(left, widths, strict=True)]
    for share, colour, label in (
        ([i.cannot_rate / i.answers for i in rows], "#e67e22", "cannot rate"),
        ([i.missing / i.answers for i in rows], MUTED, "blank"),
    ):
        ax.barh(y, share, left=left, color=colour, label=label, edgecolor="white", linewidth=0.5)
        left = [a + b for a, b in zip(left, share, strict=True)]
    ax.set_yticks(y, [names.get(i.competency, i.competency) for i in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel("share of answers")
    ax.set_title("How raters answered, per competency (flagged ones in red)")
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
) -> Path:
    """Krippendorff's alpha per competency, with the 0.667 and 0.8 guide lines."""
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
        text = "n/a" if a.alpha is None else f"{a.alpha:.2f} ({a.pairable_people} people)"
        x = max(0.0, values[n]) + 0.02
        ax.text(x, n, text, va="center", fontsize="small")
    ax.axvline(
        threshold, color=WARN, linestyle="--", linewidth=1, label=f"{threshold:g}: lowest usable"
    )
    ax.axvline(0.8, color=GOOD, linestyle=":", linewidth=1.2, label="0.8: reliable")
    ax.axvline(0, color="black", linewidth=0.6)
    ax.set_yticks(y, [names.get(a.competency, a.competency) for a in rows])
    ax.invert_yaxis()
    lo = min(-0.2, *(v - 0.1 for v in values))
    ax.set_xlim(lo, 1.4)
    ax.set_xticks([t / 10 for t in range(math.ceil(lo * 5) * 2, 11, 2)])
    ax.set_xlabel(f"Krippendorff's alpha (grey: fewer than {min_people} people rated twice)")
    ax.set_title("Do raters of the same person agree?")
    fig.legend(loc="outside lower center", ncol=2, frameon=False, fontsize="small")
    _mark_flagged(ax, {n for n, c in enumerate(colours) if c == WARN})
    return _save(fig, path)


def rating_gap_chart(
    gaps: RatingGapReport, names: dict[str, str], path: str | os.PathLike[str]
) -> Path:
    """Mean self-minus-manager difference per competency (right: people rate themselves higher)."""
    rows = list(gaps.by_competency)
    fig, ax = _figure(9, _height(len(rows)))
    if not rows:
        ax.text(
            0.5,
            0.5,
            f"no {gaps.first.value} and {gaps.second.value} ratings of the same person",
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
            f"{s.pairs} pairs",
            va="center",
            ha="left" if values[n] >= 0 else "right",
            fontsize="small",
        )
    ax.set_yticks(y, [names.get(s.key, s.key) for s in rows])
    ax.invert_yaxis()
    span = max([0.5, *(abs(v) for v in values)]) * 1.5
    ax.set_xlim(-span, span)
    ax.set_xlabel(
        f"mean {gaps.first.value} - {gaps.second.value} (levels); "
        "right of 0: over-rating, left: under-rating"
    )
    ax.set_title(f"{gaps.first.value.capitalize()} vs {gaps.second.value} ratings")
    return _save(fig, path)


def feedback_chart(
    summary: FeedbackSummary, names: dict[str, str], path: str | os.PathLike[str]
) -> Path:
    """Mean clarity and relevance (1-5) per competency, with the NPS in the title."""
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
        label="clarity",
        color=[WARN if v < 3 else OK for v in clarity],
    )
    ax.barh([v + h / 2 for v in y], relevance, height=h, label="relevance", color=MUTED)
    ax.axvline(3, color="black", linewidth=0.6, linestyle=":")
    ax.set_yticks(y, [names.get(c.competency, c.competency) for c in rows])
    ax.invert_yaxis()
    ax.set_xlim(0, 5.2)
    ax.set_xlabel("mean rating, 1 (low) to 5 (high)")
    nps = f"NPS {summary.nps.score:+.0f} ({summary.nps.responses} answers)" if summary.nps else ""
    ax.set_title(f"Participants' feedback {nps}".strip())
    ax.legend(loc="lower right", fontsize="small")
    _mark_flagged(ax, {n for n, v in enumerate(clarity) if 0 < v < 3})
    return _save(fig, path)


def selection_chart(selection: PilotSelection, path: str | os.PathLike[str]) -> Path:
    """People per stratum: the population and those selected for the pilot."""
    rows = list(selection.strata)
    fig, ax = _figure(9, _height(len(rows)))
    y = list(range(len(rows)))
    ax.barh(y, [s.population for s in rows], color="#d6eaf8", label="people in the stratum")
    ax.barh(y, [s.selected for s in rows], color=OK, height=0.5, label="selected for the pilot")
    ax.set_yticks(y, [", ".join(s.values.values()) for s in rows])
    ax.invert_yaxis()
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("people")
    ax.set_title(
        f"Pilot group: {selection.size} of {selection.population} people, "
        f"{selection.represented} of {len(rows)} strata represented"
    )
    ax.legend(loc="lower right", fontsize="small")
    _mark_flagged(ax, {n for n, s in enumerate(rows) if not s.represented})
    return _save(fig, path)


def usage_chart(report: MonitoringReport, path: str | os.PathLike[str]) -> Path:
    """Use of the model per period: assessments (top), plans and learning (bottom)."""
    fig = Figure(figsize=(9, 5.5), dpi=DPI, layout="constrained")
    top, bottom = fig.subplots(2, 1, sharex=True)
    labels = [u.label for u in report.usage]
    panels: list[tuple[Axes, list[tuple[str, list[int], dict[str, Any]]]]] = [
        (
            top,
            [
                ("assessments", [u.assessments for u in report.usage], {"color": OK}),
                (
                    "people assessed",
                    [u.people_assessed for u in report.usage],
                    {"color": OK, "linestyle": "--"},
                ),
            ],
        ),
        (
            bottom,
            [
                ("development plans", [u.development_plans for u in report.usage], {"color": GOOD}),
                (
                    "learning assigned",
                    [u.learning_assignments for u in report.usage],
                    {"color": "#8e44ad"},
                ),
                (
                    "learning completed",
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
        ax.set_ylabel(f"per {report.period.value}")
        ax.legend(loc="upper left", fontsize="small")
        ax.grid(axis="y", alpha=0.3)
    top.set_title(f"Use of {report.model} {report.version} per {report.period.value}")
    return _save(fig, path)


def readiness_chart(report: MonitoringReport, path: str | os.PathLike[str]) -> Path:
    """Share of requirements met per domain, period by period."""
    fig, ax = _figure(9, 4)
    for d in report.domains:
        points = report.readiness_of(d)
        ax.plot([p.label for p in points], [p.share_met for p in points], marker="o", label=d)
    ax.set_ylim(0, 1.05)
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel("requirements met")
    ax.set_title("Organisation readiness per domain (people against their own roles)")
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
