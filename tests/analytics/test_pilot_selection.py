from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competency_core.analytics.pilot import (
    NONE_VALUE,
    allocate,
    select_pilot,
    stratum_value,
)
from competency_core.analytics.ratings import AnalyticsError
from competency_core.errors import CompetencyError
from competency_core.people import Person


def person(
    key: str, role: str | None, dept: str | None = "eng", level: str | None = "L1"
) -> Person:
    return Person(key=key, name=key, role=role, department=dept, job_level=level)


# -- allocation: hand-computed ---------------------------------------------------------


def test_allocate_proportional_with_one_per_stratum() -> None:
    # targets 5 * (6, 3, 1) / 10 = 3, 1.5, 0.5: floors 3, 1, 0 -> the last gets its one
    assert allocate([6, 3, 1], 5) == [3, 1, 1]
    # targets 10 * (5, 3, 2) / 10 = exactly the populations
    assert allocate([5, 3, 2], 10) == [5, 3, 2]
    # targets 4 * (5, 3, 2) / 10 = 2, 1.2, 0.8: floors 2, 1, 1 (min one) -> 4
    assert allocate([5, 3, 2], 4) == [2, 1, 1]
    # targets 6 * (4, 4, 1, 1) / 10 = 2.4, 2.4, 0.6, 0.6: floors 2, 2, 1, 1
    assert allocate([4, 4, 1, 1], 6) == [2, 2, 1, 1]


def test_allocate_largest_remainder_goes_to_the_bigger_stratum() -> None:
    # targets 5 * (3, 3, 2) / 8 = 1.875, 1.875, 1.25: floors 1, 1, 1 -> remainders .875 tie
    # for the two biggest: the earlier one wins, then the next.
    assert allocate([3, 3, 2], 5) == [2, 2, 1]
    assert allocate([3, 3, 2], 4) == [2, 1, 1]


def test_allocate_below_the_number_of_strata_takes_the_biggest() -> None:
    assert allocate([1, 6, 3], 2) == [0, 1, 1]


def test_allocate_refuses_impossible_sizes() -> None:
    with pytest.raises(AnalyticsError):
        allocate([2, 2], 5)
    with pytest.raises(AnalyticsError):
        allocate([2, 2], -1)


# -- selection ---------------------------------------------------------------------------


def test_selection_covers_every_stratum_and_reports_it() -> None:
    people = [person(f"e{i}", "engineer") for i in range(6)]
    people += [person(f"m{i}", "manager", level="M1") for i in range(3)]
    people += [person("d0", "designer", dept="design")]
    sel = select_pilot(people, 5, by=("role", "department"), seed=7)
    assert sel.size == len(sel.people) == 5
    assert [(s.values["role"], s.population, s.selected) for s in sel.strata] == [
        ("engineer", 6, 3),
        ("manager", 3, 1),
        ("designer", 1, 1),
    ]
    assert sel.represented == 3
    assert sel.coverage == 1.0
    assert sel.strata[0].expected == pytest.approx(3.0)
    assert sel.strata[0].share == pytest.approx(0.5)
    assert sel.strata[2].people == ("d0",)
    by_dept = {(v.field, v.value): v for v in sel.values}
    assert by_dept["department", "eng"].population == 9
    assert by_dept["department", "eng"].selected == 4
    assert by_dept["department", "design"].share_of_group == pytest.approx(0.2)


def test_a_size_below_the_strata_reports_the_missing_ones() -> None:
    people = [person("a", "x"), person("b", "x"), person("c", "y"), person("d", "z")]
    sel = select_pilot(people, 2, by=("role",), seed=0)
    assert [s.values["role"] for s in sel.missing_strata] == ["z"]
    assert sel.coverage == pytest.approx(2 / 3)


def test_empty_values_form_their_own_stratum() -> None:
    p = person("a", None, dept=None)
    assert stratum_value(p, "role") == NONE_VALUE
    assert (
        stratum_value(p.model_copy(update={"attributes": {"site": "Oslo"}}), "attributes.site")
        == "Oslo"
    )
    with pytest.raises(AnalyticsError, match="cannot stratify by 'salary'"):
        stratum_value(p, "salary")


def test_exclude_and_errors() -> None:
    people = [person(f"p{i}", "r") for i in range(4)]
    sel = select_pilot(people, 3, by=("role",), exclude=["p0"])
    assert "p0" not in sel.people
    with pytest.raises(CompetencyError, match="only 3 are available"):
        select_pilot(people, 4, by=("role",), exclude=["p0"])
    with pytest.raises(CompetencyError, match="at least one person"):
        select_pilot(people, 0, by=("role",))
    with pytest.raises(CompetencyError, match="at least one field"):
        select_pilot(people, 1, by=())


def test_the_example_workforce(se_people) -> None:  # type: ignore[no-untyped-def]
    sel = select_pilot(se_people, 10, seed=2)
    assert sel.population == 14
    assert sel.represented == len(sel.strata) == 8
    assert select_pilot(se_people, 10, seed=2) == sel


# -- properties --------------------------------------------------------------------------

_people = st.lists(
    st.tuples(
        st.sampled_from("abcd"), st.sampled_from(["x", "y"]), st.sampled_from(["1", "2", "3"])
    ),
    min_size=1,
    max_size=30,
).map(lambda rows: [person(f"p{i}", r, d, lv) for i, (r, d, lv) in enumerate(rows)])


@settings(max_examples=40)
@given(people=_people, data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_selection_properties(people: list[Person], data: st.DataObject, seed: int) -> None:
    size = data.draw(st.integers(1, len(people)))
    by = ("role", "department", "job_level")
    sel = select_pilot(people, size, by=by, seed=seed)
    # the size is exact and nobody is chosen twice
    assert len(sel.people) == len(set(sel.people)) == size
    # reproducible with the seed, whatever order the people come in
    assert select_pilot(list(reversed(people)), size, by=by, seed=seed) == sel
    # never more from a stratum than it has; shares add up
    assert all(0 <= s.selected <= s.population for s in sel.strata)
    assert sum(s.selected for s in sel.strata) == size
    # every stratum is represented when the size allows it
    if size >= len(sel.strata):
        assert sel.represented == len(sel.strata)
    # everyone chosen really is in the stratum they are reported in
    keys = {p.key: p for p in people}
    for s in sel.strata:
        for k in s.people:
            assert {f: stratum_value(keys[k], f) for f in by} == s.values
