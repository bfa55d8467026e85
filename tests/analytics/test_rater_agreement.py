"""Rater aggregation, self vs manager gaps, Krippendorff's alpha and ICCs.

Published values:

- Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the example of 4
  observers x 12 units with missing values: nominal 0.743, ordinal 0.815, interval 0.849,
  ratio 0.797.
- The 3 coders x 15 units example of Krippendorff's alpha on Wikipedia (also the
  ``krippendorff`` package's doctest): nominal 0.691, interval 0.811.
- Shrout & Fleiss (1979), Table 2: 6 targets x 4 judges: ICC(1,1) .17, ICC(2,1) .29,
  ICC(3,1) .71, ICC(1,4) .44, ICC(2,4) .62, ICC(3,4) .91.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from analytics_helpers import DAY, five_point_model, matrix_ratings
from hypothesis import given, settings
from hypothesis import strategies as st

from competency_core.analytics.icc import intraclass_correlation
from competency_core.analytics.raters import (
    aggregate_ratings,
    competency_agreement,
    krippendorff_alpha,
    rating_gaps,
)
from competency_core.analytics.ratings import AnalyticsError, PilotRating
from competency_core.errors import ModelValidationError
from competency_core.people import RaterType
from competency_core.scoring import Aggregation, ScoringPolicy

N = None
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
]
WIKIPEDIA = [
    [N, N, N, N, N, 3, 4, 1, 2, 1, 1, 3, 3, N, 3],
    [1, N, 2, 1, 3, 3, 4, 3, N, N, N, N, N, N, N],
    [N, N, 2, 1, 3, 4, 4, N, 2, 1, 1, 3, 3, N, 4],
]
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_alpha_matches_krippendorff_2011(level: str, published: float) -> None:
    assert round(krippendorff_alpha(KRIPPENDORFF_2011, level=level), 3) == published  # type: ignore[arg-type]


def test_alpha_matches_the_wikipedia_example() -> None:
    assert round(krippendorff_alpha(WIKIPEDIA, level="nominal"), 3) == 0.691  # type: ignore[arg-type]
    assert round(krippendorff_alpha(WIKIPEDIA, level="interval"), 3) == 0.811  # type: ignore[arg-type]


def test_alpha_is_none_when_undefined() -> None:
    assert krippendorff_alpha([[1, N], [N, 2]]) is None  # nobody rated twice
    assert krippendorff_alpha([[3, 3], [3, 3]]) is None  # one value throughout
    assert krippendorff_alpha([]) is None


def test_competency_agreement_reproduces_the_published_ordinal_alpha() -> None:
    """The whole path (pilot ratings -> units x levels counts -> package) gives 0.815."""
    model = five_point_model(["c"])
    ratings = matrix_ratings("c", KRIPPENDORFF_2011)
    (a,) = competency_agreement(model, ratings)
    assert round(a.alpha, 3) == 0.815  # type: ignore[arg-type]
    assert a.people == 12
    assert a.pairable_people == 11  # the last unit was coded once
    assert a.pairable_ratings == 40
    (nominal,) = competency_agreement(model, ratings, level="nominal")
    assert round(nominal.alpha, 3) == 0.743  # type: ignore[arg-type]


def test_pairwise_agreement_is_hand_computed() -> None:
    model = five_point_model(["c"])
    # person 0: 3, 3, 4 -> pairs (3,3) (3,4) (3,4): exact 1, within one 3, range 1
    # person 1: 1, 5    -> pair (1,5): exact 0, within one 0, range 4
    ratings = matrix_ratings("c", [[3, 1], [3, 5], [4, N]])
    (a,) = competency_agreement(model, ratings)
    assert a.exact_agreement == pytest.approx(1 / 4)
    assert a.within_one == pytest.approx(3 / 4)
    assert a.mean_spread == pytest.approx((1 + 4) / 2)


def test_agreement_notes_when_alpha_is_undefined() -> None:
    model = five_point_model(["c", "d"])
    same = matrix_ratings("c", [[3, 3], [3, 3]])
    lonely = matrix_ratings("d", [[2, 4]])
    by_key = {a.competency: a for a in competency_agreement(model, same + lonely)}
    assert by_key["c"].alpha is None
    assert "same level" in (by_key["c"].note or "")
    assert by_key["c"].exact_agreement == 1.0
    assert by_key["d"].alpha is None
    assert "two raters" in (by_key["d"].note or "")


def test_icc_matches_shrout_and_fleiss() -> None:
    r = intraclass_correlation(SHROUT_FLEISS)
    got = [r.icc1_1, r.icc2_1, r.icc3_1, r.icc1_k, r.icc2_k, r.icc3_k]
    assert [round(x, 2) for x in got] == [0.17, 0.29, 0.71, 0.44, 0.62, 0.91]
    assert (r.targets, r.judges) == (6, 4)


def test_icc_refuses_what_it_cannot_compute() -> None:
    with pytest.raises(AnalyticsError):
        intraclass_correlation([[1, 2]])
    with pytest.raises(AnalyticsError):
        intraclass_correlation([[1, float("nan")], [2, 3]])
    with pytest.raises(AnalyticsError):
        intraclass_correlation([[1, 2], [1, 2]])


def test_agreement_reports_an_icc_across_rater_types() -> None:
    model = five_point_model(["c"])
    types = [RaterType.SELF, RaterType.MANAGER]
    ratings = matrix_ratings("c", [[1, 2, 3, 4, 5], [1, 2, 3, 4, 5]], rater_types=types)
    (a,) = competency_agreement(model, ratings)
    assert a.icc == pytest.approx(1.0)
    assert a.alpha == pytest.approx(1.0)


# -- aggregation (scoring's policies) ------------------------------------------------------


def _r(
    rt: RaterType, level: int | None, *, day: dt.date = DAY, cannot: bool = False
) -> PilotRating:
    return PilotRating(
        person="p", competency="alpha", rater_type=rt, level=level, cannot_rate=cannot, date=day
    )


def test_aggregation_uses_scorings_policies() -> None:
    model = five_point_model(["alpha"])
    ratings = [
        _r(RaterType.SELF, 2),
        _r(RaterType.MANAGER, 4),
        _r(RaterType.PEER, None, cannot=True),
        _r(RaterType.PEER, None),
    ]
    (blend,) = aggregate_ratings(
        model, ratings, policy=ScoringPolicy(aggregation=Aggregation.BLEND)
    )
    # blend: (manager 2 x 0.75 + self 1 x 0.25) / 3 = 0.5833 normalised -> level 1 + 4 x 0.5833
    assert blend.normalised == pytest.approx((2 * 0.75 + 1 * 0.25) / 3)
    assert blend.level == pytest.approx(1 + 4 * (2 * 0.75 + 0.25) / 3)
    assert (blend.ratings, blend.cannot_rate, blend.missing) == (2, 1, 1)
    (priority,) = aggregate_ratings(
        model, ratings, policy=ScoringPolicy(aggregation=Aggregation.PRIORITY)
    )
    assert priority.level == 4.0  # the manager comes before self
    assert priority.raters == (RaterType.MANAGER,)


def test_aggregation_leaves_out_pairs_without_a_level() -> None:
    model = five_point_model(["alpha"])
    assert aggregate_ratings(model, [_r(RaterType.PEER, None, cannot=True)]) == ()
    assert aggregate_ratings(model, []) == ()


def test_ratings_off_the_scale_are_refused() -> None:
    model = five_point_model(["alpha"])
    with pytest.raises(ModelValidationError, match="not a level"):
        aggregate_ratings(model, [_r(RaterType.SELF, 9)])
    bad = PilotRating(person="p", competency="nope", rater_type="self", level=1, date=DAY)
    with pytest.raises(ModelValidationError, match="unknown competency"):
        competency_agreement(model, [bad])


def test_a_rating_is_a_level_or_cannot_rate() -> None:
    with pytest.raises(ValueError, match="not both"):
        _r(RaterType.PEER, 3, cannot=True)


# -- self vs manager ---------------------------------------------------------------------------


def _pair(person: str, comp: str, self_level: int, manager: int) -> list[PilotRating]:
    return [
        PilotRating(person=person, competency=comp, rater_type="self", level=self_level, date=DAY),
        PilotRating(person=person, competency=comp, rater_type="manager", level=manager, date=DAY),
    ]


def test_self_vs_manager_gaps_are_hand_computed() -> None:
    model = five_point_model(["alpha", "beta"])
    ratings = (
        _pair("ann", "alpha", 4, 2)  # +2 over
        + _pair("bob", "alpha", 3, 3)  # 0
        + _pair("bob", "beta", 2, 3)  # -1 under
        + [PilotRating(person="cy", competency="beta", rater_type="self", level=5, date=DAY)]
    )
    rep = rating_gaps(model, ratings)
    assert rep.overall.pairs == 3
    assert rep.overall.mean_difference == pytest.approx(1 / 3)
    assert rep.overall.mean_absolute_difference == pytest.approx(1.0)
    assert (rep.overall.over, rep.overall.under, rep.overall.agree) == (1, 1, 1)
    alpha, beta = rep.by_competency
    assert (alpha.key, alpha.mean_difference, alpha.share_over) == ("alpha", 1.0, 0.5)
    assert (beta.key, beta.mean_difference, beta.share_under) == ("beta", -1.0, 1.0)
    assert [p.key for p in rep.by_person] == ["ann", "bob"]  # biggest |mean| first
    assert rep.gaps[0].normalised_difference == pytest.approx(0.5)


def test_the_latest_rating_of_a_rater_type_counts() -> None:
    model = five_point_model(["alpha"])
    earlier = dt.date(2026, 1, 1)
    old = PilotRating(person="ann", competency="alpha", rater_type="self", level=1, date=earlier)
    ratings = [*_pair("ann", "alpha", 3, 3), old]
    (gap,) = rating_gaps(model, ratings).gaps
    assert gap.first == 3.0
    peer_vs_manager = rating_gaps(model, ratings, first=RaterType.PEER)
    assert peer_vs_manager.overall.pairs == 0


# -- properties -------------------------------------------------------------------------------

_matrix = st.integers(2, 4).flatmap(
    lambda raters: st.lists(
        st.lists(st.one_of(st.none(), st.integers(1, 5)), min_size=raters, max_size=raters),
        min_size=2,
        max_size=12,
    )
)


@settings(max_examples=40)
@given(units=_matrix, order=st.randoms(use_true_random=False))
def test_agreement_properties(units: list[list[int | None]], order: random.Random) -> None:
    model = five_point_model(["c"])
    raters_by_units = [list(col) for col in zip(*units, strict=True)]
    (a,) = competency_agreement(model, matrix_ratings("c", raters_by_units)) or (None,)
    if a is None:  # nobody rated at all
        assert all(v is None for row in units for v in row)
        return
    direct = krippendorff_alpha(raters_by_units, level="ordinal", value_domain=[1, 2, 3, 4, 5])
    # the counts-table path and the raters x units path agree
    assert (a.alpha is None) == (direct is None)
    if a.alpha is not None and direct is not None:
        assert a.alpha == pytest.approx(direct)
        assert a.alpha <= 1.0 + 1e-9
    # the order of people does not matter
    shuffled = units[:]
    order.shuffle(shuffled)
    (b,) = competency_agreement(
        model, matrix_ratings("c", [list(c) for c in zip(*shuffled, strict=True)])
    )
    assert (a.alpha is None) == (b.alpha is None)
    if a.alpha is not None and b.alpha is not None:
        assert b.alpha == pytest.approx(a.alpha)
    for share in (a.exact_agreement, a.within_one):
        assert share is None or 0.0 <= share <= 1.0
    if a.exact_agreement is not None and a.within_one is not None:
        assert a.exact_agreement <= a.within_one


@settings(max_examples=40)
@given(
    levels=st.lists(
        st.tuples(st.sampled_from(list(RaterType)), st.integers(1, 5)), min_size=1, max_size=8
    )
)
def test_a_blend_lies_between_the_raters(levels: list[tuple[RaterType, int]]) -> None:
    model = five_point_model(["alpha"])
    ratings = [_r(rt, lv) for rt, lv in levels]
    (agg,) = aggregate_ratings(model, ratings, policy=ScoringPolicy(aggregation=Aggregation.BLEND))
    assert min(lv for _, lv in levels) - 1e-9 <= agg.level <= max(lv for _, lv in levels) + 1e-9
