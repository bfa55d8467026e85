"""Adoption and use of a released model, period by period.

:func:`monitor` answers four questions about a model in use:

- **Coverage**: of the roles people hold, how many have a role profile (with
  requirements) in the model; how many people were assessed within the last period
  (the ``period``-long window that ends on the report date).
- **Use in processes**: per calendar period, how many assessments were made (and of how
  many people), how many development plans were drawn up, how many learning assignments
  were made and completed.
- **Trend**: for each usage series, the change over the last period and the
  least-squares slope per period, read as up, down or flat.
- **Readiness over time**: scoring's organisation readiness
  (:func:`~competency_core.scoring.organisation.organisation_readiness`) per domain at the
  end of each period: the share of requirements met and the mean gap. People are scored
  against their current roles, with the assessments that were current on each date;
  people whose role has no profile are counted in coverage and left out here.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from competency_core.analytics.periods import Period
from competency_core.analytics.ratings import AnalyticsError
from competency_core.model import CompetencyModel
from competency_core.people import Workforce
from competency_core.scoring import DEFAULT_POLICY, ScoringPolicy
from competency_core.scoring.organisation import organisation_readiness
from competency_core.scoring.plans import DevelopmentPlan


def _add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (earlier if negative), clipped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = dt.date(year + (month == 12), month % 12 + 1, 1)
    last = (following - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def period_start(day: dt.date, period: Period) -> dt.date:
    """The first day of the calendar period that contains ``day``.

    >>> period_start(dt.date(2026, 5, 17), Period.QUARTER)
    datetime.date(2026, 4, 1)
    """
    first_month = (day.month - 1) // period.months * period.months + 1
    return dt.date(day.year, first_month, 1)


def period_label(start: dt.date, period: Period) -> str:
    """``2026-05``, ``2026-Q2`` or ``2026``.

    >>> period_label(dt.date(2026, 4, 1), Period.QUARTER)
    '2026-Q2'
    """
    if period is Period.MONTH:
        return f"{start.year}-{start.month:02d}"
    if period is Period.QUARTER:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


def periods_until(on: dt.date, period: Period, count: int) -> list[tuple[dt.date, dt.date]]:
    """The last ``count`` calendar periods up to the one containing ``on``: (first, last day).

    The last period ends on ``on`` (it may be partial).

    >>> periods_until(dt.date(2026, 5, 17), Period.MONTH, 2)
    [(datetime.date(2026, 4, 1), datetime.date(2026, 4, 30)), (datetime.date(2026, 5, 1), datetime.date(2026, 5, 17))]
    """
    if count < 1:
        raise AnalyticsError(f"report at least one period (got {count})")
    last = period_start(on, period)
    out = []
    for i in range(count - 1, -1, -1):
        start = _add_months(last, -i * period.months)
        end = min(on, _add_months(start, period.months) - dt.timedelta(days=1))
        out.append((start, end))
    return out


class UsageKind(StrEnum):
    """The HR processes whose use of the model is counted."""

    ASSESSMENT = "assessment"
    DEVELOPMENT_PLAN = "development-plan"
    LEARNING_ASSIGNMENT = "learning-assignment"
    LEARNING_COMPLETED = "learning-completed"


class UsageEvent(BaseModel):
    """One use of the model in a process, on a date."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: UsageKind
    date: dt.date
    person: str | None = None


def usage_events(
    workforce: Workforce, plans: Iterable[DevelopmentPlan | UsageEvent] = ()
) -> list[UsageEvent]:
    """Usage events: assessments, learning assignments and completions, and plans.

    Development plans are dated by their ``on``; events may also be given directly.
    """
    out = [
        UsageEvent(kind=UsageKind.ASSESSMENT, date=a.date, person=a.person)
        for a in workforce.assessments
    ]
    for la in workforce.assignments:
        out.append(
            UsageEvent(kind=UsageKind.LEARNING_ASSIGNMENT, date=la.assigned, person=la.person)
        )
        if la.completed is not None:
            out.append(
                UsageEvent(kind=UsageKind.LEARNING_COMPLETED, date=la.completed, person=la.person)
            )
    for p in plans:
        if isinstance(p, UsageEvent):
            out.append(p)
        else:
            out.append(UsageEvent(kind=UsageKind.DEVELOPMENT_PLAN, date=p.on, person=p.person))
    return out


class PeriodUsage(BaseModel):
    """Use of the model in one period."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str
    start: dt.date
    end: dt.date
    assessments: int
    people_assessed: int = Field(description="Distinct people assessed in the period.")
    development_plans: int
    learning_assignments: int
    learning_completed: int

    def count(self, kind: UsageKind) -> int:
        """The count of one kind of use."""
        return {
            UsageKind.ASSESSMENT: self.assessments,
            UsageKind.DEVELOPMENT_PLAN: self.development_plans,
            UsageKind.LEARNING_ASSIGNMENT: self.learning_assignments,
            UsageKind.LEARNING_COMPLETED: self.learning_completed,
        }[kind]


class Trend(BaseModel):
    """How one series moved over the periods."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    series: str
    values: tuple[float, ...]
    change: float = Field(description="Last period minus the one before (0 with one period).")
    slope: float = Field(description="Least-squares change per period.")
    direction: str = Field(description="up, down or flat (|slope| <= tolerance x mean).")


def trend(series: str, values: Sequence[float], *, tolerance: float = 0.05) -> Trend:
    """The least-squares trend of a series; flat when ``|slope| <= tolerance * max(1, |mean|)``.

    >>> t = trend("x", [1, 2, 3, 5])
    >>> t.slope, t.change, t.direction
    (1.3, 2.0, 'up')
    """
    n = len(values)
    if n == 0:
        raise AnalyticsError("a trend needs at least one value")
    xs = range(n)
    mx = (n - 1) / 2
    my = math.fsum(values) / n
    den = math.fsum((x - mx) ** 2 for x in xs)
    slope = (
        math.fsum((x - mx) * (y - my) for x, y in zip(xs, values, strict=True)) / den
        if den
        else 0.0
    )
    slope = round(slope, 12)
    limit = tolerance * max(1.0, abs(my))
    direction = "flat" if abs(slope) <= limit else ("up" if slope > 0 else "down")
    return Trend(
        series=series,
        values=tuple(float(v) for v in values),
        change=float(values[-1] - values[-2]) if n > 1 else 0.0,
        slope=slope,
        direction=direction,
    )


class Coverage(BaseModel):
    """How much of the organisation the model reaches."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    people: int
    people_with_role: int
    roles_in_use: int = Field(description="Distinct roles people hold.")
    roles_with_profile: int = Field(
        description="Roles in use that have a profile with requirements in the model."
    )
    roles_without_profile: tuple[str, ...]
    model_roles: int
    people_assessed: int = Field(description="People assessed within the coverage window.")
    assessed_since: dt.date = Field(description="First day of that window.")

    @property
    def role_coverage(self) -> float:
        """Share of roles in use that have a profile (1 when no role is in use)."""
        return self.roles_with_profile / self.roles_in_use if self.roles_in_use else 1.0

    @property
    def assessed_share(self) -> float:
        """Share of people assessed within the coverage window."""
        return self.people_assessed / self.people if self.people else 0.0


class DomainReadiness(BaseModel):
    """Organisation readiness of one domain at the end of one period."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    label: str
    on: dt.date
    domain: str
    requirements: int
    share_met: float
    mean_gap: float
    coverage: float = Field(description="Share of (person, requirement) pairs assessed.")


class MonitoringReport(BaseModel):
    """Adoption and use of a model over the last periods."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    model: str
    version: str
    on: dt.date
    period: Period
    coverage: Coverage
    usage: tuple[PeriodUsage, ...] = Field(description="Oldest period first.")
    trends: tuple[Trend, ...]
    domains: tuple[str, ...]
    readiness: tuple[DomainReadiness, ...] = Field(
        description="Period by period, domain by domain."
    )

    def readiness_of(self, domain: str) -> tuple[DomainReadiness, ...]:
        """One domain's readiness, oldest period first."""
        return tuple(r for r in self.readiness if r.domain == domain)


def monitor(
    model: CompetencyModel,
    workforce: Workforce,
    *,
    on: dt.date | None = None,
    period: Period = Period.QUARTER,
    periods: int = 4,
    plans: Iterable[DevelopmentPlan | UsageEvent] = (),
    policy: ScoringPolicy = DEFAULT_POLICY,
    coverage_window: Period | None = None,
) -> MonitoringReport:
    """Coverage, use per period, trends and readiness per domain (see the module docs).

    ``coverage_window`` is how far back "assessed recently" looks (default: one
    ``period``), e.g. a year for organisations that review once a year.
    """
    day = on or dt.date.today()
    spans = periods_until(day, period, periods)
    events = usage_events(workforce, plans)
    usage: list[PeriodUsage] = []
    for start, end in spans:
        inside = [e for e in events if start <= e.date <= end]

        def n(kind: UsageKind, inside: list[UsageEvent] = inside) -> int:
            return sum(e.kind is kind for e in inside)

        usage.append(
            PeriodUsage(
                label=period_label(start, period),
                start=start,
                end=end,
                assessments=n(UsageKind.ASSESSMENT),
                people_assessed=len(
                    {e.person for e in inside if e.kind is UsageKind.ASSESSMENT and e.person}
                ),
                development_plans=n(UsageKind.DEVELOPMENT_PLAN),
                learning_assignments=n(UsageKind.LEARNING_ASSIGNMENT),
                learning_completed=n(UsageKind.LEARNING_COMPLETED),
            )
        )
    trends = [trend(kind.value, [u.count(kind) for u in usage]) for kind in UsageKind] + [
        trend("people-assessed", [u.people_assessed for u in usage])
    ]
    window = coverage_window or period
    since = _add_months(day, -window.months) + dt.timedelta(days=1)
    assessed = {a.person for a in workforce.assessments if since <= a.date <= day}
    held = sorted({p.role for p in workforce.people if p.role})
    profiled = [r for r in held if model.has_role(r) and model.role(r).requirements]
    coverage = Coverage(
        people=len(workforce.people),
        people_with_role=sum(p.role is not None for p in workforce.people),
        roles_in_use=len(held),
        roles_with_profile=len(profiled),
        roles_without_profile=tuple(r for r in held if r not in profiled),
        model_roles=len(model.roles),
        people_assessed=len(assessed & {p.key for p in workforce.people}),
        assessed_since=since,
    )
    domains = tuple(dict.fromkeys(c.domain for c in model.competencies))
    readiness: list[DomainReadiness] = []
    # people whose role has no profile are counted in coverage, not scored
    scored = Workforce(
        model=workforce.model,
        people=tuple(p for p in workforce.people if p.role is None or model.has_role(p.role)),
        assessments=workforce.assessments,
        evidence=workforce.evidence,  # certifications and courses count as in every score
    )
    for (_, end), u in zip(spans, usage, strict=True):
        org = organisation_readiness(model, scored, policy=policy, on=end)
        by_domain = {s.key: s for s in org.by_domain}
        for d in domains:
            s = by_domain.get(d)
            if s is None:
                continue
            readiness.append(
                DomainReadiness(
                    label=u.label,
                    on=end,
                    domain=d,
                    requirements=s.requirements,
                    share_met=s.share_met,
                    mean_gap=s.mean_gap,
                    coverage=s.coverage,
                )
            )
    return MonitoringReport(
        model=model.key,
        version=model.version,
        on=day,
        period=period,
        coverage=coverage,
        usage=tuple(usage),
        trends=tuple(trends),
        domains=tuple(d for d in domains if any(r.domain == d for r in readiness)),
        readiness=tuple(readiness),
    )


__all__ = [
    "Coverage",
    "DomainReadiness",
    "MonitoringReport",
    "Period",
    "PeriodUsage",
    "Trend",
    "UsageEvent",
    "UsageKind",
    "monitor",
    "period_label",
    "period_start",
    "periods_until",
    "trend",
    "usage_events",
]
