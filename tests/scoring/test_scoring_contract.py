"""The gap scoring contract (DESIGN.md), property by property, with hypothesis.

Each property runs on the library's one-pair function. Below, each check is also shown to
fail on a plausible wrong implementation (a "mutant" of a small independent scorer that
passes every check when it is right), so no property is vacuous.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from competency_core.people import Workforce
from competency_core.scoring import ScoringPolicy, readiness_matrix, score_role
from competency_core.scoring.levels import level_on_competency_scale
from competency_core.scoring.policy import Aggregation, UnassessedPolicy
from competency_core.testing import properties as P
from competency_core.testing import strategies as cst

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
CASES = cst.scoring_cases()


# -- every property of the contract on the library's pair function ---------------------


@SETTINGS
@given(CASES)
def test_scores_lie_in_unit_interval(case: P.ScoringCase) -> None:
    P.check_bounds(P.library_score, case)


@SETTINGS
@given(CASES)
def test_figures_follow_the_formulas(case: P.ScoringCase) -> None:
    P.check_formulas(P.library_score, case)


@SETTINGS
@given(CASES)
def test_gap_is_zero_exactly_when_every_requirement_is_met(case: P.ScoringCase) -> None:
    P.check_zero_gap_iff_met(P.library_score, case)


@SETTINGS
@given(CASES)
def test_raising_an_actual_level_never_raises_the_gap(case: P.ScoringCase) -> None:
    P.check_raising_actual(P.library_score, case)


@SETTINGS
@given(CASES)
def test_raising_a_requirement_never_lowers_the_gap(case: P.ScoringCase) -> None:
    P.check_raising_requirement(P.library_score, case)


@SETTINGS
@given(CASES, st.integers(0, 2**16))
def test_order_of_requirements_and_assessments_does_not_matter(
    case: P.ScoringCase, seed: int
) -> None:
    P.check_order_invariance(P.library_score, case, seed)


@SETTINGS
@given(CASES, st.sampled_from([0.001, 0.5, 3.0, 7.0, 1000.0]))
def test_scaling_all_weights_changes_nothing(case: P.ScoringCase, k: float) -> None:
    P.check_weight_scaling(P.library_score, case, k)


@SETTINGS
@given(CASES, st.integers(1, 5), st.integers(-20, 20))
def test_affine_renumbering_of_scales_changes_nothing(case: P.ScoringCase, a: int, b: int) -> None:
    P.check_affine_renumbering(P.library_score, case, a, b)


@SETTINGS
@given(CASES)
def test_unmet_essential_means_not_ready(case: P.ScoringCase) -> None:
    P.check_unmet_essential(P.library_score, case)


@SETTINGS
@given(CASES)
def test_expired_and_future_assessments_are_ignored(case: P.ScoringCase) -> None:
    P.check_expired_ignored(P.library_score, case)


@SETTINGS
@given(CASES)
def test_unassessed_policy_is_what_it_says(case: P.ScoringCase) -> None:
    P.check_unassessed_policy(P.library_score, case)


@SETTINGS
@given(CASES)
def test_assessments_on_mapped_scales_are_converted(case: P.ScoringCase) -> None:
    P.check_scale_conversion(P.library_score, case)


@st.composite
def _bulk_inputs(draw: st.DrawFn) -> tuple[Any, Workforce, ScoringPolicy, dt.date]:
    model = draw(cst.scoring_models(n_roles=(0, 4)))
    wf = draw(cst.workforces(model, n_people=(0, 5), assessments_per_person=(0, 10)))
    return (
        model,
        wf,
        draw(cst.scoring_policies()),
        draw(st.dates(dt.date(2023, 1, 1), dt.date(2026, 12, 31))),
    )


@SETTINGS
@given(_bulk_inputs(), st.sampled_from([1, 2, 4096]))
def test_bulk_engine_equals_the_pair_function(inputs: Any, chunk: int) -> None:
    model, wf, policy, on = inputs

    def bulk(m: Any, w: Any, **kw: Any) -> Any:
        return readiness_matrix(m, w, chunk_size=chunk, **kw)

    P.check_bulk_matches_pair(model, wf, policy=policy, on=on, bulk=bulk)


# -- a second, independent scorer: right, then deliberately wrong ------------------------


def naive_score(case: P.ScoringCase, **bug: bool) -> Any:
    """A plain re-implementation for the latest / priority aggregations, with optional bugs."""
    m, pol = case.model, case.policy
    current = [a for a in case.assessments if bug.get("keep_expired") or a.is_current(case.on)]
    chosen: dict[str, float] = {}
    by_comp: dict[str, list[Any]] = {}
    for a in current:
        by_comp.setdefault(a.competency, []).append(a)
    for c, items in by_comp.items():
        scale = m.scale_of(c)
        if bug.get("last_in_list"):
            picks = [items[-1]]
        else:
            if pol.aggregation is Aggregation.PRIORITY:
                best = min(pol.rater_rank(a.rater_type) for a in items)
                items = [a for a in items if pol.rater_rank(a.rater_type) == best]
            last = max(a.date for a in items)
            picks = [a for a in items if a.date == last]
            best = min(pol.rater_rank(a.rater_type) for a in picks)
            picks = [a for a in picks if pol.rater_rank(a.rater_type) == best]
        if bug.get("ignore_mapping"):
            levels = [min(max(a.level, scale.min_value), scale.max_value) for a in picks]
        else:
            levels = [level_on_competency_scale(m, a) for a in picks]
        if bug.get("not_normalised"):
            chosen[c] = sum(levels) / len(levels) - scale.min_value
        elif bug.get("by_max"):
            chosen[c] = sum(levels) / len(levels) / scale.max_value
        else:
            chosen[c] = math.fsum(scale.normalise(v) for v in levels) / len(levels)
    rows = []
    for r in case.role.requirements:
        scale = m.scale_of(r.competency)
        if bug.get("not_normalised"):
            q = float(r.level - scale.min_value)
        elif bug.get("by_max"):
            q = r.level / scale.max_value
        else:
            q = scale.normalise(r.level)
        if r.competency in chosen:
            a = chosen[r.competency]
        elif pol.unassessed is UnassessedPolicy.MINIMUM and not bug.get("drop_unassessed"):
            a = q * 0.0 if not bug.get("by_max") else scale.min_value / scale.max_value
        else:
            if r.essential and q > (
                0.0 if not bug.get("by_max") else scale.min_value / scale.max_value
            ):
                rows.append((r, None, None))
            continue
        if bug.get("wrong_direction"):
            g = max(0.0, a - q)
        elif bug.get("absolute"):
            g = abs(q - a)
        else:
            g = max(0.0, q - a)
        rows.append((r, q, g))
    counted = [(r, q, g) for r, q, g in rows if q is not None]
    w = (lambda r: 1.0) if bug.get("ignore_weights") else (lambda r: r.weight)
    total = math.fsum(w(r) for r, _, _ in counted)
    if bug.get("gap_over_unmet"):
        total = math.fsum(w(r) for r, _, g in counted if g > 0)
    if bug.get("unnormalised_weights"):
        total = 1.0 if counted else 0.0
    mass = math.fsum(w(r) * g for r, _, g in counted)
    req = math.fsum(w(r) * q for r, q, _ in counted)
    readiness = 1.0 - mass / req if req > 0 else 1.0
    blocked = any(r.essential and (q is None or g > 0) for r, q, g in rows)
    if bug.get("ignore_essentials"):
        blocked = False

    @dataclasses.dataclass
    class Result:
        readiness: float
        gap: float
        ready: bool

    return Result(
        readiness=readiness,
        gap=mass / total if total > 0 else 0.0,
        ready=not blocked and readiness >= pol.ready_threshold - 1e-9,
    )


NAIVE_CASES = cst.scoring_cases(
    policy=cst.scoring_policies(
        aggregation=st.sampled_from([Aggregation.LATEST, Aggregation.PRIORITY])
    )
)


def test_a_second_correct_scorer_passes_the_whole_contract() -> None:
    P.run_contract(naive_score, cases=NAIVE_CASES, max_examples=60)


MUTANTS = [
    ("not_normalised", P.check_bounds),
    ("ignore_weights", P.check_formulas),
    ("wrong_direction", P.check_raising_actual),
    ("absolute", P.check_zero_gap_iff_met),
    ("by_max", P.check_affine_renumbering),
    ("last_in_list", P.check_order_invariance),
    ("keep_expired", P.check_expired_ignored),
    ("ignore_essentials", P.check_unmet_essential),
    ("drop_unassessed", P.check_unassessed_policy),
    ("gap_over_unmet", P.check_raising_requirement),
    ("unnormalised_weights", P.check_weight_scaling),
    ("ignore_mapping", P.check_scale_conversion),
]


@pytest.mark.parametrize(("bug", "check"), MUTANTS, ids=[m[0] for m in MUTANTS])
def test_each_check_catches_a_plausible_bug(bug: str, check: P.Check) -> None:
    def mutant(case: P.ScoringCase) -> Any:
        return naive_score(case, **{bug: True})

    with pytest.raises(AssertionError):
        P.run_contract(mutant, cases=NAIVE_CASES, checks=[check], max_examples=300, shrink=False)


def test_bulk_check_catches_a_bulk_engine_that_ignores_the_policy() -> None:
    from competency_core.testing.samples import sample_model, sample_workforce

    def wrong(m: Any, w: Any, **kw: Any) -> Any:
        kw["policy"] = ScoringPolicy()  # always the default: ignores "exclude"
        return readiness_matrix(m, w, **kw)

    with pytest.raises(AssertionError):
        P.check_bulk_matches_pair(
            sample_model(),
            sample_workforce(),
            policy=ScoringPolicy(unassessed="exclude"),
            on=dt.date(2026, 1, 1),
            bulk=wrong,
        )


def test_score_role_is_the_library_score() -> None:
    from competency_core.testing.samples import sample_assessments, sample_model

    m = sample_model()
    case = P.ScoringCase(m, m.role("engineer"), sample_assessments(), dt.date(2026, 1, 1))
    assert P.library_score(case) == score_role(
        m, "engineer", sample_assessments(), on=case.on, person="person"
    )
