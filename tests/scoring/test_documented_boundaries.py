"""The defaults and boundaries docs/scoring.md states ("Defaults and boundaries ...")."""

from __future__ import annotations

import datetime as dt

import pytest

from competency_core.errors import ScoringError
from competency_core.people import Assessment
from competency_core.roles import Requirement
from competency_core.scoring import ScoringPolicy, score_role
from competency_core.scoring.policy import READY_TOLERANCE
from competency_core.testing.samples import sample_model

ON = dt.date(2026, 4, 1)


def test_a_requirement_is_essential_unless_it_says_otherwise() -> None:
    req = Requirement(competency="python", level=3)
    assert req.essential is True
    assert req.weight == 1.0


@pytest.mark.parametrize(
    ("made", "expires", "counts"),
    [
        (ON, None, True),  # made on the scoring day
        (ON + dt.timedelta(days=1), None, False),  # made after it
        (ON - dt.timedelta(days=30), ON, True),  # expires on the scoring day: still counts
        (ON - dt.timedelta(days=30), ON - dt.timedelta(days=1), False),  # expired the day before
    ],
)
def test_an_assessment_counts_from_its_date_through_its_expiry(
    made: dt.date, expires: dt.date | None, counts: bool
) -> None:
    cert = Assessment(
        person="p",
        competency="python",
        level=5,
        rater_type="certification",
        date=made,
        expires=expires,
    )
    s = score_role(sample_model(), "engineer", [cert], on=ON)
    python = s.requirement("python")
    assert python is not None
    assert python.assessed is counts


def test_only_a_mapping_from_the_assessment_scale_to_the_competency_scale_is_used() -> None:
    model = sample_model()
    (mapping,) = model.scale_mappings  # three -> five
    assert (mapping.source, mapping.target) == ("three", "five")
    forward = Assessment(person="p", competency="python", level=2, scale="three", date=ON)
    python = score_role(model, "engineer", [forward], on=ON).requirement("python")
    assert python is not None
    assert python.actual == 3.0  # 2 on three is 3 on five
    # mentoring measured on "three", rated on "five": the three -> five mapping is not inverted
    mentoring = model.competency("mentoring").model_copy(update={"scale": "three"})
    turned = model.model_copy(
        update={
            "competencies": tuple(
                mentoring if c.key == "mentoring" else c for c in model.competencies
            )
        }
    )
    backwards = Assessment(person="p", competency="mentoring", level=5, scale="five", date=ON)
    with pytest.raises(ScoringError, match="declares no mapping from 'five' to 'three'"):
        score_role(turned, "engineer", [backwards], on=ON)


def test_ready_compares_with_the_threshold_within_the_tolerance() -> None:
    assert READY_TOLERANCE == 1e-9
    model = sample_model()
    rated = [
        Assessment(person="p", competency=q.competency, level=q.level - (not q.essential), date=ON)
        for q in model.role("engineer").requirements
    ]
    r = score_role(model, "engineer", rated, on=ON).readiness
    assert 0 < r < 1
    within = ScoringPolicy(ready_threshold=r + READY_TOLERANCE / 2)
    beyond = ScoringPolicy(ready_threshold=r + READY_TOLERANCE * 2)
    assert score_role(model, "engineer", rated, on=ON, policy=within).ready
    assert not score_role(model, "engineer", rated, on=ON, policy=beyond).ready
