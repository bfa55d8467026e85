"""Adoption targets against a monitoring report: whether the release is on track.

The release kit says which figures of ``competency monitor`` adoption is measured by and
the targets set for them (``metadata.release.targets``). :func:`check_targets` reads a
:class:`~competency_core.analytics.monitoring.MonitoringReport` and says, for each target,
the figure reached and whether the target is met, still open or missed:

- shares: ``role-coverage`` and ``assessed-share`` from the report's coverage;
  ``share-met`` from the readiness of the last period (one domain, or all domains
  together, weighted by their requirements);
- counts (``assessments``, ``people-assessed``, ``development-plans``,
  ``learning-assignments``, ``learning-completed``): the last period of the report.

A target is *met* when the figure reaches its value, *missed* when the report's date is on
or after the target's date and it does not, and *open* before then.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from competency_core.model import CompetencyModel
from competency_core.release_plan import AdoptionMetric, AdoptionTarget

if TYPE_CHECKING:
    from competency_core.analytics.monitoring import MonitoringReport


class TargetState(StrEnum):
    """Where a target stands on the report's date."""

    MET = "met"
    OPEN = "open"
    MISSED = "missed"


@dataclass(frozen=True)
class TargetCheck:
    """One target with the figure the monitoring report gives for it."""

    target: AdoptionTarget
    actual: float | None
    """The figure; None when the report has nothing for it (e.g. no readiness of the domain)."""
    state: TargetState


def figure(
    report: MonitoringReport, metric: AdoptionMetric, domain: str | None = None
) -> float | None:
    """The value of one figure in a monitoring report (see the module docs)."""
    if metric is AdoptionMetric.ROLE_COVERAGE:
        return report.coverage.role_coverage
    if metric is AdoptionMetric.ASSESSED_SHARE:
        return report.coverage.assessed_share
    if metric is AdoptionMetric.SHARE_MET:
        if not report.readiness:
            return None
        last = max(r.on for r in report.readiness)
        rows = [
            r
            for r in report.readiness
            if r.on == last and (domain is None or r.domain == domain) and r.requirements
        ]
        total = sum(r.requirements for r in rows)
        return sum(r.share_met * r.requirements for r in rows) / total if total else None
    if not report.usage:
        return None
    period = report.usage[-1]
    counts = {
        AdoptionMetric.ASSESSMENTS: period.assessments,
        AdoptionMetric.PEOPLE_ASSESSED: period.people_assessed,
        AdoptionMetric.DEVELOPMENT_PLANS: period.development_plans,
        AdoptionMetric.LEARNING_ASSIGNMENTS: period.learning_assignments,
        AdoptionMetric.LEARNING_COMPLETED: period.learning_completed,
    }
    return float(counts[metric])


def check_targets(model: CompetencyModel, report: MonitoringReport) -> tuple[TargetCheck, ...]:
    """Each of the model's adoption targets against ``report``, in date order."""
    plan = model.metadata.release
    if plan is None:
        return ()
    out = []
    for t in sorted(plan.targets, key=lambda t: (t.by, list(AdoptionMetric).index(t.metric))):
        actual = figure(report, t.metric, t.domain)
        if actual is not None and actual >= t.value:
            state = TargetState.MET
        elif report.on >= t.by:
            state = TargetState.MISSED
        else:
            state = TargetState.OPEN
        out.append(TargetCheck(t, actual, state))
    return tuple(out)


__all__ = ["TargetCheck", "TargetState", "check_targets", "figure"]
