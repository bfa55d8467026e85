from __future__ import annotations

import datetime as dt

import pytest
from analytics_helpers import five_point_model

from competency_core.analytics.monitoring import (
    Period,
    UsageEvent,
    UsageKind,
    monitor,
    period_label,
    period_start,
    periods_until,
    trend,
)
from competency_core.analytics.ratings import AnalyticsError
from competency_core.people import Assessment, LearningAssignment, Person, Workforce
from competency_core.scoring.organisation import organisation_readiness

D = dt.date


def test_periods() -> None:
    assert period_start(D(2026, 11, 30), Period.QUARTER) == D(2026, 10, 1)
    assert period_start(D(2026, 11, 30), Period.YEAR) == D(2026, 1, 1)
    assert period_label(D(2026, 10, 1), Period.QUARTER) == "2026-Q4"
    assert period_label(D(2026, 1, 1), Period.YEAR) == "2026"
    assert periods_until(D(2026, 2, 10), Period.QUARTER, 3) == [
        (D(2025, 7, 1), D(2025, 9, 30)),
        (D(2025, 10, 1), D(2025, 12, 31)),
        (D(2026, 1, 1), D(2026, 2, 10)),
    ]
    assert periods_until(D(2024, 3, 31), Period.MONTH, 2)[0] == (D(2024, 2, 1), D(2024, 2, 29))
    with pytest.raises(AnalyticsError):
        periods_until(D(2026, 1, 1), Period.MONTH, 0)


def test_trend_by_hand() -> None:
    # x = 0..3, y = 1, 2, 3, 5: slope = sum((x - 1.5)(y - 2.75)) / sum((x - 1.5)^2) = 6.5 / 5
    t = trend("s", [1, 2, 3, 5])
    assert t.slope == pytest.approx(1.3)
    assert t.change == 2.0
    assert t.direction == "up"
    assert trend("s", [4, 2]).direction == "down"
    assert trend("s", [10, 10, 10.2]).direction == "flat"  # slope .1 <= 5% of the mean
    assert trend("s", [3]).slope == 0.0
    with pytest.raises(AnalyticsError):
        trend("s", [])


def small_workforce() -> Workforce:
    people = [
        Person(key="a", name="A", role="r1"),
        Person(key="b", name="B", role="r1"),
        Person(key="c", name="C", role="ghost"),  # a role the model has no profile for
        Person(key="d", name="D"),
    ]

    def a(person: str, comp: str, level: int, day: dt.date) -> Assessment:
        return Assessment(person=person, competency=comp, level=level, date=day)

    assessments = [
        a("a", "alpha", 3, D(2026, 1, 15)),
        a("a", "beta", 2, D(2026, 1, 20)),
        a("b", "alpha", 4, D(2026, 2, 3)),
        a("b", "beta", 3, D(2026, 3, 30)),
        a("a", "beta", 3, D(2026, 3, 31)),
    ]
    assignments = [
        LearningAssignment(person="a", resource="x", assigned=D(2026, 2, 1)),
        LearningAssignment(
            person="b",
            resource="x",
            assigned=D(2026, 2, 2),
            status="completed",
            completed=D(2026, 3, 5),
        ),
    ]
    return Workforce(people=people, assessments=assessments, assignments=assignments)


def test_monitor_counts_use_per_period_by_hand() -> None:
    model = five_point_model(["alpha", "beta"])
    wf = small_workforce()
    plans = [UsageEvent(kind=UsageKind.DEVELOPMENT_PLAN, date=D(2026, 3, 1), person="a")]
    r = monitor(model, wf, on=D(2026, 3, 31), period=Period.MONTH, periods=3, plans=plans)
    assert [u.label for u in r.usage] == ["2026-01", "2026-02", "2026-03"]
    assert [u.assessments for u in r.usage] == [2, 1, 2]
    assert [u.people_assessed for u in r.usage] == [1, 1, 2]
    assert [u.learning_assignments for u in r.usage] == [0, 2, 0]
    assert [u.learning_completed for u in r.usage] == [0, 0, 1]
    assert [u.development_plans for u in r.usage] == [0, 0, 1]
    by_series = {t.series: t for t in r.trends}
    assert by_series["assessment"].values == (2.0, 1.0, 2.0)
    assert by_series["assessment"].slope == 0.0
    c = r.coverage
    assert (c.people, c.people_with_role, c.roles_in_use, c.roles_with_profile) == (4, 3, 2, 1)
    assert c.roles_without_profile == ("ghost",)
    assert c.role_coverage == 0.5
    # assessed within the last month (2026-03-01 .. 2026-03-31): a and b
    assert c.assessed_since == D(2026, 3, 1)
    assert (c.people_assessed, c.assessed_share) == (2, 0.5)
    wide = monitor(model, wf, on=D(2026, 3, 31), period=Period.MONTH, coverage_window=Period.YEAR)
    assert wide.coverage.assessed_since == D(2025, 4, 1)


def test_readiness_per_domain_follows_scoring(se_model, se_people) -> None:  # type: ignore[no-untyped-def]
    r = monitor(se_model, se_people, on=D(2026, 6, 30), period=Period.QUARTER, periods=2)
    assert r.domains == ("technical", "behavioural", "leadership")
    for point in r.readiness:
        org = organisation_readiness(se_model, se_people, on=point.on)
        stat = next(s for s in org.by_domain if s.key == point.domain)
        assert point.share_met == stat.share_met
        assert point.mean_gap == stat.mean_gap
        assert point.requirements == stat.requirements
    q1, q2 = (r.readiness_of("technical")[i].share_met for i in range(2))
    assert q2 >= q1  # more assessed by the end of Q2 than of Q1
