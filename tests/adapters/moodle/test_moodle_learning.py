"""Learning and ratings on the emulator and on a real Moodle 5.1: plans, cohorts, enrolments,
grades both ways."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import pytest
from moodle_backends import Backend, Seeded, failure_points
from moodle_scenario import adapter, engine, make_model, workforce

from competency_core.errors import SyncError
from competency_core.people import RaterType
from competency_moodle import MoodleAdapter, MoodleWebServiceError
from competency_moodle.client import MoodleClient
from competency_testing.moodle.realsite.server import OPERATIONS


@pytest.fixture
def moodle(backend: Backend) -> Backend:
    """Each scenario runs on the emulator and on the real Moodle."""
    return backend


def _pushed(moodle: Backend, **settings: Any) -> tuple[Seeded, MoodleAdapter]:
    seeded = moodle.seed()
    a = adapter(seeded, **settings)
    e = engine(a)
    assert e.apply(e.plan_model(make_model())).ok
    wf = workforce()
    a.use_workforce(wf.people, make_model())
    return seeded, a


def test_individual_plans_and_enrolments_with_people_not_found(moodle: Backend) -> None:
    seeded, a = _pushed(moodle)
    e = engine(a)
    wf = workforce()
    plan = e.plan_assignments(wf.assignments)
    [missing] = [w for w in plan.warnings if "person(s) not found" in w]
    assert "zed" in missing  # said once, with everyone not found
    assert {(c.kind, c.key) for c in plan.pending} == {
        ("plan", "ada|engineer"),
        ("plan", "bob|engineer"),
        ("enrolment", "ada|CC-101"),
        ("enrolment", "bob|CC-101"),
    }
    report = e.apply(plan)
    assert report.ok, report.failed
    snap = seeded.site.snapshot()
    # individual plans (no template), active, with the template's competencies
    assert snap["plans"] == [
        ("ada", "Engineer", 1, ("coding", "design")),
        ("bob", "Engineer", 1, ("coding", "design")),
    ]
    assert seeded.site.plan_templates() == [None, None]
    assert snap["enrolments"] == [("Clean code", "ada", 5), ("Clean code", "bob", 5)]
    moodle.reset_calls()
    again = e.plan_assignments(wf.assignments)
    # plans are read back; enrolments cannot be listed, so they are planned again (harmless)
    assert {c.kind for c in again.pending} == {"enrolment"}
    assert any("always planned" in w for w in again.warnings)
    assert moodle.write_calls() == []
    assert e.apply(again).ok
    assert seeded.site.snapshot()["enrolments"] == snap["enrolments"]


def test_moodle_refuses_a_template_based_plan_so_the_adapter_never_asks(
    moodle: Backend,
) -> None:
    seeded, a = _pushed(moodle)
    [template] = seeded.site.template_ids()
    user = seeded.site.user_id("ada")
    with (
        MoodleClient(seeded.url, seeded.token) as client,
        pytest.raises(MoodleWebServiceError, match="create_plan_from_template"),
    ):
        client.call(
            "core_competency_create_plan",
            {"plan": {"name": "X", "userid": user, "templateid": template, "status": 1}},
        )
    e = engine(a)
    assert e.apply(e.plan_assignments(workforce().assignments)).ok
    made = [c.params["plan"] for c in moodle.calls if c.function == "core_competency_create_plan"]
    assert len(made) == 3  # the refused call above, then one per person found
    assert [str(p["status"]) for p in made[1:]] == ["1", "1"]
    assert ["templateid" in p for p in made] == [True, False, False]


def test_cohort_plans_come_from_moodle_itself(moodle: Backend) -> None:
    seeded, a = _pushed(moodle, plans="cohort", cohorts={"engineer": "eng-cohort"})
    [template] = seeded.site.template_ids()
    cohort = seeded.site.cohort_id("eng-cohort")
    seeded.site.link_template_cohort(template, cohort)  # done by an admin in Moodle
    e = engine(a)
    plan = e.plan_assignments(())
    assert {(c.kind, c.key) for c in plan.pending} == {
        ("cohort-member", "ada|engineer"),
        ("cohort-member", "bob|engineer"),
    }
    assert e.apply(plan).ok
    assert e.plan_assignments(()).is_empty
    assert seeded.site.run_cohort_task() == 2  # Moodle's hourly task
    assert [(p[0], p[1]) for p in seeded.site.snapshot()["plans"]] == [
        ("ada", "Engineer"),
        ("bob", "Engineer"),
    ]
    assert seeded.site.plan_templates() == [template, template]


def test_a_role_without_a_cohort_is_reported(moodle: Backend) -> None:
    _, a = _pushed(moodle, plans="cohort")
    plan = engine(a).plan_assignments(())
    assert plan.is_empty
    assert any("no cohort is set for the role(s) engineer" in w for w in plan.warnings)


def test_users_matched_by_email(moodle: Backend) -> None:
    _, a = _pushed(moodle, user_field="email")
    e = engine(a)
    plan = e.plan_assignments(())
    assert {c.key for c in plan.pending} == {"ada|engineer", "bob|engineer"}
    assert {c.data["user"] for c in plan.pending if c.data} == {
        "ada@example.org",
        "bob@example.org",
    }


def test_ratings_pushed_as_grades_then_pulled_back(moodle: Backend) -> None:
    seeded, a = _pushed(moodle)
    e = engine(a)
    wf = workforce()
    assert e.apply(e.plan_assignments(())).ok  # plans: Moodle shows ratings through them
    plan = e.plan_ratings(wf.assessments)
    # the latest rating per person and competency; levels are items 1-4 by name
    assert {(c.key, c.data["grade"]) for c in plan.pending if c.data} == {
        ("ada|coding", 4),
        ("ada|design", 2),
        ("bob|coding", 1),
    }
    assert e.apply(plan).ok
    assert seeded.site.snapshot()["ratings"] == [
        ("ada", "coding", 4),
        ("ada", "design", 2),
        ("bob", "coding", 1),
    ]
    moodle.reset_calls()
    assert e.plan_ratings(wf.assessments).is_empty
    assert moodle.write_calls() == []
    pulled = sorted(a.pull_ratings(), key=lambda x: (x.person, x.competency))
    assert [(x.person, x.competency, x.level) for x in pulled] == [
        ("ada", "coding", 4),
        ("ada", "design", 2),
        ("bob", "coding", 1),
    ]
    # as assessed (the grade's note), not the sync user and the push date
    assert pulled[0].rater is None
    assert pulled[0].rater_type is RaterType.MANAGER
    assert pulled[0].date == dt.date(2026, 3, 10)
    assert [p.path for p in a.skipped] == ["zed"]


def test_ratings_outside_plans_are_said_to_be_graded_again(moodle: Backend) -> None:
    _, a = _pushed(moodle)
    e = engine(a)
    plan = e.plan_ratings(workforce().assessments)  # nobody has a plan yet
    assert any("outside the person's plans" in w for w in plan.warnings)
    assert e.apply(plan).ok
    assert len(e.plan_ratings(workforce().assessments).pending) == 3


def test_pull_needs_to_know_whom(moodle: Backend) -> None:
    seeded = moodle.seed()
    a = adapter(seeded)
    e = engine(a)
    assert e.apply(e.plan_model(make_model())).ok
    with pytest.raises(Exception, match="name the people"):
        list(a.pull_ratings())
    named = adapter(seeded, users=["ada"])
    named.use_workforce(model=make_model())
    assert list(named.pull_ratings()) == []


@pytest.mark.parametrize("when", ["before", "after"])
def test_learning_failure_at_every_call_then_a_rerun(moodle: Backend, when: str) -> None:
    clean, a = _pushed(moodle)
    e = engine(a)
    moodle.reset_calls()
    assert e.apply(e.plan_assignments(workforce().assignments)).ok
    calls = moodle.call_count
    expected = clean.site.snapshot()
    for n in failure_points(moodle, calls):
        seeded, first = _pushed_on(moodle, f"{when}{n}")
        moodle.reset_calls()
        if when == "before":
            moodle.fail(n, status=500)
        else:
            moodle.fail(n, drop=True, when="after")
        with contextlib.suppress(SyncError):
            engine(first).apply(engine(first).plan_assignments(workforce().assignments))
        moodle.clear_failures()
        again = adapter(seeded)
        again.use_workforce(workforce().people, make_model())
        report = engine(again).apply(engine(again).plan_assignments(workforce().assignments))
        assert report.ok, (n, report.failed)
        assert seeded.site.snapshot() == expected, n
        assert len(seeded.site.plan_templates()) == 2, n


def _pushed_on(moodle: Backend, name: str) -> tuple[Seeded, MoodleAdapter]:
    seeded = moodle.seed(name)
    a = adapter(seeded)
    e = engine(a)
    assert e.apply(e.plan_model(make_model())).ok
    a.use_workforce(workforce().people, make_model())
    return seeded, a


def test_each_operation_needs_only_the_functions_it_names(moodle: Backend) -> None:
    """A token limited to needed_functions(operation) is enough: the lists are complete."""
    seeded = moodle.seed()
    tokens = {op: moodle.token_for_operation(op) for op in OPERATIONS}

    def limited(op: str) -> MoodleAdapter:
        a = adapter(seeded, token=tokens[op], parent_rule="complete")
        a.use_workforce(workforce().people, make_model())
        return a

    e = engine(limited("push-model"))
    assert e.apply(e.plan_model(make_model())).ok
    assert e.plan_model(make_model()).is_empty
    assert limited("pull-model").pull_model("eng").key == "eng"
    e = engine(limited("assign-learning"))
    assert e.apply(e.plan_assignments(workforce().assignments)).ok
    e = engine(limited("push-ratings"))
    assert e.apply(e.plan_ratings(workforce().assessments)).ok
    assert len(list(limited("pull-ratings").pull_ratings())) == 3
    seeded.site.complete_course(seeded.course, "ada", 1_780_000_000)
    (done,) = limited("pull-completions").pull_completions()
    assert (done.person, done.resource) == ("ada", "clean-code")
    refused = [c for c in moodle.calls if c.outcome.startswith("exception")]
    assert refused == []
