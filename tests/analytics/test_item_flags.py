"""Each item-analysis flag fires on data made to trip it, and stays quiet just short of it."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from analytics_helpers import five_point_model, matrix_ratings, unrated

from competency_core.analytics.items import (
    Concern,
    FlagKind,
    ItemStats,
    ItemThresholds,
    analyse_items,
)
from competency_core.analytics.ratings import PilotRating

C = "alpha"


def agreeing(levels: Sequence[int], raters: int = 2) -> list[PilotRating]:
    """Every person rated at their level by ``raters`` raters who all agree."""
    return matrix_ratings(C, [list(levels)] * raters)


def item(ratings: list[PilotRating], t: ItemThresholds | None = None, **model: object) -> ItemStats:
    m = five_point_model([C], **model)  # type: ignore[arg-type]
    return analyse_items(m, ratings, thresholds=t).item(C)


def kinds(i: ItemStats) -> set[FlagKind]:
    return {f.kind for f in i.flags}


def test_a_healthy_competency_has_no_flag() -> None:
    i = item(agreeing([1, 2, 3, 4, 5, 3, 2]))
    assert i.flags == ()
    assert i.notes == ()
    assert i.people == 7
    assert i.agreement is not None
    assert i.agreement.alpha == pytest.approx(1.0)


def test_ceiling_fires_at_the_threshold_and_not_below() -> None:
    hit = item(agreeing([5, 5, 3, 3, 2, 4]))  # 2 of 6 people at the top: 33% >= 30%
    assert kinds(hit) == {FlagKind.CEILING}
    (flag,) = hit.flags
    assert flag.value == pytest.approx(2 / 6)
    assert flag.threshold == 0.30
    assert flag.numbers["people"] == 6
    assert flag.concern is Concern.NOT_DIFFERENTIATING
    assert "33% of 6 people" in flag.message
    assert "L5" in flag.message  # the top level's label
    assert flag.suggestion
    quiet = item(agreeing([5, 4, 3, 3, 2, 4]))  # 1 of 6: 17%
    assert FlagKind.CEILING not in kinds(quiet)
    stricter = item(agreeing([5, 4, 3, 3, 2, 4]), ItemThresholds(ceiling_share=0.15))
    assert kinds(stricter) == {FlagKind.CEILING}


def test_floor_fires_at_the_threshold_and_not_below() -> None:
    hit = item(agreeing([1, 1, 3, 4, 2, 3]))
    assert kinds(hit) == {FlagKind.FLOOR}
    assert hit.bottom_share == pytest.approx(2 / 6)
    assert hit.flags[0].concern is Concern.TOO_NARROW
    assert kinds(item(agreeing([1, 2, 3, 4, 2, 3]))) == set()


def test_low_variance_fires_on_nearly_equal_levels() -> None:
    # people's levels 3,3,3,3,3,4: sd = sqrt(5/36) = 0.373 levels = 0.093 of the scale
    hit = item(agreeing([3, 3, 3, 3, 3, 4]))
    assert kinds(hit) == {FlagKind.LOW_VARIANCE}
    assert hit.sd == pytest.approx((5 / 36) ** 0.5)
    assert hit.normalised_sd == pytest.approx((5 / 36) ** 0.5 / 4)
    # 2,3,3,3,3,4: sd = sqrt(1/3) = 0.577 levels = 0.144 of the scale
    assert kinds(item(agreeing([2, 3, 3, 3, 3, 4]))) == set()


def test_people_count_once_however_many_raters_they_have() -> None:
    # one person at the top, rated by 6 raters, among 5 others rated by 2
    ratings = matrix_ratings(C, [[5, 4, 3, 3, 2, 4]] * 2) + matrix_ratings(C, [[5]] * 4)
    i = item(ratings)
    assert i.distribution[5] == 6  # six answers at the top...
    assert i.people_distribution[5] == 1  # ...about one person
    assert FlagKind.CEILING not in kinds(i)


def test_hard_to_rate_fires_on_many_cannot_rate_and_blanks() -> None:
    rated = agreeing([1, 2, 3, 4, 5, 3])  # 12 answers
    people = [f"p{j}" for j in range(6)]
    hit = item(rated + unrated(C, people, cannot=2, blank=1))  # 3 of 15 = 20%
    assert kinds(hit) == {FlagKind.HARD_TO_RATE}
    (flag,) = hit.flags
    assert flag.numbers == {"answers": 15, "cannot_rate": 2, "missing": 1, "unrated_share": 0.2}
    assert flag.concern is Concern.HARD_TO_MEASURE
    assert (hit.answers, hit.rated, hit.cannot_rate, hit.missing) == (15, 12, 2, 1)
    quiet = item(rated + unrated(C, people, cannot=1, blank=1))  # 2 of 14 = 14%
    assert kinds(quiet) == set()


def test_low_agreement_fires_when_raters_disagree() -> None:
    disagree = matrix_ratings(C, [[1, 2, 3, 4, 5, 3], [5, 4, 1, 2, 3, 1]])
    hit = item(disagree)
    assert FlagKind.LOW_AGREEMENT in kinds(hit)
    flag = next(f for f in hit.flags if f.kind is FlagKind.LOW_AGREEMENT)
    assert flag.value < 0.667
    assert flag.numbers["pairable_people"] == 6
    assert flag.concern is Concern.TOO_BROAD
    assert "Krippendorff's alpha (ordinal)" in flag.message
    # one rater one level off on one person: alpha stays high
    close = matrix_ratings(C, [[1, 2, 3, 4, 5, 3], [1, 2, 3, 4, 4, 3]])
    assert FlagKind.LOW_AGREEMENT not in kinds(item(close))


def test_low_agreement_is_not_judged_on_too_few_people() -> None:
    few = matrix_ratings(C, [[1, 2, 5, 3], [5, 4, 1, 1]])
    i = item(few, ItemThresholds(min_people=2))
    assert FlagKind.LOW_AGREEMENT not in kinds(i)
    assert any("too few to judge agreement" in n for n in i.notes)


def test_low_variance_explains_a_low_alpha_instead_of_flagging_it() -> None:
    # everyone is about level 3; raters wobble by one level: alpha is low, but because
    # people hardly differ, not because the competency is read differently
    ratings = matrix_ratings(C, [[3, 3, 3, 3, 3, 3], [3, 4, 3, 2, 3, 3]])
    i = item(ratings)
    assert kinds(i) == {FlagKind.LOW_VARIANCE}
    assert any("levels barely differ" in n for n in i.notes)


def test_too_few_ratings_give_notes_not_flags() -> None:
    i = item(agreeing([5, 5, 5, 5]))  # 4 people: below min_people=5
    assert kinds(i) == set()
    assert any("only 4 people" in n for n in i.notes)


def test_unrated_competencies_are_quiet() -> None:
    i = item([])
    assert (i.answers, i.people, i.mean, i.top_share) == (0, 0, None, None)
    assert i.flags == ()
    assert i.notes == ()


def test_no_role_and_every_role() -> None:
    m = five_point_model(
        ["common", "some", "orphan"],
        roles={"r1": ["common", "some"], "r2": ["common"], "r3": ["common"]},
    )
    by_key = {i.competency: i for i in analyse_items(m).items}
    assert kinds(by_key["orphan"]) == {FlagKind.NO_ROLE}
    assert by_key["orphan"].flags[0].concern is Concern.IRRELEVANT
    assert kinds(by_key["common"]) == {FlagKind.EVERY_ROLE}
    assert by_key["common"].flags[0].numbers == {
        "roles_requiring": 3,
        "roles": 3,
        "distinct_levels": 1,
    }
    assert "all at level 3" in by_key["common"].flags[0].message
    assert kinds(by_key["some"]) == set()


def test_every_role_needs_enough_roles() -> None:
    m = five_point_model(["common"], roles={"r1": ["common"], "r2": ["common"]})
    assert analyse_items(m).flags == ()
    strict = analyse_items(m, thresholds=ItemThresholds(min_roles=2))
    assert [f.kind for f in strict.flags] == [FlagKind.EVERY_ROLE]


def test_flagged_puts_rating_flags_first(se_model) -> None:  # type: ignore[no-untyped-def]
    # the example model: only written-communication is required by every role
    a = analyse_items(se_model)
    assert [i.competency for i in a.flagged] == ["written-communication"]
    assert [f.kind for f in a.flags] == [FlagKind.EVERY_ROLE]
    assert "at levels 2, 3 and 4" in a.flags[0].message


def test_thresholds_are_validated() -> None:
    with pytest.raises(ValueError, match="ceiling_share"):
        ItemThresholds(ceiling_share=1.5)
