from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from analytics_helpers import five_point_model
from hypothesis import given
from hypothesis import strategies as st

from competency_core.analytics.feedback import (
    CompetencyFeedback,
    FeedbackPhase,
    FeedbackSubmission,
    load_feedback,
    net_promoter_score,
    phase_of,
    store_feedback,
    summarise_feedback,
)
from competency_core.analytics.ratings import AnalyticsError
from competency_core.store import Feedback, Store

T0 = dt.datetime(2026, 3, 9, 12, tzinfo=dt.UTC)


def test_nps_standard_definition_by_hand() -> None:
    # 4 promoters (9, 10, 9, 10), 2 passives (7, 8), 4 detractors (0, 6, 5, 3): 40% - 40% = 0
    n = net_promoter_score([9, 10, 9, 10, 7, 8, 0, 6, 5, 3])
    assert (n.promoters, n.passives, n.detractors, n.responses) == (4, 2, 4, 10)
    assert n.score == 0.0
    assert net_promoter_score([10, 9, 8]).score == pytest.approx(100 * 2 / 3)
    assert net_promoter_score([6, 6, 9, 7]).score == -25.0
    assert net_promoter_score([10]).score == 100.0
    assert net_promoter_score([0]).score == -100.0
    assert net_promoter_score([7, 8]).score == 0.0
    assert net_promoter_score([9, 9, 0]).distribution[9] == 2


def test_nps_refuses_bad_answers() -> None:
    with pytest.raises(AnalyticsError):
        net_promoter_score([])
    with pytest.raises(AnalyticsError, match="0-10"):
        net_promoter_score([11])


@given(st.lists(st.integers(0, 10), min_size=1, max_size=200))
def test_nps_lies_in_range_and_follows_its_definition(scores: list[int]) -> None:
    n = net_promoter_score(scores)
    assert -100.0 <= n.score <= 100.0
    assert n.promoters + n.passives + n.detractors == len(scores)
    expected = 100 * (sum(s >= 9 for s in scores) - sum(s <= 6 for s in scores)) / len(scores)
    assert n.score == pytest.approx(expected)


def submission(who: str | None, nps: int | None, clarity: int, **kw: object) -> FeedbackSubmission:
    return FeedbackSubmission(
        model="test-model",
        model_version="1.0.0",
        respondent=who,
        nps=nps,
        comment=kw.pop("comment", None),  # type: ignore[arg-type]
        competencies=(
            CompetencyFeedback(
                competency="alpha", clarity=clarity, relevance=4, comment=kw.pop("note", None)
            ),  # type: ignore[arg-type]
        ),
        submitted_at=kw.pop("at", T0),  # type: ignore[arg-type]
        phase=kw.pop("phase", FeedbackPhase.PILOT),  # type: ignore[arg-type]
    )


def test_a_submission_becomes_store_records_tagged_with_its_phase() -> None:
    s = submission("ann", 9, 2, comment="Good start", note="What is 'alpha'?")
    general, alpha = s.records()
    assert (general.nps, general.text, general.competency) == (9, "Good start", None)
    assert (alpha.competency, alpha.clarity, alpha.relevance) == ("alpha", 2, 4)
    assert alpha.text == "What is 'alpha'?"
    assert all(phase_of(r) is FeedbackPhase.PILOT for r in (general, alpha))
    empty = FeedbackSubmission(
        model="m", competencies=(CompetencyFeedback(competency="alpha"),), submitted_at=T0
    )
    assert empty.records() == ()


def test_summary_by_hand() -> None:
    model = five_point_model(["alpha", "beta"])
    later = T0 + dt.timedelta(days=1)
    items = [
        submission("ann", 3, 1, note="Too vague"),
        submission("ann", 10, 2, at=later),  # ann's latest NPS counts, once
        submission("bob", 8, 5, comment="Clear"),
        submission(None, 9, 4),  # anonymous counts
        submission("cy", 0, 5, phase=FeedbackPhase.RELEASE),
        Feedback(model="other", nps=0, submitted_at=T0),  # another model: ignored
    ]
    s = summarise_feedback(items, model=model, phase=FeedbackPhase.PILOT)
    assert s.nps is not None
    assert (s.nps.responses, s.nps.promoters, s.nps.passives, s.nps.detractors) == (3, 2, 1, 0)
    assert s.nps.score == pytest.approx(100 * 2 / 3)
    (alpha,) = s.competencies
    assert alpha.name == "Alpha"
    assert alpha.clarity == pytest.approx((1 + 2 + 5 + 4) / 4)
    assert alpha.low_clarity_share == 0.5
    assert alpha.relevance == 4.0
    assert alpha.comments == ("Too vague",)
    assert s.comments == ("Clear",)
    assert s.respondents == 2
    assert [c.competency for c in s.unclear] == []
    everything = summarise_feedback(items, model=model)
    assert everything.nps is not None
    assert everything.nps.responses == 4  # cy's release answer too


def test_feedback_round_trips_through_the_store(tmp_path: Path) -> None:
    with Store(tmp_path / "fb.sqlite3") as store:
        stored = store_feedback(
            store,
            [submission("ann", 9, 2), submission("bob", 4, 1, phase=FeedbackPhase.RELEASE)],
        )
        assert len(stored) == 4
        assert all(r.id is not None for r in stored)
        pilot = load_feedback(store, "test-model", phase=FeedbackPhase.PILOT)
        everything = load_feedback(store, "test-model")
    assert len(pilot) == 2
    assert len(everything) == 4
    s = summarise_feedback(pilot, model="test-model")
    assert s.nps is not None
    assert s.nps.score == 100.0
    assert s.competencies[0].clarity == 2.0
