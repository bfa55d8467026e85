"""Development plans as learning assignments (``learning_assignments``, ``workforce_plans``)."""

from __future__ import annotations

import datetime as dt

import pytest

from competency_core.errors import ScoringError
from competency_core.people import AssignmentStatus, LearningAssignment
from competency_core.scoring import development_plan, learning_assignments, workforce_plans
from competency_core.testing.samples import sample_model, sample_workforce

ON = dt.date(2026, 6, 1)


def test_one_assignment_per_person_and_chosen_resource_dated_by_the_plan() -> None:
    plans = workforce_plans(sample_model(), sample_workforce(), on=ON)
    assert [p.person for p in plans] == ["ada", "grace", "linus"]  # everyone with a role
    due = dt.date(2026, 9, 1)
    got = learning_assignments(plans, due=due)
    assert [(a.person, a.resource, a.assigned, a.due, a.status) for a in got] == [
        ("ada", "testing-course", ON, due, AssignmentStatus.ASSIGNED),
        ("linus", "writing-workshop", ON, due, AssignmentStatus.ASSIGNED),
    ]
    later = dt.date(2026, 7, 1)
    assert {a.assigned for a in learning_assignments(plans, assigned=later)} == {later}


def test_what_a_person_already_has_is_not_assigned_again() -> None:
    plans = workforce_plans(sample_model(), sample_workforce(), on=ON)
    had = LearningAssignment(person="ada", resource="testing-course", assigned=ON)
    cancelled = had.model_copy(update={"person": "linus", "resource": "writing-workshop"})
    cancelled = cancelled.model_copy(update={"status": AssignmentStatus.CANCELLED})
    got = learning_assignments(plans, existing=[had, cancelled])
    assert [(a.person, a.resource) for a in got] == [("linus", "writing-workshop")]


def test_a_plan_for_nobody_assigns_nothing() -> None:
    model = sample_model()
    plan = development_plan(model, model.roles[0].key, (), on=ON)
    assert plan.resources
    assert learning_assignments([plan]) == []


def test_named_people_must_have_a_role() -> None:
    wf = sample_workforce()
    who = wf.people[0].model_copy(update={"role": None})
    wf = wf.model_copy(update={"people": (who, *wf.people[1:])})
    assert [p.person for p in workforce_plans(sample_model(), wf, on=ON)] == ["grace", "linus"]
    with pytest.raises(ScoringError, match="no current role"):
        workforce_plans(sample_model(), wf, [who.key], on=ON)
