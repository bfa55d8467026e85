"""``Store.workforce``: the store's people, assessments and assignments as a workforce.

On SQLite and PostgreSQL: a workforce file round-trips through the store, ``as_of`` leaves
out what had not happened yet and keeps what had expired, carried assessments replace
those they were carried from, assignments are upserted, identical ratings are not added
twice; and, for random workforces, ``import_workforce`` then ``workforce`` gives the
workforce back (up to order).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete

from competency_core.errors import UnknownKeyError
from competency_core.io import load_model, load_workforce
from competency_core.model import CompetencyModel
from competency_core.people import AssignmentStatus, LearningAssignment, Workforce
from competency_core.store import Store
from competency_core.store.schema import AssessmentRow, AssignmentRow, PersonRow
from competency_core.testing.strategies import competency_models, keys, workforces

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
KEY = "software-engineering"
LATER = dt.date(2100, 1, 1)


def _sorted(items: Iterable[Any]) -> list[str]:
    return sorted(x.model_dump_json() for x in items)


def _same(a: Workforce, b: Workforce) -> None:
    assert a.model == b.model
    assert _sorted(a.people) == _sorted(b.people)
    assert _sorted(a.assessments) == _sorted(b.assessments)
    assert _sorted(a.assignments) == _sorted(b.assignments)


@pytest.fixture
def examples() -> tuple[CompetencyModel, Workforce]:
    model = load_model(EXAMPLES / "software-engineering.yaml")
    return model, load_workforce(EXAMPLES / "people.yaml", model)


def test_a_workforce_file_round_trips(
    store: Store, examples: tuple[CompetencyModel, Workforce]
) -> None:
    model, wf = examples
    assert wf.assignments  # the example has learning assignments: they are stored too
    store.add_model(model)
    store.import_workforce(wf)
    _same(store.workforce(model, as_of=LATER), wf)
    _same(store.workforce(KEY, as_of=LATER), wf)
    assert store.workforce("another-model", as_of=LATER).assessments == ()


def test_as_of_leaves_out_the_future_and_keeps_the_expired(
    store: Store, examples: tuple[CompetencyModel, Workforce]
) -> None:
    model, wf = examples
    store.add_model(model)
    store.import_workforce(wf)
    dates = sorted({a.date for a in wf.assessments})
    day = dates[len(dates) // 2]
    back = store.workforce(model, as_of=day)
    assert _sorted(back.assessments) == _sorted(a for a in wf.assessments if a.date <= day)
    assert _sorted(back.assignments) == _sorted(a for a in wf.assignments if a.assigned <= day)
    assert _sorted(back.people) == _sorted(wf.people)  # people have no history
    lapsed = [a for a in wf.assessments if a.expires is not None and a.expires < LATER]
    assert lapsed
    assert all(a in store.workforce(model, as_of=LATER).assessments for a in lapsed)
    assert store.workforce(model, as_of=dt.date(1990, 1, 1)).assessments == ()


def test_the_default_day_is_today(
    store: Store, examples: tuple[CompetencyModel, Workforce]
) -> None:
    _model, wf = examples
    store.import_workforce(wf, check=False)
    future = wf.assessments[0].model_copy(update={"date": dt.date.today() + dt.timedelta(1)})
    store.add_assessments([future], model=KEY)
    assert future not in store.workforce(KEY).assessments
    assert future in store.workforce(KEY, as_of=future.date).assessments


def test_carried_assessments_replace_their_originals(
    store: Store, examples: tuple[CompetencyModel, Workforce]
) -> None:
    model, wf = examples
    store.add_model(model)
    store.import_workforce(wf)
    store.save_draft(model, revision=store.get(KEY).revision)  # the same content
    store.start_pilot(KEY)
    store.approve(KEY, "hr", "J")
    store.approve(KEY, "engineering-leadership", "A")
    store.publish(KEY)
    second = store.new_draft(KEY).model
    store.migrate_assessments(KEY, model.version, second.version)
    carried = store.workforce(second, as_of=LATER).assessments
    assert len(carried) == len(wf.assessments)
    assert {a.model_version for a in carried} == {second.version}
    # by key (no version to prefer) the store holds both
    assert len(store.workforce(KEY, as_of=LATER).assessments) == 2 * len(wf.assessments)


def test_assignments_are_upserted_by_person_resource_and_date(
    store: Store, examples: tuple[CompetencyModel, Workforce]
) -> None:
    _, wf = examples
    store.upsert_people(wf.people)
    first = wf.assignments[0]
    assert store.add_assignments(wf.assignments, model=KEY) == len(wf.assignments)
    done = first.model_copy(update={"status": AssignmentStatus.COMPLETED, "completed": LATER})
    store.add_assignments([done], model=KEY)
    mine = store.assignments(KEY, person=first.person)
    assert done in mine
    assert first not in mine
    assert len(store.assignments(KEY)) == len(wf.assignments)
    assert store.assignments("another-model") == []
    stranger = first.model_copy(update={"person": "nobody"})
    with pytest.raises(UnknownKeyError):
        store.add_assignments([stranger], model=KEY)


def test_identical_ratings_are_not_added_twice(
    store: Store, examples: tuple[CompetencyModel, Workforce]
) -> None:
    _, wf = examples
    store.import_workforce(wf, check=False)
    n = len(wf.assessments)
    assert store.add_assessments(wf.assessments, model=KEY, skip_identical=True) == 0
    changed = wf.assessments[0].model_copy(update={"comment": "again, later"})
    twice = [changed, changed, *wf.assessments]
    assert store.add_assessments(twice, model=KEY, skip_identical=True) == 1
    assert store.count_assessments(model=KEY) == n + 1
    # for another model they are new
    assert store.add_assessments(wf.assessments, model="other", skip_identical=True) == n


def test_assignments_need_a_model(
    store: Store, examples: tuple[CompetencyModel, Workforce]
) -> None:
    _, wf = examples
    from competency_core.errors import CompetencyError

    with pytest.raises(CompetencyError, match="names no model"):
        store.import_workforce(wf.model_copy(update={"model": None}), check=False)
    assert store.people() == []  # all or nothing


# -- the property ---------------------------------------------------------------------------


@st.composite
def _workforces_with_assignments(draw: st.DrawFn) -> Workforce:
    wf = draw(workforces(competency_models(), n_people=(0, 5), assessments_per_person=(0, 5)))
    people = [p.key for p in wf.people]
    if not people:
        return wf
    assignment = st.builds(
        LearningAssignment,
        person=st.sampled_from(people),
        resource=keys("res"),
        assigned=st.dates(dt.date(2020, 1, 1), dt.date(2027, 12, 31)),
        due=st.none() | st.dates(dt.date(2020, 1, 1), dt.date(2028, 12, 31)),
        status=st.sampled_from(list(AssignmentStatus)),
        completed=st.none() | st.dates(dt.date(2020, 1, 1), dt.date(2028, 12, 31)),
    )
    assigned = draw(
        st.lists(assignment, max_size=6, unique_by=lambda a: (a.person, a.resource, a.assigned))
    )
    return wf.model_copy(update={"assignments": tuple(assigned)})


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(wf=_workforces_with_assignments(), day=st.dates(dt.date(2019, 1, 1), LATER))
def test_import_then_workforce_gives_the_workforce_back(
    store: Store, wf: Workforce, day: dt.date
) -> None:
    with store.transaction() as s:  # one store serves every example: start empty
        for table in (AssignmentRow, AssessmentRow, PersonRow):
            s.execute(delete(table))
    assert wf.model is not None
    store.import_workforce(wf, check=False)
    _same(store.workforce(wf.model, as_of=LATER), wf)
    back = store.workforce(wf.model, as_of=day)
    assert _sorted(back.assessments) == _sorted(a for a in wf.assessments if a.date <= day)
    assert _sorted(back.assignments) == _sorted(a for a in wf.assignments if a.assigned <= day)
